"""A time-barred debt at send time: every US message about it says it will not be sued
on (in the debtor's language), and no message about it may speak of legal action; other
debts' messages are unchanged."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert, select, update

from recoverly.channels.dispatcher import Dispatcher
from recoverly.channels.sandbox.sms_provider import SandboxSmsProvider
from recoverly.channels.sandbox.smtp_server import SandboxSmtpServer
from recoverly.channels.templates import default_catalog_dir, load_catalog
from recoverly.store.tables import debtors, holds, outbox, plan_items
from tests.integration.channels.test_dispatcher import Clock, _adapters, _setup

NOON = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
DISCLOSURE = "Because of the age of your debt, we will not sue you for it."


def _prepare(engine: Engine, tmp_path: Path) -> tuple[int, dict[str, str], set[str]]:
    """A planned day in UTC, every message due; half the cases time-barred. Returns the
    tenant, each plan's jurisdiction, and the barred plans."""
    tenant_id = _setup(engine, tmp_path, accounts=80)
    with engine.begin() as conn:
        conn.execute(update(debtors).values(timezone="UTC", language="en"))
        conn.execute(update(plan_items).values(debtor_timezone="UTC", language="en"))
        conn.execute(update(outbox).values(not_before=NOON - timedelta(hours=1)))
        plans = conn.execute(
            select(plan_items.c.plan_id, plan_items.c.case_id, plan_items.c.jurisdiction).where(
                plan_items.c.tenant_id == tenant_id
            )
        ).all()
        barred_cases = sorted({case for _, case, _ in plans})[::2]
        conn.execute(
            insert(holds),
            [
                {
                    "tenant_id": tenant_id,
                    "case_id": case,
                    "kind": "time_barred",
                    "starts_at": NOON - timedelta(days=1),
                    "ends_at": None,
                    "channel": None,
                    "reason": "limitation period over",
                    "created_at": NOON,
                }
                for case in barred_cases
            ],
        )
    jurisdictions = {plan: where for plan, _, where in plans}
    barred = {plan for plan, case, _ in plans if case in barred_cases}
    return tenant_id, jurisdictions, barred


def _drain(
    engine: Engine, smtp: SandboxSmtpServer, sms: SandboxSmsProvider, catalog: Path | None
) -> None:
    async def go() -> None:
        await Dispatcher(
            engine, _adapters(smtp, sms), load_catalog(catalog), clock=Clock(NOON)
        ).drain()

    asyncio.run(go())


def _status(engine: Engine, tenant_id: int) -> dict[str, tuple[str, str | None]]:
    with engine.connect() as conn:
        return {
            row.plan_id: (row.status, row.last_error)
            for row in conn.execute(
                select(outbox.c.plan_id, outbox.c.status, outbox.c.last_error).where(
                    outbox.c.tenant_id == tenant_id
                )
            )
        }


def test_us_messages_about_time_barred_debts_carry_the_disclosure(
    engine: Engine, tmp_path: Path, smtp_server: SandboxSmtpServer, sms_provider: SandboxSmsProvider
) -> None:
    tenant_id, jurisdictions, barred = _prepare(engine, tmp_path)
    _drain(engine, smtp_server, sms_provider, None)
    bodies = [m.body for m in sms_provider.messages()] + [
        d.message.get_body(("plain",)).get_content() for d in smtp_server.deliveries()
    ]
    status = _status(engine, tenant_id)
    sent = {plan for plan, (state, _) in status.items() if state == "sent"}
    us_barred = {p for p in barred & sent if jurisdictions[p].startswith("US")}
    assert us_barred, "the portfolio must have time-barred US debts to check"
    with_disclosure = sum(1 for body in bodies if DISCLOSURE in " ".join(body.split()))
    # Letters are PDFs: count the SMS and e-mails only, all of them sent.
    electronic = {p for p in us_barred if _channel(engine, p) in ("sms", "email")}
    assert with_disclosure == len(electronic) > 0


def test_no_word_of_legal_action_about_a_time_barred_debt(
    engine: Engine, tmp_path: Path, smtp_server: SandboxSmtpServer, sms_provider: SandboxSmsProvider
) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(Path(str(default_catalog_dir())), catalog)
    for name in ("gentle_reminder.yaml", "payment_options.yaml"):
        path = catalog / name
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.replace("{{ debtor_name }},", "{{ debtor_name }}, we may take legal action,"),
            encoding="utf-8",
        )
    tenant_id, _, barred = _prepare(engine, tmp_path)
    _drain(engine, smtp_server, sms_provider, catalog)
    status = _status(engine, tenant_id)
    touched = {p for p, (_, error) in status.items() if error and "legal action" in error}
    assert touched, "the edited templates must be in use"
    assert touched <= barred  # only debts past their limitation period are refused it
    assert all(status[p][0] == "blocked" for p in touched)
    assert all("qa.time_barred_legal_action" in (status[p][1] or "") for p in touched)
    unbarred_sent = [p for p, (state, _) in status.items() if state == "sent" and p not in barred]
    assert unbarred_sent  # the same words about a debt that can still be sued on are sent


def _channel(engine: Engine, plan_id: str) -> str:
    with engine.connect() as conn:
        found: str = conn.execute(
            select(outbox.c.channel).where(outbox.c.plan_id == plan_id)
        ).scalar_one()
    return found
