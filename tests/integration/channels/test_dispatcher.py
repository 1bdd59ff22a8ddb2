"""The dispatcher against real local providers: every planned message reaches the
provider once, whatever step a dispatcher dies at, and the send-time check holds."""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, insert, select

from recoverly.channels import receipts, registry
from recoverly.channels.adapters.base import ChannelAdapter, DeliveryReceipt, DeliveryStatus
from recoverly.channels.dispatcher import STEPS, Dispatcher, DispatchPolicy
from recoverly.channels.sandbox.settings import sandboxed
from recoverly.channels.sandbox.sms_provider import SandboxSmsProvider
from recoverly.channels.sandbox.smtp_server import SandboxSmtpServer
from recoverly.channels.templates import load_catalog
from recoverly.config import Settings
from recoverly.ingest import service as ingest
from recoverly.simulate.portfolio import PortfolioSpec, write_portfolio
from recoverly.store.repositories import tenancy
from recoverly.store.tables import contact_attempts, evidence_entries, holds, outbox, plan_items
from recoverly.strategy import service as strategies
from recoverly.strategy.run import StrategyChoice, run_day

AS_OF = date(2026, 3, 9)
START = datetime(2026, 3, 9, 0, 0, tzinfo=UTC)
STRATEGY = """
name: messages
version: 1
salt: s
branches: [{name: champion, weight: 50}, {name: challenger, weight: 50}]
segments:
  - name: everyone
    paths:
      champion: [{sms: {template: gentle_reminder}}]
      challenger: [{email: {template: payment_options}}]
"""
CATALOG = load_catalog()


class Crash(Exception):
    """A dispatcher dying at a step (the process would be gone; its transaction too)."""


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def _setup(
    engine: Engine, tmp_path: Path, accounts: int = 160, day: date = AS_OF, seed: int = 3
) -> int:
    """A tenant with a portfolio and its messages planned for ``day``."""
    path = tmp_path / "p.csv"
    write_portfolio(PortfolioSpec(accounts=accounts, seed=seed), path)
    with engine.begin() as conn:
        tenant_id = tenancy.ensure_tenant(conn, "acme", datetime.now(UTC))
        strategies.publish(conn, tenant_id, STRATEGY, "test", datetime.now(UTC))
    ingest.import_portfolio(engine, tenant_id, path, day)
    run_day(engine, tenant_id, day, choice=StrategyChoice("messages"))
    return tenant_id


def _adapters(smtp: SandboxSmtpServer, sms: SandboxSmsProvider) -> dict[str, ChannelAdapter]:
    """The adapters a real installation builds, pointed at the stand-ins."""
    return registry.adapters(sandboxed(Settings(), smtp, sms), lambda: AS_OF)


def _rows(engine: Engine, tenant_id: int) -> list[tuple[str, str, str]]:
    with engine.connect() as conn:
        return [
            (r.plan_id, r.channel, r.status)
            for r in conn.execute(select(outbox).where(outbox.c.tenant_id == tenant_id))
        ]


def _drive(
    engine: Engine,
    adapters: dict[str, ChannelAdapter],
    clock: Clock,
    *,
    crashes: int = 0,
    seed: int = 0,
) -> Counter[str]:
    """Dispatch through the day in 20-minute steps; with ``crashes``, kill the dispatcher
    that many times at random steps, restarting a new one after its lease ran out."""
    rng = random.Random(seed)
    injected: Counter[str] = Counter()
    policy = DispatchPolicy(max_attempts=10_000, lease=timedelta(minutes=5))

    def checkpoint(step: str, _plan_id: str) -> None:
        if sum(injected.values()) < crashes and rng.random() < 0.15:
            injected[step] += 1
            raise Crash(step)

    async def go() -> None:
        workers = 0
        while clock.at < START + timedelta(days=1, hours=12):
            workers += 1
            dispatcher = Dispatcher(
                engine,
                adapters,
                CATALOG,
                policy=policy,
                worker=f"w{workers}",
                clock=clock,
                checkpoint=checkpoint,
            )
            try:
                await dispatcher.drain(batch=7)
            except Crash:
                clock.at += policy.lease + timedelta(seconds=1)
                continue
            clock.at += timedelta(minutes=20)
        for adapter in adapters.values():
            await adapter.aclose()

    asyncio.run(go())
    return injected


def test_every_message_is_sent_once_inside_its_window(
    engine: Engine,
    tmp_path: Path,
    smtp_server: SandboxSmtpServer,
    sms_provider: SandboxSmsProvider,
) -> None:
    tenant_id = _setup(engine, tmp_path)
    clock = Clock(START)
    _drive(engine, _adapters(smtp_server, sms_provider), clock)
    rows = _rows(engine, tenant_id)
    statuses = Counter(status for _, _, status in rows)
    assert statuses["sent"] > 0
    assert set(statuses) <= {"sent", "failed"}
    sent = {(p, ch) for p, ch, s in rows if s == "sent"}
    assert len(sms_provider.messages()) == sum(1 for _, ch in sent if ch == "sms")
    assert len(smtp_server.deliveries()) == sum(1 for _, ch in sent if ch == "email")
    with engine.connect() as conn:
        attempts = conn.execute(
            select(
                contact_attempts.c.plan_id,
                contact_attempts.c.at,
                plan_items.c.debtor_timezone,
                plan_items.c.jurisdiction,
            ).join(
                plan_items,
                (plan_items.c.tenant_id == contact_attempts.c.tenant_id)
                & (plan_items.c.plan_id == contact_attempts.c.plan_id),
            )
        ).all()
    assert len(attempts) == len(rows)  # one contact recorded per settled message
    for _plan_id, at, zone, jurisdiction in attempts:
        hour = at.astimezone(ZoneInfo(zone)).hour
        start, end = {"US": (8, 21), "CN": (8, 22)}.get(jurisdiction[:2], (9, 20))
        assert start <= hour < end, (at, zone)
    # E-mails carry the outbox row's key as their Message-ID, SMS as the idempotency token.
    keys = {f"{tenant_id}-{p}" for p, ch in sent if ch == "sms"}
    assert {m.idempotency_token for m in sms_provider.messages()} == keys


def test_two_hundred_crashes_lose_nothing_and_duplicate_nothing(
    engine: Engine,
    tmp_path: Path,
    smtp_server: SandboxSmtpServer,
    sms_provider: SandboxSmsProvider,
) -> None:
    tenant_id = _setup(engine, tmp_path)
    clock = Clock(START)
    injected = _drive(engine, _adapters(smtp_server, sms_provider), clock, crashes=200, seed=1)
    assert sum(injected.values()) == 200
    assert set(injected) == set(STEPS)  # every step was hit
    rows = _rows(engine, tenant_id)
    assert {s for _, _, s in rows} <= {"sent", "failed"}  # nothing left behind
    sent = {p: ch for p, ch, s in rows if s == "sent"}
    # SMS: the provider holds each message once.
    tokens = Counter(m.idempotency_token for m in sms_provider.messages())
    assert set(tokens) == {f"{tenant_id}-{p}" for p, ch in sent.items() if ch == "sms"}
    assert max(tokens.values()) == 1
    # E-mail: a crash between the relay's acceptance and our record re-sends the same
    # Message-ID, which the receiving side de-duplicates; no message is missing.
    ids = Counter(m.message["Message-ID"] for m in smtp_server.deliveries())
    expected = {p for p, ch in sent.items() if ch == "email"}
    assert {i.strip("<>").split("@")[0].split("-", 1)[1] for i in ids} == expected
    assert sum(ids.values()) - len(ids) <= injected["sent"]
    with engine.connect() as conn:
        recorded = (
            conn.execute(
                select(contact_attempts.c.plan_id).where(contact_attempts.c.tenant_id == tenant_id)
            )
            .scalars()
            .all()
        )
    assert sorted(recorded) == sorted(p for p, _, _ in rows)
    # Evidence: each sent message is logged exactly once, whatever step a dispatcher died at.
    logged = Counter(body["plan_id"] for body in _evidence(engine, "message_sent"))
    assert set(logged) == set(sent)
    assert max(logged.values()) == 1


def _dispute(engine: Engine, tenant_id: int, every: int) -> None:
    """A dispute, from ``START``, on every ``every``-th planned case (in case-id order)."""
    with engine.begin() as conn:
        planned = conn.execute(
            select(plan_items.c.case_id).where(plan_items.c.tenant_id == tenant_id)
        ).scalars()
        for case_id in sorted(planned)[::every]:
            conn.execute(
                insert(holds).values(
                    tenant_id=tenant_id,
                    case_id=case_id,
                    kind="dispute",
                    starts_at=START,
                    reason="debtor disputes the debt",
                    created_at=START,
                )
            )


def _evidence(engine: Engine, *kinds: str) -> list[dict[str, object]]:
    """The evidence log's entries (of ``kinds``, if named), decoded, in order."""
    e = evidence_entries.c
    query = select(e.entry).order_by(e.entry_index)
    if kinds:
        query = query.where(e.kind.in_(kinds))
    with engine.connect() as conn:
        return [json.loads(r) for r in conn.execute(query).scalars()]


def test_each_message_is_logged_once_as_sent_or_blocked(
    engine: Engine,
    tmp_path: Path,
    smtp_server: SandboxSmtpServer,
    sms_provider: SandboxSmsProvider,
) -> None:
    tenant_id = _setup(engine, tmp_path, accounts=40)
    _dispute(engine, tenant_id, every=2)  # every other case disputes after planning
    _drive(engine, _adapters(smtp_server, sms_provider), Clock(START))
    rows = _rows(engine, tenant_id)
    sent = {p for p, _, s in rows if s == "sent"}
    blocked = {p for p, _, s in rows if s == "blocked"}
    assert sent
    assert blocked
    logged = _evidence(engine)
    assert [e["index"] for e in logged] == list(range(len(logged)))
    planned = [e for e in logged if e["kind"] == "message_planned"]
    entries = [e for e in logged if e["kind"] == "message_sent"]
    stopped = [e for e in logged if e["kind"] == "compliance_block" and e["stage"] == "send"]
    assert sorted(e["plan_id"] for e in planned) == sorted(p for p, _, _ in rows)
    assert sorted(e["plan_id"] for e in entries) == sorted(sent)
    # each blocked message is logged once, with the rules that stopped it by name
    assert sorted(e["plan_id"] for e in stopped) == sorted(blocked)
    assert {e["rules"] for e in stopped} == {"hold.dispute"}
    # The provider's receipts for the texts, each said twice: logged once each, as delivered.
    texts = {p for p, channel, s in rows if s == "sent" and channel == "sms"}
    with engine.begin() as conn:
        said = conn.execute(
            select(outbox.c.provider_id).where(outbox.c.plan_id.in_(texts))
        ).scalars()
        for provider_id in list(said) * 2:
            receipts.apply(
                conn, DeliveryReceipt(provider_id, DeliveryStatus.DELIVERED, None, START)
            )
    delivered = Counter(e["plan_id"] for e in _evidence(engine, "message_delivered"))
    assert texts
    assert delivered == Counter(texts)
    with engine.connect() as conn:
        outboxed = {
            r.plan_id: r
            for r in conn.execute(select(outbox).where(outbox.c.tenant_id == tenant_id))
        }
    for entry in entries:
        row = outboxed[str(entry["plan_id"])]
        assert entry["kind"] == "message_sent"
        assert entry["tenant"] == "acme"
        assert (entry["channel"], entry["template"]) == (row.channel, row.template)
        assert entry["content_sha256"] == row.content_sha256
        assert entry["provider_id"] == row.provider_id
        assert (entry["locale"], entry["template_version"]) == (row.locale, row.template_version)
        assert set(entry) == {
            "index", "kind", "tenant", "case_id", "at", "plan_id", "channel", "template",
            "template_version", "locale", "content_sha256", "provider_id",
        }  # fmt: skip
    # No personal data in clear: no address a message went to appears in the log.
    addresses = {m.to for m in sms_provider.messages()} | {
        d.message["To"] for d in smtp_server.deliveries()
    }
    text = json.dumps(entries)
    assert addresses
    assert not [a for a in addresses if a in text]


def test_a_dispute_after_planning_stops_the_message_at_send_time(
    engine: Engine,
    tmp_path: Path,
    smtp_server: SandboxSmtpServer,
    sms_provider: SandboxSmsProvider,
) -> None:
    tenant_id = _setup(engine, tmp_path, accounts=40)
    _dispute(engine, tenant_id, every=1)
    _drive(engine, _adapters(smtp_server, sms_provider), Clock(START))
    assert {s for _, _, s in _rows(engine, tenant_id)} == {"blocked"}
    assert sms_provider.messages() == []
    assert smtp_server.deliveries() == []
    with engine.connect() as conn:
        errors = conn.execute(select(outbox.c.last_error)).scalars().all()
    assert all(e.startswith("hold.dispute") for e in errors)


@pytest.mark.parametrize("failures", [2])
def test_transient_provider_failures_are_retried_with_back_off(
    engine: Engine,
    tmp_path: Path,
    smtp_server: SandboxSmtpServer,
    sms_provider: SandboxSmsProvider,
    failures: int,
) -> None:
    tenant_id = _setup(engine, tmp_path, accounts=40)
    sms_provider.fail_next(failures, status=503)
    smtp_server.fail_next(failures)
    _drive(engine, _adapters(smtp_server, sms_provider), Clock(START))
    rows = _rows(engine, tenant_id)
    assert {s for _, _, s in rows} <= {"sent", "failed"}
    sent = [p for p, _, s in rows if s == "sent"]
    assert len(sms_provider.messages()) + len(smtp_server.deliveries()) == len(sent)
    with engine.connect() as conn:
        retried = (
            conn.execute(select(outbox.c.attempts).where(outbox.c.attempts > 1)).scalars().all()
        )
    assert len(retried) >= 2


def test_dispatchers_running_at_once_never_share_a_message(
    engine: Engine,
    tmp_path: Path,
    smtp_server: SandboxSmtpServer,
    sms_provider: SandboxSmsProvider,
) -> None:
    import threading

    tenant_id = _setup(engine, tmp_path)
    noon = Clock(datetime(2026, 3, 9, 16, 0, tzinfo=UTC))  # most windows open somewhere
    reports = []

    def work(name: str) -> None:
        async def go() -> None:
            adapters = _adapters(smtp_server, sms_provider)
            dispatcher = Dispatcher(engine, adapters, CATALOG, worker=name, clock=noon)
            reports.append(await dispatcher.drain(batch=3))
            for adapter in adapters.values():
                await adapter.aclose()

        asyncio.run(go())

    threads = [threading.Thread(target=work, args=(f"t{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcomes: Counter[str] = Counter()
    for report in reports:
        outcomes.update(report.outcomes)
    rows = _rows(engine, tenant_id)
    assert outcomes["sent"] == sum(1 for _, _, s in rows if s == "sent") > 0
    assert outcomes["lost_lease"] == 0  # no row was held by two dispatchers
    assert len(sms_provider.messages()) + len(smtp_server.deliveries()) == outcomes["sent"]
    assert len(smtp_server.deliveries()) == len(
        {m.message["Message-ID"] for m in smtp_server.deliveries()}
    )
    assert sum(r.claimed > 0 for r in reports) >= 2  # the work was shared


def test_a_message_not_sent_within_a_day_of_its_plan_expires_unsent(
    engine: Engine,
    tmp_path: Path,
    smtp_server: SandboxSmtpServer,
    sms_provider: SandboxSmsProvider,
) -> None:
    tenant_id = _setup(engine, tmp_path, accounts=30)
    late = Clock(START + timedelta(days=3))

    async def go() -> None:
        adapters = _adapters(smtp_server, sms_provider)
        await Dispatcher(engine, adapters, CATALOG, clock=late).drain()
        for adapter in adapters.values():
            await adapter.aclose()

    asyncio.run(go())
    assert {s for _, _, s in _rows(engine, tenant_id)} == {"expired"}
    assert sms_provider.messages() == []
    assert smtp_server.deliveries() == []
