"""The dispatcher: takes due messages from the outbox and sends each exactly once.

For each claimed row: re-check compliance at send time (time has passed since the plan;
a dispute may have arrived), render the template in the debtor's language, send through
the channel's adapter under the row's idempotency key, and record the result together
with the contact it was, in one transaction.

Why nothing is lost or sent twice: the claim is committed before sending and carries a
lease. A dispatcher that dies after claiming leaves the row ``sending``; when the lease
runs out, another dispatcher claims it and sends again under the same idempotency key,
which the provider (Twilio's idempotency token, the e-mail Message-ID, the letter's
content hash) uses to recognise the repeat. The result is recorded only by the holder
of the claim, so two dispatchers never both record a send.
"""

from __future__ import annotations

import socket
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import polars as pl
from sqlalchemy import Engine

from recoverly.channels import receipts
from recoverly.channels.adapters.base import ChannelAdapter
from recoverly.channels.message import OutgoingMessage, SendStatus
from recoverly.channels.templates import Catalog, MessageContext, Rendered
from recoverly.compliance import qa, qa_queue
from recoverly.compliance import screen as compliance
from recoverly.compliance.opt_outs import Reply, apply_reply
from recoverly.compliance.packs import pack_for, time_barred_disclosures
from recoverly.compliance.windows import next_opening
from recoverly.domain.cases import HoldKind
from recoverly.domain.complaints import PAUSED_TEMPLATE
from recoverly.domain.errors import RecoverlyError
from recoverly.domain.evidence import Evidence, EvidenceKind
from recoverly.domain.parties import REACHED_THROUGH
from recoverly.evidence import log as evidence_log
from recoverly.store import snapshot
from recoverly.store.repositories import outbox as repo
from recoverly.store.repositories import template_pauses as pauses
from recoverly.store.repositories.outbox import Claimed, Settlement

# The steps a checkpoint hears about, in order; crash tests stop the dispatcher at each.
STEPS = ("claimed", "checked", "rendered", "sent", "recorded")

Checkpoint = Callable[[str, str], None]  # (step, plan_id)
Clock = Callable[[], datetime]


class Unreachable(RecoverlyError):
    code = "dispatch.unreachable"


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class DispatchPolicy:
    """How the dispatcher behaves; the defaults come from settings."""

    max_attempts: int = 5
    lease: timedelta = timedelta(seconds=120)
    # A message not sent within this long of its planned time is stale: the plan was for
    # that day, and tomorrow's run decides afresh.
    expire_after: timedelta = timedelta(hours=24)
    first_retry: timedelta = timedelta(seconds=30)
    costs: Mapping[str, Decimal] = field(default_factory=dict)
    cost_currency: str = "USD"
    creditor_name: str | None = None
    portal_url: str = "http://127.0.0.1:8000/portal"

    def backoff(self, attempts: int) -> timedelta:
        """Exponential back-off, capped at an hour: 30 s, 1 min, 2 min, …"""
        factor: int = 2 ** max(attempts - 1, 0)
        return min(self.first_retry * factor, timedelta(hours=1))


@dataclass
class DispatchReport:
    claimed: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)  # sent, failed, blocked, …
    by_channel: Counter[str] = field(default_factory=Counter)  # sent per channel

    def add(self, other: DispatchReport) -> None:
        self.claimed += other.claimed
        self.outcomes.update(other.outcomes)
        self.by_channel.update(other.by_channel)

    def as_dict(self) -> dict[str, object]:
        return {
            "claimed": self.claimed,
            "outcomes": dict(sorted(self.outcomes.items())),
            "sent_by_channel": dict(sorted(self.by_channel.items())),
        }


PROVIDER_OPT_OUT = "provider.opted_out"  # the provider refused: the number texted STOP


class Dispatcher:
    def __init__(
        self,
        engine: Engine,
        adapters: Mapping[str, ChannelAdapter],
        catalog: Catalog,
        *,
        policy: DispatchPolicy | None = None,
        worker: str | None = None,
        clock: Clock = utcnow,
        checkpoint: Checkpoint | None = None,
    ) -> None:
        self.engine = engine
        self.adapters = adapters
        self.catalog = catalog
        self.policy = policy or DispatchPolicy()
        self.worker = worker or f"{socket.gethostname()}:{id(self):x}"
        self.clock = clock
        self.checkpoint = checkpoint or (lambda _step, _plan: None)

    async def drain(self, batch: int = 100, limit: int | None = None) -> DispatchReport:
        """Send until nothing is due (or ``limit`` rows were claimed)."""
        report = DispatchReport()
        while limit is None or report.claimed < limit:
            size = batch if limit is None else min(batch, limit - report.claimed)
            step = await self.run_once(size)
            report.add(step)
            if step.claimed == 0:
                break
        return report

    async def run_once(self, batch: int = 100) -> DispatchReport:
        """Claim one batch of due rows and settle each."""
        now = self.clock()
        with self.engine.begin() as conn:
            receipts.apply_pending(conn, now)  # any that came before their send was recorded
        with self.engine.begin() as conn:
            items = repo.claim(conn, self.worker, now, self.policy.lease, batch)
        report = DispatchReport(claimed=len(items))
        for item in items:
            self.checkpoint("claimed", item.plan_id)
        blocks, barred = self._screen(items, now)
        if items:
            # A template that drew upheld complaints is out of use until resumed.
            with self.engine.connect() as conn:
                out_of_use = pauses.paused(conn, {i.tenant_id for i in items})
            for item in items:
                if (item.tenant_id, item.template) in out_of_use:
                    blocks.setdefault(item.plan_id, []).append(
                        (PAUSED_TEMPLATE, f"template {item.template} is paused: it drew complaints")
                    )
        for item in items:
            time_barred = (item.tenant_id, item.case_id) in barred
            outcome = await self._settle(item, blocks.get(item.plan_id, []), time_barred)
            report.outcomes[outcome] += 1
            if outcome == repo.SENT:
                report.by_channel[item.channel] += 1
        return report

    def _screen(
        self, items: list[Claimed], now: datetime
    ) -> tuple[dict[str, list[tuple[str, str]]], set[tuple[int, str]]]:
        """Each item's broken rules at this instant (``plan_id → [(rule, message)]``), and
        the ``(tenant_id, case_id)`` of the cases whose debt is time-barred now: what their
        messages may say is narrower (no word of legal action) and they say more (the
        disclosure their jurisdiction requires)."""
        found: dict[str, list[tuple[str, str]]] = {}
        barred: set[tuple[int, str]] = set()
        by_tenant: dict[int, list[Claimed]] = {}
        for item in items:
            by_tenant.setdefault(item.tenant_id, []).append(item)
        since = compliance.history_since(now.date())
        for tenant_id, group in by_tenant.items():
            cases = sorted({i.case_id for i in group})
            debtors = sorted({i.debtor_id for i in group})
            candidates = pl.DataFrame(
                [
                    {
                        "cid": n,
                        "case_id": i.case_id,
                        "debtor_id": i.debtor_id,
                        "channel": i.channel,
                        "action": compliance.CONTACT,
                        "pack": pack_for(i.jurisdiction),
                        "timezone": i.timezone,
                        "at": now,
                    }
                    for n, i in enumerate(group)
                ],
                schema=compliance.CANDIDATES_SCHEMA,
            )
            holds = snapshot.active_holds(self.engine, tenant_id, now, cases)
            blocks = compliance.screen(
                candidates,
                snapshot.case_debts(self.engine, tenant_id, cases),
                snapshot.contact_history(self.engine, tenant_id, since, debtors),
                holds,
            )
            for cid, rule, message in blocks.select("cid", "rule", "message").iter_rows():
                found.setdefault(group[cid].plan_id, []).append((rule, message))
            in_force = holds.filter(
                (pl.col("kind") == HoldKind.TIME_BARRED.value) & (pl.col("starts_at") <= now)
            )
            barred |= {(tenant_id, case) for case in in_force["case_id"]}
        return found, barred

    async def _settle(
        self, item: Claimed, broken: list[tuple[str, str]], time_barred: bool = False
    ) -> str:
        now = self.clock()
        if now > item.scheduled_at + self.policy.expire_after:
            self.checkpoint("checked", item.plan_id)
            error = f"not sent by {item.scheduled_at + self.policy.expire_after:%Y-%m-%d %H:%M} UTC"
            return self._finish(item, Settlement(repo.EXPIRED, error=error), now)
        windows = {r for r, _ in broken if r in compliance.window_rules()}
        if broken and len(windows) == len(broken):
            # Only the hour is wrong: wait for the window to open.
            opening = next_opening(pack_for(item.jurisdiction), item.channel, item.timezone, now)
            if opening is not None and opening <= item.scheduled_at + self.policy.expire_after:
                self.checkpoint("checked", item.plan_id)
                return self._postpone(item, opening, f"{windows.pop()}: window closed", now)
        if broken:
            error = "; ".join(f"{rule}: {message}" for rule, message in broken)
            self.checkpoint("checked", item.plan_id)
            blocked = Settlement(repo.BLOCKED, error=error)
            return self._finish(item, blocked, now, [rule for rule, _ in broken])
        self.checkpoint("checked", item.plan_id)
        try:
            message, rendered = self._render(item, time_barred)
        except RecoverlyError as exc:
            return self._finish(item, _failed(exc.message), now)
        self.checkpoint("rendered", item.plan_id)
        # What the message says is screened too: a template edited into a threat, or
        # facts that make it one, never leave.
        said = [
            a
            for a in qa.screen_text(f"{message.subject}\n{message.body}", time_barred=time_barred)
            if a.severity is qa.Severity.HIGH
        ]
        if said:
            with self.engine.begin() as conn:  # to the compliance queue, once per message
                qa_queue.queue_alerts(
                    conn,
                    item.tenant_id,
                    said,
                    kind=qa.TextKind.MESSAGE,
                    source_id=item.plan_id,
                    case_id=item.case_id,
                    agent=None,
                    now=now,
                )
            error = "; ".join(f'{a.rule}: "{a.text}"' for a in said)
            blocked = Settlement(repo.BLOCKED, error=error)
            return self._finish(item, blocked, now, [a.rule for a in said])
        adapter = self.adapters.get(item.channel)
        if adapter is None:
            return self._finish(item, _failed(f"no provider is configured for {item.channel}"), now)
        result = await adapter.send(message)
        self.checkpoint("sent", item.plan_id)
        now = self.clock()
        if result.status is SendStatus.ACCEPTED:
            cost = self.policy.costs.get(item.channel)
            sent = Settlement(
                repo.SENT,
                outcome="sent",
                provider_id=result.provider_id,
                locale=rendered.locale,
                template_version=rendered.template_version,
                content_sha256=rendered.sha256,
                cost=None if cost is None else (cost, self.policy.cost_currency),
            )
            status = self._finish(item, sent, now)
        elif result.status is SendStatus.FAILED:
            status = self._finish(item, _failed(result.error), now)
        elif result.status is SendStatus.OPTED_OUT:
            # The provider knows of a STOP we never heard: honour it from now on, for
            # every case of every holder of the number, as if it had reached us.
            with self.engine.begin() as conn:
                apply_reply(conn, message.to, Reply.STOP, now)
            blocked = Settlement(repo.BLOCKED, error=result.error)
            status = self._finish(item, blocked, now, [PROVIDER_OPT_OUT])
        elif item.attempts >= self.policy.max_attempts:
            error = f"gave up after {item.attempts} attempts: {result.error}"
            status = self._finish(item, Settlement(repo.DEAD, outcome="failed", error=error), now)
        else:
            retry = now + self.policy.backoff(item.attempts)
            status = self._postpone(item, retry, result.error or "transient failure", now)
        self.checkpoint("recorded", item.plan_id)
        return status

    def _render(self, item: Claimed, time_barred: bool) -> tuple[OutgoingMessage, Rendered]:
        if item.address is None:
            kind = REACHED_THROUGH.get(item.channel, item.channel)
            raise Unreachable(f"no usable {kind} for debtor {item.debtor_id}")
        today = self.clock().date()
        context = MessageContext(
            debtor_name=item.debtor_name,
            creditor_name=self.policy.creditor_name or item.tenant,
            amount_due_minor=item.balance_minor,
            currency=item.currency,
            due_date=item.owed_since,
            past_due_days=max((today - item.owed_since).days, 0),
            reference=item.case_id,
            portal_url=f"{self.policy.portal_url.rstrip('/')}/{item.case_id}",
            account_masked="•••• " + item.account_id[-4:],
        )
        # Facts of the debt can require a statement no template carries (the time-barred
        # disclosure): the pack names it and the catalog adds it in the message's language.
        also = time_barred_disclosures(pack_for(item.jurisdiction)) if time_barred else ()
        rendered = self.catalog.render(
            item.template, item.channel, item.language or "en", context, fallback="en", also=also
        )
        message = OutgoingMessage(
            idempotency_key=f"{item.tenant_id}-{item.plan_id}",
            to=item.address,
            body=rendered.body,
            subject=rendered.subject,
            locale=rendered.locale,
        )
        return message, rendered

    def _finish(
        self, item: Claimed, settled: Settlement, now: datetime, rules: Sequence[str] = ()
    ) -> str:
        """Record what became of the message; a send, or a block by ``rules``, goes to
        the evidence log in the same transaction (a lost lease records and logs nothing)."""
        with self.engine.begin() as conn:
            held = repo.finish(conn, item, self.worker, settled, now)
            if held and settled.status == repo.SENT:
                evidence_log.append(conn, [_sent_evidence(item, settled, now)], now)
                if settled.provider_id is not None:  # a receipt may have come first
                    receipts.apply_pending(conn, now, provider_id=settled.provider_id)
            elif held and settled.status == repo.BLOCKED:
                evidence_log.append(conn, [_blocked_evidence(item, rules, now)], now)
        return settled.status if held else "lost_lease"

    def _postpone(self, item: Claimed, until: datetime, error: str, now: datetime) -> str:
        with self.engine.begin() as conn:
            held = repo.postpone(conn, item, self.worker, until=until, error=error, now=now)
        return "postponed" if held else "lost_lease"


def _sent_evidence(item: Claimed, settled: Settlement, now: datetime) -> Evidence:
    """The evidence of a send: which message went where through whom, and the SHA-256
    of what it said; no name, address or text."""
    # A letter's provider id is its PDF's SHA-256 in the blob store: named as a document.
    document = (("document_sha256", settled.provider_id),) if item.channel == "letter" else ()
    return _message_evidence(
        EvidenceKind.MESSAGE_SENT,
        item,
        now,
        ("template_version", settled.template_version),
        ("locale", settled.locale),
        ("content_sha256", settled.content_sha256),
        ("provider_id", settled.provider_id),
        *document,
    )


def _blocked_evidence(item: Claimed, rules: Sequence[str], now: datetime) -> Evidence:
    """The evidence of a message the rules stopped: which one, and the rules by name."""
    return _message_evidence(
        EvidenceKind.COMPLIANCE_BLOCK,
        item,
        now,
        ("stage", "send"),
        ("rules", ",".join(sorted(set(rules)))),
    )


def _message_evidence(
    kind: EvidenceKind, item: Claimed, now: datetime, *facts: tuple[str, str | int | None]
) -> Evidence:
    return Evidence(
        kind=kind,
        tenant_id=item.tenant_id,
        at=now,
        case_id=item.case_id,
        facts=(
            ("plan_id", item.plan_id),
            ("channel", item.channel),
            ("template", item.template),
            *facts,
        ),
    )


def _failed(error: str | None) -> Settlement:
    return Settlement(repo.FAILED, outcome="failed", error=error)
