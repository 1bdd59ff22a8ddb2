"""Real dispatcher processes killed with SIGKILL mid-flight: their messages are taken
over by the next dispatcher, and the providers still receive each message once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, func, select

from recoverly.channels.sandbox.sms_provider import SandboxSmsProvider
from recoverly.channels.sandbox.smtp_server import SandboxSmtpServer
from recoverly.store.tables import contact_attempts, outbox
from tests.integration.channels.conftest import make_due_now
from tests.integration.channels.test_dispatcher import _setup

RECOVERLY = Path(sys.executable).parent / "recoverly"


def test_killed_dispatchers_lose_and_duplicate_nothing(
    database_url: str,
    engine: Engine,
    tmp_path: Path,
    smtp_server: SandboxSmtpServer,
    sms_provider: SandboxSmsProvider,
) -> None:
    today = datetime.now(UTC).date()  # real dispatchers run on the real clock
    tenant_id = _setup(engine, tmp_path, accounts=150, day=today, seed=5)
    make_due_now(engine)
    env = dict(
        os.environ,
        RECOVERLY_DATABASE_URL=database_url,
        RECOVERLY_SMTP_HOST=smtp_server.host,
        RECOVERLY_SMTP_PORT=str(smtp_server.port),
        RECOVERLY_TWILIO_ACCOUNT_SID=sms_provider.account_sid,
        RECOVERLY_TWILIO_AUTH_TOKEN=sms_provider.auth_token,
        RECOVERLY_TWILIO_FROM="+15005550006",
        RECOVERLY_TWILIO_BASE_URL=sms_provider.base_url,
        RECOVERLY_DISPATCH_LEASE_SECONDS="1",
        RECOVERLY_DISPATCH_MAX_ATTEMPTS="1000",
        RECOVERLY_BLOB_DIR=str(tmp_path / "blobs"),
    )
    rng = random.Random(3)
    kills = 0
    while True:
        proc = subprocess.Popen(
            [str(RECOVERLY), "dispatch", "--batch", "5"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        if kills < 8:
            time.sleep(rng.uniform(1.2, 2.5))  # start-up takes about a second
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait()
            time.sleep(1.1)  # let the dead dispatcher's lease run out
            continue
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
        break
    assert kills == 8
    with engine.connect() as conn:
        rows = conn.execute(
            select(outbox.c.plan_id, outbox.c.channel, outbox.c.status).where(
                outbox.c.tenant_id == tenant_id
            )
        ).all()
        recorded = conn.execute(select(func.count()).select_from(contact_attempts)).scalar_one()
    statuses = Counter(s for _, _, s in rows)
    assert statuses["sending"] == 0  # nothing left half-done
    sent = {(p, ch) for p, ch, s in rows if s == "sent"}
    assert sent
    tokens = Counter(m.idempotency_token for m in sms_provider.messages())
    assert set(tokens) == {f"{tenant_id}-{p}" for p, ch in sent if ch == "sms"}
    ids = {m.message["Message-ID"] for m in smtp_server.deliveries()}
    assert len(ids) == sum(1 for _, ch in sent if ch == "email")
    assert recorded == sum(n for s, n in statuses.items() if s not in ("pending", "sending"))
