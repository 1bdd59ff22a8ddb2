"""What retention decisions are made from: each debtor's last activities, and what holds
their records back.

The activities are read with one grouped query per kind of event, for a whole tenant at
once (the purge's scan) or for one debtor (the re-check inside the debtor's transaction),
so the same code decides both times.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, func, select

from recoverly.domain.complaints import Status
from recoverly.domain.errors import NotFound
from recoverly.domain.events import Channel
from recoverly.domain.privacy import DebtorActivity
from recoverly.store.tables import (
    accounts,
    cases,
    complaints,
    contact_attempts,
    debtors,
    holds,
    legal_holds,
    outbox,
    payments,
    plan_items,
    promises,
)

# Calls whose recordings a retention rule may govern: agents' and the voice bot's.
_CALLS = (Channel.CALL.value, Channel.VOICE_BOT.value)


def activities(
    conn: Connection, tenant_id: int, debtor_id: str | None = None
) -> list[DebtorActivity]:
    """The activity of the tenant's debtors not yet erased (or of the one named), by id."""
    d = debtors.c
    where = [d.tenant_id == tenant_id, d.erased_at.is_(None)]
    if debtor_id is not None:
        where.append(d.debtor_id == debtor_id)
    people = conn.execute(
        select(d.debtor_id, d.country, d.region, d.created_at).where(*where).order_by(d.debtor_id)
    ).all()
    if not people:
        return []

    def latest(query: Select[Any]) -> dict[str, datetime]:
        return {row[0]: row[1] for row in conn.execute(query) if row[1] is not None}

    def by_debtor(key: Any, value: Any, *conditions: ColumnElement[bool]) -> Select[Any]:
        query = select(key, func.max(value)).where(*conditions).group_by(key)
        return query if debtor_id is None else query.where(key == debtor_id)

    c, k, a, q = cases.c, contact_attempts.c, accounts.c, complaints.c
    counted = select(c.debtor_id, func.count()).where(
        c.tenant_id == tenant_id, c.closed_at.is_(None)
    )
    if debtor_id is not None:
        counted = counted.where(c.debtor_id == debtor_id)
    open_cases = {row[0]: int(row[1]) for row in conn.execute(counted.group_by(c.debtor_id))}
    of_account = (a.tenant_id == tenant_id,)
    events = [
        latest(by_debtor(c.debtor_id, c.closed_at, c.tenant_id == tenant_id)),
        latest(by_debtor(c.debtor_id, c.opened_at, c.tenant_id == tenant_id)),
        latest(by_debtor(k.debtor_id, k.at, k.tenant_id == tenant_id)),
        latest(
            by_debtor(
                plan_items.c.debtor_id,
                outbox.c.sent_at,
                plan_items.c.tenant_id == tenant_id,
                outbox.c.tenant_id == tenant_id,
                outbox.c.plan_id == plan_items.c.plan_id,
            )
        ),
        latest(
            by_debtor(
                a.debtor_id,
                promises.c.made_at,
                *of_account,
                promises.c.tenant_id == tenant_id,
                promises.c.account_id == a.account_id,
            )
        ),
        latest(by_debtor(q.debtor_id, q.received_at, q.tenant_id == tenant_id)),
        latest(by_debtor(q.debtor_id, q.closed_at, q.tenant_id == tenant_id)),
    ]
    paid = latest(
        by_debtor(
            a.debtor_id,
            payments.c.paid_at,
            *of_account,
            payments.c.tenant_id == tenant_id,
            payments.c.account_id == a.account_id,
        )
    )
    called = latest(by_debtor(k.debtor_id, k.at, k.tenant_id == tenant_id, k.channel.in_(_CALLS)))
    found = []
    for person in people:
        key = person.debtor_id
        moments = [person.created_at, *(e[key] for e in (*events, paid) if key in e)]
        found.append(
            DebtorActivity(
                debtor_id=key,
                country=person.country,
                region=person.region,
                open_cases=open_cases.get(key, 0),
                last_activity=max(moments),
                last_payment=paid.get(key),
                last_call=called.get(key),
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class HoldRecords:
    """What stands in the way of erasing one debtor, as stored."""

    open_cases: tuple[tuple[str, str], ...]  # (case id, stage)
    open_complaints: tuple[str, ...]
    holds: tuple[tuple[int, str, str], ...]  # (hold id, kind, case id)
    legal_holds: tuple[tuple[int, str], ...]  # (legal hold id, reason)


def hold_records(
    conn: Connection, tenant_id: int, debtor_id: str, at: datetime, kinds: Collection[str]
) -> HoldRecords:
    """The debtor's open cases and complaints, holds of ``kinds`` in force at ``at`` on any
    of their cases, and legal holds not released."""
    c = cases.c
    mine = (c.tenant_id == tenant_id, c.debtor_id == debtor_id)
    h = holds.c
    in_force = conn.execute(
        select(h.id, h.kind, h.case_id)
        .where(
            h.tenant_id == tenant_id,
            h.case_id.in_(select(c.case_id).where(*mine)),
            h.kind.in_(list(kinds)),
            h.starts_at <= at,
            (h.ends_at.is_(None)) | (h.ends_at > at),
        )
        .order_by(h.id)
    ).all()
    open_cases = conn.execute(
        select(c.case_id, c.stage).where(*mine, c.closed_at.is_(None)).order_by(c.case_id)
    ).all()
    q = complaints.c
    open_complaints = conn.execute(
        select(q.complaint_id)
        .where(q.tenant_id == tenant_id, q.debtor_id == debtor_id, q.status != Status.CLOSED.value)
        .order_by(q.complaint_id)
    ).scalars()
    lh = legal_holds.c
    legal = conn.execute(
        select(lh.id, lh.reason)
        .where(lh.tenant_id == tenant_id, lh.debtor_id == debtor_id, lh.released_at.is_(None))
        .order_by(lh.id)
    ).all()
    return HoldRecords(
        open_cases=tuple((r.case_id, r.stage) for r in open_cases),
        open_complaints=tuple(open_complaints),
        holds=tuple((int(r.id), r.kind, r.case_id) for r in in_force),
        legal_holds=tuple((int(r.id), r.reason) for r in legal),
    )


def lock_debtor(conn: Connection, tenant_id: int, debtor_id: str) -> datetime | None:
    """Lock the debtor's row for this transaction (on PostgreSQL; SQLite serialises
    writers anyway) and return when it was erased, if it was.

    Raises:
        NotFound: the tenant has no such debtor.
    """
    row = conn.execute(
        select(debtors.c.erased_at)
        .where(debtors.c.tenant_id == tenant_id, debtors.c.debtor_id == debtor_id)
        .with_for_update()
    ).first()
    if row is None:
        raise NotFound(f"no debtor {debtor_id!r}")
    return row.erased_at  # type: ignore[no-any-return]
