"""What a message says is screened before it leaves: a template edited into a threat is
blocked at send time, with the rule and the words that raised it, and queued for review."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, insert, select

from recoverly.channels.adapters.base import ChannelAdapter
from recoverly.channels.dispatcher import Dispatcher
from recoverly.channels.sandbox.sms_provider import SandboxSmsProvider
from recoverly.channels.sandbox.smtp_server import SandboxSmtpServer
from recoverly.channels.templates import default_catalog_dir, load_catalog
from recoverly.store.tables import outbox, qa_alerts, template_pauses
from tests.integration.channels.test_dispatcher import Clock, _adapters, _setup

NOON = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)


def _blocked_at_noon(
    engine: Engine,
    tenant_id: int,
    adapters: dict[str, ChannelAdapter],
    catalog: Path | None = None,
) -> list[str]:
    """Dispatch what is due at noon UTC; the errors of the messages that were blocked."""

    async def go() -> None:
        await Dispatcher(engine, adapters, load_catalog(catalog), clock=Clock(NOON)).drain()

    asyncio.run(go())
    with engine.connect() as conn:
        rows = conn.execute(
            select(outbox.c.status, outbox.c.last_error).where(outbox.c.tenant_id == tenant_id)
        ).all()
    return [error for status, error in rows if status == "blocked"]


def test_a_threatening_template_is_blocked_at_send_time(
    engine: Engine,
    tmp_path: Path,
    smtp_server: SandboxSmtpServer,
    sms_provider: SandboxSmsProvider,
) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(Path(str(default_catalog_dir())), catalog)
    for name in ("gentle_reminder.yaml", "payment_options.yaml"):
        path = catalog / name
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("{{ debtor_name }},", "{{ debtor_name }}, pay or go to jail,"))
    tenant_id = _setup(engine, tmp_path, accounts=60)
    blocked = _blocked_at_noon(engine, tenant_id, _adapters(smtp_server, sms_provider), catalog)
    assert blocked
    assert all(e.startswith('qa.threat_arrest: "go to jail"') for e in blocked)
    sent = [m.body for m in sms_provider.messages()] + [d.body for d in smtp_server.deliveries()]
    assert not any("jail" in body for body in sent)
    # Each blocked message waits on the compliance queue, once.
    with engine.connect() as conn:
        queued = conn.execute(
            select(qa_alerts.c.source_kind, qa_alerts.c.source_id, qa_alerts.c.excerpt).where(
                qa_alerts.c.tenant_id == tenant_id
            )
        ).all()
    assert len(queued) == len(blocked)
    assert {(k, e) for k, _, e in queued} == {("message", "go to jail")}


def test_a_paused_template_is_not_sent(
    engine: Engine,
    tmp_path: Path,
    smtp_server: SandboxSmtpServer,
    sms_provider: SandboxSmsProvider,
) -> None:
    tenant_id = _setup(engine, tmp_path, accounts=60)
    with engine.begin() as conn:
        for template in ("gentle_reminder", "payment_options"):
            conn.execute(
                insert(template_pauses).values(
                    tenant_id=tenant_id, template=template, paused_at=NOON, reason="test"
                )
            )
    blocked = _blocked_at_noon(engine, tenant_id, _adapters(smtp_server, sms_provider))
    assert blocked
    assert all("complaints.template_paused" in e for e in blocked)
    assert sms_provider.messages() == []
    assert smtp_server.deliveries() == []
