"""The demo's collection cycle: days of plan → send → outcomes → payments, on a laptop.

Each simulated day: the daily run plans it; a dispatcher sends its messages through
local stand-ins for the providers (a real SMTP server and a real HTTP server speaking
Twilio's API, both on loopback) while a simulated clock walks through the day, so each
message leaves inside its debtor's contact window; letters become PDFs in the blob store;
a simulated agent places the day's agent-queue calls at the desk (``channels.desk``: the
rules judge each call, the number read in clear is audited); the digital twin
(``simulate outcomes``) plays how debtors answer, pay and promise, and
(``simulate.reactions``) who texts STOP or START back and who complains; the provider's
delivery receipts for the texts are applied, and those files imported back, as a
collector's systems would. Then the staff work what came in: a supervisor answers and
closes complaints, a back office resolves disputes opened before the day.

Every step goes through the code paths production uses (the desk service, the receipts
and STOP handling the webhooks use, the importers, ``compliance.complaints`` and
``compliance.holds``), so a few days of the demo leave every kind of evidence entry.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import polars as pl
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
    # What else happened: calls placed or refused at the desk, receipts, texts back,
    # complaints received, answered and closed, disputes resolved.
    activity: dict[str, int] = field(default_factory=dict)


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
    from recoverly.simulate.reactions import write_reactions
    from recoverly.strategy.export import export_plan
    from recoverly.strategy.run import run_day

    results = []
    numbers: dict[str, str] = {}  # debtor → the number texted, for their replies
    pending: list[dict[str, Any]] = []  # texts back not yet arrived (a START days later)
    for n in range(days):
        day = first + timedelta(days=n)
        summary = run_day(engine, tenant_id, day)
        sent = asyncio.run(_dispatch_day(engine, day, workdir / "blobs"))
        folder = workdir / f"day-{day}"
        plan = folder / "plan.csv"
        with engine.begin() as conn:
            export_plan(conn, tenant_id, day, plan)
        activity = _agent_calls(engine, tenant_id, plan, folder / "worked-plan.csv")
        worked = folder / "worked-plan.csv" if activity["calls_refused"] else plan
        names = ("contacts", "payments", "promises", "complaints", "replies")
        files = {k: folder / f"{k}.csv" for k in names}
        played = write_outcomes(
            worked,
            behaviour,
            portfolio,
            seed + n,
            files["contacts"],
            files["payments"],
            files["promises"],
        )
        write_reactions(files["contacts"], seed + n, files["complaints"], files["replies"])
        activity["receipts"] = _receipts(engine, tenant_id, files["contacts"])
        ingest.import_contacts(engine, tenant_id, files["contacts"])
        ingest.import_promises(engine, tenant_id, files["promises"])
        ingest.import_payments(engine, tenant_id, files["payments"])
        pending += pl.read_csv(files["replies"], infer_schema=False).to_dicts()
        end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)
        pending, replied = _replies(engine, tenant_id, pending, numbers, end)
        activity.update(replied)
        activity["complaints"] = _complaints(engine, tenant_id, files["complaints"])
        start = datetime.combine(day, time.min, tzinfo=UTC)
        activity.update(_supervisor(engine, tenant_id, start, seed + n))
        activity["disputes_resolved"] = _back_office(engine, tenant_id, start, seed + n)
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
            activity,
        )
        results.append(result)
        if on_day is not None:
            on_day(result)
    return results


DEMO_AGENT = "demo-agent"  # the simulated person at the desk (role agent)
DEMO_SUPERVISOR = "demo supervisor"
BACK_OFFICE = "demo back office"
DESK_VIA = "demo desk"  # how the agent's reads came, in the personal-data audit
WORK_HOUR = time(15)  # UTC: when the supervisor and the back office do the day's work


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _agent_calls(engine: Engine, tenant_id: int, plan: Path, worked: Path) -> dict[str, int]:
    """The day's agent queue, called by a simulated agent through the desk service, each
    at its planned instant under its plan id (the twin's outcome is imported under the
    same id, so the call is logged placed, then answered). Calls the rules refuse now (a
    dispute or a STOP since the plan), or that cannot be placed, are left out of the plan
    the twin plays (``worked``): nobody was called, so nothing came of it."""
    from recoverly.channels import desk
    from recoverly.compliance.case_check import CaseCheck
    from recoverly.domain.errors import InvalidInput
    from recoverly.domain.roles import Role
    from recoverly.store.repositories import tenancy
    from recoverly.store.repositories.tenancy import Principal

    rows = pl.read_csv(plan, infer_schema=False)
    queued = (pl.col("action") == "call") if "action" in rows.columns else None
    if queued is None:
        queued = pl.col("channel") == "call"
    with engine.connect() as conn:
        tenant = tenancy.tenant_name(conn, tenant_id)
    agent = Principal(tenant_id, tenant, Role.AGENT, DEMO_AGENT, DEMO_AGENT)
    placed, refused = 0, []
    for plan_id, case_id, at in (
        rows.filter(queued).select("plan_id", "case_id", "scheduled_at").iter_rows()
    ):
        try:
            with engine.begin() as conn:
                call = desk.place_call(
                    conn, agent, case_id, _instant(at), DESK_VIA, contact_id=plan_id
                )
        except InvalidInput:  # a closed case, no usable number: nothing to dial
            refused.append(plan_id)
            continue
        if isinstance(call, CaseCheck):
            refused.append(plan_id)
        else:
            placed += 1
    if refused:
        rows.filter(~pl.col("plan_id").is_in(refused)).write_csv(worked)
    return {"calls_placed": placed, "calls_refused": len(refused)}


def _receipts(engine: Engine, tenant_id: int, contacts: Path) -> int:
    """The SMS provider's delivery receipts, as its status callbacks would bring them
    (``channels.receipts.apply``, as the webhook does): delivered, or undelivered where
    the twin says the text failed, a minute after the send."""
    from recoverly.channels.adapters.base import DeliveryReceipt, DeliveryStatus
    from recoverly.channels.receipts import apply
    from recoverly.store.repositories import outbox

    texts = pl.read_csv(contacts, infer_schema=False).filter(pl.col("channel") == "sms")
    said = dict(texts.select("plan_id", "outcome").iter_rows())
    applied = 0
    with engine.begin() as conn:
        sent = outbox.provider_ids(conn, tenant_id, list(said), "sms")
        for plan_id, (provider_id, sent_at) in sorted(sent.items()):
            failed = said[plan_id] == "failed"
            receipt = DeliveryReceipt(
                provider_id,
                DeliveryStatus.UNDELIVERED if failed else DeliveryStatus.DELIVERED,
                "30003" if failed else None,
                sent_at + timedelta(minutes=1),
            )
            applied += apply(conn, receipt)
    return applied


def _replies(
    engine: Engine,
    tenant_id: int,
    pending: list[dict[str, Any]],
    numbers: dict[str, str],
    end: datetime,
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Apply the texts back that arrived before ``end``, as the inbound-SMS webhook does
    (``opt_outs.keyword`` reads the words, ``opt_outs.apply_reply`` acts on the number);
    returns those still to come and how many STOPs and STARTs changed something."""
    from recoverly.compliance import opt_outs
    from recoverly.store.repositories import outbox

    counts = {"stops": 0, "starts": 0}
    later = [r for r in pending if _instant(r["at"]) >= end]
    with engine.begin() as conn:
        for reply in sorted(
            (r for r in pending if _instant(r["at"]) < end), key=lambda r: (r["at"], r["debtor_id"])
        ):
            debtor_id = reply["debtor_id"]
            number = numbers.get(debtor_id) or outbox.usable_point(
                conn, tenant_id, debtor_id, "sms"
            )
            said = opt_outs.keyword(reply["text"])
            if number is None or said is None:
                continue
            numbers[debtor_id] = number
            applied = opt_outs.apply_reply(conn, number, said, _instant(reply["at"]))
            if applied.holds:
                counts["stops" if said is opt_outs.Reply.STOP else "starts"] += 1
    return later, counts


def _complaints(engine: Engine, tenant_id: int, path: Path) -> int:
    """The day's complaints, through the complaints importer (source ``demo``)."""
    from recoverly.ingest import service as ingest

    rows = pl.read_csv(path, infer_schema=False).height
    if rows == 0:
        return 0
    report = ingest.import_complaints(engine, tenant_id, path, "demo")
    return rows if report.committed else 0


def _supervisor(engine: Engine, tenant_id: int, start: datetime, seed: int) -> dict[str, int]:
    """A supervisor's day: answer the complaints received before today and close those
    answered before today (``simulate.reactions.supervisor_reviews`` decides how)."""
    from recoverly.compliance import complaints
    from recoverly.domain.complaints import Status
    from recoverly.simulate.reactions import supervisor_reviews
    from recoverly.store.repositories import complaints as repo

    now = datetime.combine(start.date(), WORK_HOUR, tzinfo=UTC)
    counts = {"complaints_answered": 0, "complaints_closed": 0}
    with engine.begin() as conn:
        found = [
            c
            for status in (Status.RECEIVED, Status.RESPONDED)
            for c in repo.listing(
                conn, tenant_id, status=status, overdue_at=None, limit=100_000, offset=0
            )[0]
        ]
        open_ = pl.DataFrame(
            {
                "complaint_id": [c.complaint_id for c in found],
                "status": [c.status.value for c in found],
                "received_at": [c.received_at for c in found],
                "responded_at": [c.responded_at for c in found],
            },
            schema={
                "complaint_id": pl.String,
                "status": pl.String,
                "received_at": pl.Datetime("us", "UTC"),
                "responded_at": pl.Datetime("us", "UTC"),
            },
        )
        for review in supervisor_reviews(open_, start, seed):
            if review.action == "respond":
                complaints.respond(conn, tenant_id, review.complaint_id, review.text, now)
                counts["complaints_answered"] += 1
            else:
                complaints.close(
                    conn,
                    tenant_id,
                    review.complaint_id,
                    root_cause=review.root_cause,
                    resolution=review.resolution,
                    upheld=review.upheld,
                    now=now,
                )
                counts["complaints_closed"] += 1
    return counts


def _back_office(engine: Engine, tenant_id: int, start: datetime, seed: int) -> int:
    """Resolve disputes opened before today (``simulate.reactions.back_office``
    decides which and how), lifting each dispute hold through ``compliance.holds``."""
    from recoverly.compliance import holds
    from recoverly.domain.cases import HoldKind
    from recoverly.simulate.reactions import back_office
    from recoverly.store.repositories import cases

    now = datetime.combine(start.date(), WORK_HOUR, tzinfo=UTC)
    with engine.begin() as conn:
        found = cases.holds_in_force(conn, tenant_id, HoldKind.DISPUTE, now)
        disputes = pl.DataFrame(
            {
                "case_id": [case_id for case_id, _ in found],
                "hold_id": [hold.hold_id for _, hold in found],
                "starts_at": [hold.starts_at for _, hold in found],
            },
            schema={
                "case_id": pl.String,
                "hold_id": pl.Int64,
                "starts_at": pl.Datetime("us", "UTC"),
            },
        )
        resolved = back_office(disputes, start, seed)
        for item in resolved:
            holds.release(
                conn, tenant_id, item.case_id, item.hold_id, item.reason, BACK_OFFICE, now
            )
    return len(resolved)


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
