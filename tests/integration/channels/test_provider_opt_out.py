"""A STOP the provider heard and we did not: Twilio refuses the send (error 21610), the
message is blocked, never retried, and the number is opted out of text messages on every
open case of its holders from then on."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select, update

from recoverly.channels.dispatcher import Dispatcher
from recoverly.channels.sandbox.sms_provider import SandboxSmsProvider
from recoverly.channels.sandbox.smtp_server import SandboxSmtpServer
from recoverly.channels.templates import load_catalog
from recoverly.store.tables import contact_points, debtors, holds, outbox, plan_items
from tests.integration.channels.conftest import UNSUBSCRIBED
from tests.integration.channels.test_dispatcher import Clock, _adapters, _setup

NOON = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)


def test_a_refusal_for_an_unsubscribed_number_becomes_an_opt_out(
    engine: Engine, tmp_path: Path, smtp_server: SandboxSmtpServer, sms_provider: SandboxSmsProvider
) -> None:
    tenant_id = _setup(engine, tmp_path, accounts=60)
    with engine.begin() as conn:
        conn.execute(update(debtors).values(timezone="UTC"))
        conn.execute(update(plan_items).values(debtor_timezone="UTC"))
        conn.execute(update(outbox).values(not_before=NOON - timedelta(hours=1)))
        plan_id, case_id, debtor_id = conn.execute(
            select(outbox.c.plan_id, plan_items.c.case_id, plan_items.c.debtor_id)
            .join(plan_items, plan_items.c.plan_id == outbox.c.plan_id)
            .where(outbox.c.tenant_id == tenant_id, outbox.c.channel == "sms")
            .order_by(outbox.c.plan_id)
            .limit(1)
        ).one()
        conn.execute(
            update(contact_points)
            .where(
                contact_points.c.tenant_id == tenant_id,
                contact_points.c.debtor_id == debtor_id,
                contact_points.c.kind == "phone",
            )
            .values(value=UNSUBSCRIBED, verification="verified")
        )

    async def go() -> None:
        adapters = _adapters(smtp_server, sms_provider)
        await Dispatcher(engine, adapters, load_catalog(), clock=Clock(NOON)).drain()

    asyncio.run(go())
    with engine.connect() as conn:
        status, error, attempts = conn.execute(
            select(outbox.c.status, outbox.c.last_error, outbox.c.attempts).where(
                outbox.c.plan_id == plan_id
            )
        ).one()
        opt_outs = conn.execute(
            select(holds.c.case_id, holds.c.ends_at).where(
                holds.c.kind == "opt_out", holds.c.channel == "sms"
            )
        ).all()
    assert (status, attempts) == ("blocked", 1)
    assert "21610" in error
    assert [(c, e) for c, e in opt_outs] == [(case_id, None)]
    assert UNSUBSCRIBED not in [m.to for m in sms_provider.messages()]
    assert len(sms_provider.messages()) > 0  # everyone else's texts went out
