"""The background dispatcher of ``recoverly serve``: sends what is due, stops cleanly."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select

from recoverly.channels.sandbox.settings import sandboxed
from recoverly.channels.sandbox.sms_provider import SandboxSmsProvider
from recoverly.channels.sandbox.smtp_server import SandboxSmtpServer
from recoverly.channels.worker import DispatchWorker
from recoverly.config import Settings
from recoverly.store.tables import outbox
from tests.integration.channels.conftest import make_due_now
from tests.integration.channels.test_dispatcher import _setup


def test_the_worker_sends_in_the_background_and_stops(
    database_url: str,
    engine: Engine,
    tmp_path: Path,
    smtp_server: SandboxSmtpServer,
    sms_provider: SandboxSmsProvider,
) -> None:
    today = datetime.now(UTC).date()
    _setup(engine, tmp_path, accounts=80, day=today, seed=9)
    make_due_now(engine)
    settings = sandboxed(
        Settings(database_url=database_url, blob_dir=tmp_path / "blobs"), smtp_server, sms_provider
    )
    worker = DispatchWorker(engine, settings, interval=0.2)
    worker.start()
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                rows = conn.execute(select(outbox.c.status, outbox.c.last_error)).all()
            # Every row handled: settled, or put back to wait for its contact window.
            if rows and all(s not in ("pending", "sending") or e for s, e in rows):
                break
            time.sleep(0.2)
    finally:
        worker.stop(timeout=10)
    assert not worker._thread.is_alive()
    statuses = [s for s, _ in rows]
    assert all(s not in ("pending", "sending") or e for s, e in rows)
    sent = statuses.count("sent")
    assert sent > 0
    assert sent == len(sms_provider.messages()) + len(smtp_server.deliveries())
    assert "pending" not in statuses  # every message was due and inside its window
