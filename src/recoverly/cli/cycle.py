"""The demo's collection cycle: days of plan → send → outcomes → payments, on a laptop.

Each simulated day: the daily run plans it; a dispatcher sends its messages through
local stand-ins for the providers (a real SMTP server and a real HTTP server speaking
Twilio's API, both on loopback) while a simulated clock walks through the day, so each
message leaves inside its debtor's contact window; letters become PDFs in the blob store;
the digital twin (``simulate outcomes``) plays how debtors answer, pay and promise; and
those files are imported back, as a collector's systems would.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

HOURS = timedelta(hours=36)  # a local day is spread over 36 hours of UTC, east to west
STEP = timedelta(minutes=30)


@dataclass
class DayResult:
    day: date
    planned: dict[str, int]
    blocked: int
    sent: dict[str, Any]
    outcomes: dict[str, int] = field(default_factory=dict)


def run_cycle(
    engine: Engine,
    tenant_id: int,
    first: date,
    days: int,
    workdir: Path,
    portfolio: Path,
    behaviour: Path,
    seed: int,
    on_day: Callable[[DayResult], None] | None = None,
) -> list[DayResult]:
    from recoverly.ingest import service as ingest
    from recoverly.simulate.outcomes import write_outcomes
    from recoverly.strategy.export import export_plan
    from recoverly.strategy.run import run_day

    results = []
    for n in range(days):
        day = first + timedelta(days=n)
        summary = run_day(engine, tenant_id, day)
        sent = asyncio.run(_dispatch_day(engine, day, workdir / "blobs"))
        folder = workdir / f"day-{day}"
        plan = folder / "plan.csv"
        with engine.begin() as conn:
            export_plan(conn, tenant_id, day, plan)
        files = {k: folder / f"{k}.csv" for k in ("contacts", "payments", "promises")}
        played = write_outcomes(
            plan,
            behaviour,
            portfolio,
            seed + n,
            files["contacts"],
            files["payments"],
            files["promises"],
        )
        ingest.import_contacts(engine, tenant_id, files["contacts"])
        ingest.import_promises(engine, tenant_id, files["promises"])
        ingest.import_payments(engine, tenant_id, files["payments"])
        result = DayResult(
            day,
            summary["planned"],
            summary["blocked_total"],
            sent,
            {
                "contacts": played.contacts,
                "right_party": played.right_party,
                "promises": played.promises,
                "payments": played.payments,
            },
        )
        results.append(result)
        if on_day is not None:
            on_day(result)
    return results


async def _dispatch_day(engine: Engine, day: date, blobs: Path) -> dict[str, Any]:
    from recoverly.channels import registry
    from recoverly.channels.dispatcher import Dispatcher, DispatchReport
    from recoverly.channels.sandbox.settings import sandboxed
    from recoverly.channels.sandbox.sms_provider import SandboxSmsProvider
    from recoverly.channels.sandbox.smtp_server import SandboxSmtpServer
    from recoverly.channels.templates import load_catalog
    from recoverly.config import get_settings

    clock_at = [datetime.combine(day, time.min, tzinfo=UTC) - timedelta(hours=12)]
    with SandboxSmtpServer() as smtp, SandboxSmsProvider() as sms:
        # The same adapters a real installation gets, configured for the stand-ins.
        settings = sandboxed(get_settings(), smtp, sms).model_copy(
            update={"blob_dir": blobs, "blob_url": None}  # the demo's own, whatever is set
        )
        adapters = registry.adapters(settings, lambda: day)
        dispatcher = Dispatcher(
            engine,
            adapters,
            load_catalog(),
            policy=registry.policy(settings),
            worker="demo",
            clock=lambda: clock_at[0],
        )
        report = DispatchReport()
        end = clock_at[0] + HOURS
        while clock_at[0] < end:
            report.add(await dispatcher.drain(batch=200))
            clock_at[0] += STEP
        for adapter in adapters.values():
            await adapter.aclose()
        received = {"sms": len(sms.messages()), "email": len(smtp.deliveries())}
    return {**report.as_dict(), "received_by_sandboxes": received}
