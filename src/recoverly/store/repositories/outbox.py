"""The outbox's state machine in SQL: claim due rows, then record what became of each.

States: ``pending`` (due from ``not_before``) → ``sending`` (claimed, with a lease) →
``sent`` | ``failed`` | ``blocked`` | ``dead`` | ``expired``, or back to ``pending`` with a later
``not_before`` (a transient failure, or a contact window that is closed right now).
A ``sending`` row whose lease ran out belongs to a dispatcher that died: it is claimed
again and re-sent under the same idempotency key, which the provider de-duplicates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from recoverly.domain.parties import REACHED_THROUGH
from recoverly.store.tables import (
    accounts,
    contact_attempts,
    contact_points,
    debtors,
    delivery_receipts,
    outbox,
    plan_items,
    tenants,
)

PENDING, SENDING, SENT, FAILED, BLOCKED, DEAD, EXPIRED = (
    "pending",
    "sending",
    "sent",
    "failed",
    "blocked",
    "dead",
    "expired",
)


@dataclass(frozen=True, slots=True)
class Claimed:
    """A claimed outbox row with what rendering and the send-time check need."""

    tenant_id: int
    tenant: str
    plan_id: str
    channel: str
    template: str
    attempts: int
    case_id: str
    debtor_id: str
    account_id: str
    language: str | None
    jurisdiction: str
    timezone: str
    currency: str
    balance_minor: int
    scheduled_at: datetime
    debtor_name: str
    owed_since: date  # the account's past-due-since date, else its due date
    address: str | None  # the debtor's best usable point for the channel, if any


def claim(
    conn: Connection, worker: str, now: datetime, lease: timedelta, limit: int
) -> list[Claimed]:
    """Take up to ``limit`` due rows for ``worker``: pending ones whose time has come, and
    sending ones whose lease expired. Concurrent dispatchers never take the same row:
    PostgreSQL skips rows another transaction holds, SQLite runs one writer at a time."""
    o = outbox.c
    due = or_(
        and_(o.status == PENDING, o.not_before <= now),
        and_(o.status == SENDING, o.claimed_until < now),
    )
    pick = (
        select(o.tenant_id, o.plan_id)
        .where(due)
        .order_by(o.not_before, o.tenant_id, o.plan_id)
        .limit(limit)
    )
    if conn.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    # One statement that writes first: on SQLite it takes the write lock at once (a read
    # followed by a write would deadlock two dispatchers), on PostgreSQL it locks the
    # picked rows and skips those another dispatcher holds.
    taken = conn.execute(
        update(outbox)
        .where(tuple_(o.tenant_id, o.plan_id).in_(pick))
        .values(
            status=SENDING,
            claimed_by=worker,
            claimed_until=now + lease,
            attempts=o.attempts + 1,
            updated_at=now,
        )
        .returning(o.tenant_id, o.plan_id)
    )
    keys = [tuple(r) for r in taken]
    if not keys:
        return []
    p = plan_items.c
    rows = conn.execute(
        select(
            o.tenant_id,
            tenants.c.name.label("tenant"),
            o.plan_id,
            o.channel,
            o.template,
            o.attempts,
            p.case_id,
            p.debtor_id,
            p.account_id,
            p.language,
            p.jurisdiction,
            p.debtor_timezone.label("timezone"),
            p.currency,
            p.balance_minor,
            p.scheduled_at,
            debtors.c.name.label("debtor_name"),
            func.coalesce(accounts.c.past_due_since, accounts.c.due_date).label("owed_since"),
            _address(o.tenant_id, p.debtor_id, o.channel).label("address"),
        )
        .select_from(
            outbox.join(plan_items, and_(p.tenant_id == o.tenant_id, p.plan_id == o.plan_id))
            .join(tenants, tenants.c.id == o.tenant_id)
            .join(
                debtors,
                and_(debtors.c.tenant_id == p.tenant_id, debtors.c.debtor_id == p.debtor_id),
            )
            .join(
                accounts,
                and_(accounts.c.tenant_id == p.tenant_id, accounts.c.account_id == p.account_id),
            )
        )
        .where(
            or_(*[and_(o.tenant_id == t, o.plan_id == pid) for t, pid in keys]),
            o.claimed_by == worker,
        )
        .order_by(o.not_before, o.tenant_id, o.plan_id)
    )
    return [Claimed(**row._asdict()) for row in rows]


def _address(tenant_id: Any, debtor_id: Any, channel: Any) -> Any:
    """The debtor's usable contact point for the channel (verified first, then the
    newest), as a scalar subquery: the claim reads everything a send needs at once."""
    c = contact_points.c
    kind = case(*[(channel == ch, k.value) for ch, k in REACHED_THROUGH.items()], else_=None)
    return (
        select(c.value)
        .where(
            c.tenant_id == tenant_id,
            c.debtor_id == debtor_id,
            c.kind == kind,
            c.consent != "withdrawn",
            c.verification != "invalid",
        )
        .order_by((c.verification == "verified").desc(), c.updated_at.desc())
        .limit(1)
        .scalar_subquery()
    )


def provider_ids(
    conn: Connection, tenant_id: int, plan_ids: Sequence[str], channel: str
) -> dict[str, tuple[str, datetime]]:
    """The provider's id and the send's instant of each of ``plan_ids`` sent through
    ``channel`` (those a provider accepted), for matching its receipts."""
    o = outbox.c
    found: dict[str, tuple[str, datetime]] = {}
    for start in range(0, len(plan_ids), 500):  # under every database's parameter limit
        rows = conn.execute(
            select(o.plan_id, o.provider_id, o.sent_at).where(
                o.tenant_id == tenant_id,
                o.channel == channel,
                o.plan_id.in_(plan_ids[start : start + 500]),
                o.provider_id.is_not(None),
                o.sent_at.is_not(None),
            )
        ).all()
        found.update({plan_id: (provider_id, sent_at) for plan_id, provider_id, sent_at in rows})
    return found


def usable_point(conn: Connection, tenant_id: int, debtor_id: str, channel: str) -> str | None:
    """The contact point a contact on ``channel`` would use (as the dispatcher picks it)."""
    found: str | None = conn.execute(
        select(_address(literal(tenant_id), literal(debtor_id), literal(channel)))
    ).scalar()
    return found


@dataclass(frozen=True, slots=True)
class Settlement:
    """What became of a claimed row: its final status, and the contact it was (if any)."""

    status: str
    outcome: str | None = None  # the contact's outcome; None: no contact took place
    error: str | None = None
    provider_id: str | None = None
    locale: str | None = None
    template_version: int | None = None
    content_sha256: str | None = None
    cost: tuple[Decimal, str] | None = None


def _held(item: Claimed, worker: str) -> ColumnElement[bool]:
    """The row, if ``worker`` still holds its claim (a lost lease changes nothing)."""
    o = outbox.c
    return and_(
        o.tenant_id == item.tenant_id,
        o.plan_id == item.plan_id,
        o.status == SENDING,
        o.claimed_by == worker,
    )


def finish(
    conn: Connection, item: Claimed, worker: str, settled: Settlement, now: datetime
) -> bool:
    """Record a terminal state (and the contact it was), if this worker still holds the
    row; returns False when the lease was lost to another dispatcher."""
    done = conn.execute(
        update(outbox)
        .where(_held(item, worker))
        .values(
            status=settled.status,
            provider_id=settled.provider_id,
            last_error=settled.error,
            locale=settled.locale,
            template_version=settled.template_version,
            content_sha256=settled.content_sha256,
            cost_minor=settled.cost[0] if settled.cost else None,
            cost_currency=settled.cost[1] if settled.cost else None,
            sent_at=now if settled.status == SENT else None,
            claimed_until=None,
            updated_at=now,
        )
    )
    if done.rowcount != 1:
        return False
    if settled.outcome is not None:
        conn.execute(
            contact_attempts.insert().values(
                tenant_id=item.tenant_id,
                contact_id=item.plan_id,
                debtor_id=item.debtor_id,
                account_id=item.account_id,
                plan_id=item.plan_id,
                channel=item.channel,
                direction="outbound",
                at=now,
                outcome=settled.outcome,
                created_at=now,
            )
        )
    return True


def postpone(
    conn: Connection, item: Claimed, worker: str, *, until: datetime, error: str, now: datetime
) -> bool:
    """Back to pending until ``until`` (a retry after a transient failure, or the next
    opening of the contact window)."""
    done = conn.execute(
        update(outbox)
        .where(_held(item, worker))
        .values(
            status=PENDING,
            not_before=until,
            last_error=error,
            claimed_by=None,
            claimed_until=None,
            updated_at=now,
        )
    )
    return done.rowcount == 1


RECEIPT_PATIENCE = timedelta(days=7)  # how long a receipt waits for its send to be recorded


def record_receipt(
    conn: Connection, provider_id: str, outcome: str, now: datetime
) -> list[AppliedReceipt]:
    """Keep a provider's final word on a message, and apply it if the send is recorded.

    Receipts may arrive twice, out of order, or before the dispatcher has recorded the
    send they are about; the last kind waits (see ``apply_receipts``). Returns the
    receipts that changed a contact's outcome now.
    """
    dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(
        dialect_insert(delivery_receipts)
        .values(provider_id=provider_id, outcome=outcome, received_at=now)
        .on_conflict_do_nothing(index_elements=["provider_id", "outcome"])
    )
    return apply_receipts(conn, now, provider_id=provider_id)


@dataclass(frozen=True, slots=True)
class AppliedReceipt:
    """A receipt that settled a contact's outcome: about which message, saying what."""

    tenant_id: int
    plan_id: str
    case_id: str
    channel: str
    provider_id: str
    outcome: str
    received_at: datetime


def apply_receipts(
    conn: Connection, now: datetime, *, provider_id: str | None = None
) -> list[AppliedReceipt]:
    """Apply kept receipts whose send is recorded (only ``provider_id``'s, if given), oldest
    first; returns those that changed a contact's outcome.

    A final outcome (delivered, failed) is never replaced, and a repeat changes nothing.
    Called when a receipt arrives and by every dispatcher pass: the last closes the
    window where a receipt and its send commit at the same moment and neither
    transaction sees the other.
    """
    r, o, c, p = delivery_receipts.c, outbox.c, contact_attempts.c, plan_items.c
    query = (
        select(
            r.provider_id, r.outcome, r.received_at, o.tenant_id, o.plan_id, o.channel, p.case_id
        )
        .join(outbox, o.provider_id == r.provider_id)
        .join(plan_items, and_(p.tenant_id == o.tenant_id, p.plan_id == o.plan_id))
        .where(r.applied_at.is_(None), r.received_at > now - RECEIPT_PATIENCE)
        .order_by(r.received_at, r.provider_id)
    )
    if provider_id is not None:
        query = query.where(r.provider_id == provider_id)
    applied = []
    for receipt in conn.execute(query).all():
        done = conn.execute(
            update(contact_attempts)
            .where(
                c.tenant_id == receipt.tenant_id,
                c.contact_id == receipt.plan_id,
                c.outcome == SENT,
                c.outcome != receipt.outcome,
            )
            .values(outcome=receipt.outcome)
        )
        if done.rowcount:
            applied.append(AppliedReceipt(**receipt._mapping))  # the columns are its fields
        conn.execute(
            update(delivery_receipts)
            .where(r.provider_id == receipt.provider_id, r.outcome == receipt.outcome)
            .values(applied_at=now)
        )
    return applied
