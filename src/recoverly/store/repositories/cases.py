"""Reading cases, each with its debtor, accounts and holds, one tenant at a time.

Every query, correlated subqueries included, puts the caller's ``tenant_id`` in its WHERE
clause, so another tenant's case is indistinguishable from a missing one: the reader gets
``NotFound`` either way, with the same message. Listings are ordered by id so that pages are
stable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, exists, func, select, update

from recoverly.domain.accounts import DelinquencyBucket
from recoverly.domain.cases import Case, Hold, HoldKind, Stage
from recoverly.domain.errors import InvalidInput, NotFound
from recoverly.domain.money import Money
from recoverly.domain.parties import Debtor
from recoverly.store.repositories.accounts import AccountRecord, account_record_from_row
from recoverly.store.repositories.debtors import debtor_from_row
from recoverly.store.repositories.delinquency import balance_minor, case_in_bucket
from recoverly.store.repositories.paging import Slice, page
from recoverly.store.tables import accounts, cases, debtors, holds


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """A case with its holds, its debtor (without contact points) and its accounts."""

    case: Case
    debtor: Debtor
    accounts: tuple[AccountRecord, ...]


@dataclass(frozen=True, slots=True)
class CaseFilter:
    stage: Stage | None = None
    debtor_id: str | None = None
    country: str | None = None
    bucket: DelinquencyBucket | None = None
    # The case's balance in min_balance's currency (sum over its accounts in it).
    min_balance: Money | None = None


def _hold(row: Row[Any]) -> Hold:
    return Hold(
        HoldKind(row.kind), row.starts_at, row.ends_at, row.reason or "", row.channel, row.id
    )


def list_cases(
    conn: Connection,
    tenant_id: int,
    where: CaseFilter,
    as_of: date,
    limit: int,
    offset: int,
) -> Slice[CaseRecord]:
    """A page of the tenant's cases, each with its debtor, accounts and holds."""
    conditions: list[ColumnElement[bool]] = [cases.c.tenant_id == tenant_id]
    if where.stage is not None:
        conditions.append(cases.c.stage == where.stage.value)
    if where.debtor_id is not None:
        conditions.append(cases.c.debtor_id == where.debtor_id)
    if where.country is not None:
        conditions.append(
            exists().where(
                debtors.c.tenant_id == cases.c.tenant_id,
                debtors.c.debtor_id == cases.c.debtor_id,
                debtors.c.country == where.country,
            )
        )
    if where.bucket is not None:
        conditions.append(case_in_bucket(where.bucket, as_of))
    if where.min_balance is not None:
        balance = (
            select(func.sum(balance_minor(accounts)))
            .where(
                accounts.c.tenant_id == cases.c.tenant_id,
                accounts.c.case_id == cases.c.case_id,
                accounts.c.currency == where.min_balance.currency,
            )
            .scalar_subquery()
        )
        conditions.append(balance >= where.min_balance.to_minor())
    found = page(conn, cases, conditions, [cases.c.case_id], limit, offset, lambda r: r)
    return Slice(_cases(conn, tenant_id, found.items), found.total)


def get_case(conn: Connection, tenant_id: int, case_id: str) -> CaseRecord:
    row = conn.execute(
        select(cases).where(cases.c.tenant_id == tenant_id, cases.c.case_id == case_id)
    ).first()
    if row is None:
        raise NotFound(f"no case {case_id!r}")
    return _cases(conn, tenant_id, [row])[0]


def _cases(conn: Connection, tenant_id: int, rows: Sequence[Row[Any]]) -> tuple[CaseRecord, ...]:
    """Attach debtors, accounts and holds to case rows in three queries, not 3 per case."""
    if not rows:
        return ()
    case_ids = [r.case_id for r in rows]
    debtor_ids = sorted({r.debtor_id for r in rows})
    found_debtors = {
        r.debtor_id: debtor_from_row(r)
        for r in conn.execute(
            select(debtors).where(
                debtors.c.tenant_id == tenant_id, debtors.c.debtor_id.in_(debtor_ids)
            )
        )
    }
    by_case: dict[str, list[AccountRecord]] = defaultdict(list)
    for r in conn.execute(
        select(accounts)
        .where(accounts.c.tenant_id == tenant_id, accounts.c.case_id.in_(case_ids))
        .order_by(accounts.c.account_id)
    ):
        by_case[r.case_id].append(account_record_from_row(r))
    holds_by_case: dict[str, list[Hold]] = defaultdict(list)
    for r in conn.execute(
        select(holds)
        .where(holds.c.tenant_id == tenant_id, holds.c.case_id.in_(case_ids))
        .order_by(holds.c.starts_at, holds.c.id)
    ):
        holds_by_case[r.case_id].append(_hold(r))
    return tuple(
        CaseRecord(
            case=Case(
                case_id=r.case_id,
                debtor_id=r.debtor_id,
                stage=Stage(r.stage),
                opened_at=r.opened_at,
                closed_at=r.closed_at,
                holds=tuple(holds_by_case[r.case_id]),
            ),
            # The composite foreign key guarantees the debtor exists in the same tenant.
            debtor=found_debtors[r.debtor_id],
            accounts=tuple(by_case[r.case_id]),
        )
        for r in rows
    )


def lock_case(conn: Connection, tenant_id: int, case_id: str) -> None:
    """Hold the case's row until the transaction ends, so that two agents acting on one
    case (a call each, say) are judged one after the other, each seeing the other's
    contact (PostgreSQL; SQLite has one writer at a time anyway)."""
    query = select(cases.c.case_id).where(
        cases.c.tenant_id == tenant_id, cases.c.case_id == case_id
    )
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    if conn.execute(query).first() is None:
        raise NotFound(f"no case {case_id!r}")


def place_hold(conn: Connection, tenant_id: int, case_id: str, hold: Hold, now: datetime) -> Hold:
    """Store ``hold`` on the case (in the caller's transaction) and return it with its id."""
    lock_case(conn, tenant_id, case_id)
    if (hold.kind is HoldKind.OPT_OUT) != (hold.channel is not None):
        raise InvalidInput(
            "channel: an opt_out hold names the channel it stops; no other hold does"
        )
    if hold.ends_at is not None and hold.ends_at <= hold.starts_at:
        raise InvalidInput("ends_at: a hold must end after it starts")
    hold_id = conn.execute(
        holds.insert()
        .values(
            tenant_id=tenant_id,
            case_id=case_id,
            kind=hold.kind.value,
            starts_at=hold.starts_at,
            ends_at=hold.ends_at,
            channel=hold.channel,
            reason=hold.reason,
            created_at=now,
        )
        .returning(holds.c.id)
    ).scalar_one()
    return replace(hold, hold_id=hold_id)


def release_hold(
    conn: Connection, tenant_id: int, case_id: str, hold_id: int, at: datetime, reason: str
) -> Hold:
    """End a hold at ``at``; the reason for lifting it is kept beside the reason it was
    placed. A hold already over cannot be released again."""
    h = holds.c
    row = conn.execute(
        select(holds).where(h.tenant_id == tenant_id, h.case_id == case_id, h.id == hold_id)
    ).first()
    if row is None:
        raise NotFound(f"no hold {hold_id} on case {case_id!r}")
    if row.ends_at is not None and row.ends_at <= at:
        raise InvalidInput(f"hold {hold_id} already ended at {row.ends_at:%Y-%m-%dT%H:%M:%SZ}")
    ends_at = max(at, row.starts_at)
    text = f"{row.reason}; released: {reason}" if row.reason else f"released: {reason}"
    conn.execute(
        update(holds)
        .where(h.tenant_id == tenant_id, h.id == hold_id)
        .values(ends_at=ends_at, reason=text)
    )
    return replace(_hold(row), ends_at=ends_at, reason=text)


def active_holds(
    conn: Connection,
    tenant_id: int,
    case_id: str,
    kind: HoldKind,
    at: datetime,
    channel: str | None = None,
) -> list[Hold]:
    """The case's holds of ``kind`` (on ``channel``, if named) in force at ``at``."""
    h = holds.c
    query = select(holds).where(
        h.tenant_id == tenant_id,
        h.case_id == case_id,
        h.kind == kind.value,
        h.starts_at <= at,
        (h.ends_at.is_(None)) | (h.ends_at > at),
    )
    if channel is not None:
        query = query.where(h.channel == channel)
    return [_hold(row) for row in conn.execute(query.order_by(h.id))]


def open_case_ids(conn: Connection, tenant_id: int, debtor_id: str) -> list[str]:
    return case_ids_of(conn, tenant_id, debtor_id, open_only=True)


def case_ids_of(
    conn: Connection, tenant_id: int, debtor_id: str, *, open_only: bool = False
) -> list[str]:
    """The debtor's cases (only those still open, if asked), in id order."""
    c = cases.c
    query = select(c.case_id).where(c.tenant_id == tenant_id, c.debtor_id == debtor_id)
    if open_only:
        query = query.where(c.closed_at.is_(None))
    return list(conn.execute(query.order_by(c.case_id)).scalars())


def time_barred(conn: Connection, tenant_id: int, case_id: str, at: datetime) -> bool:
    """Whether the case's debt is past its limitation period at ``at`` (a hold says so)."""
    return bool(active_holds(conn, tenant_id, case_id, HoldKind.TIME_BARRED, at))
