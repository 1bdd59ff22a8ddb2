"""Reading cases, accounts, debtors and their histories, one tenant at a time.

Every function takes the caller's ``tenant_id`` and puts it in every WHERE clause and every
correlated subquery, so another tenant's row is indistinguishable from a missing one: the
reader gets ``NotFound`` either way, with the same message.

Delinquency is never stored. A filter on a bucket becomes a range of ``past_due_since``
dates for the as-of date, and those ranges are derived from ``DelinquencyBucket.for_days``
itself, so the SQL filter and the values the domain computes for each row cannot disagree.
Listings are ordered by id (histories by time, then id) so that pages are stable.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    Row,
    and_,
    exists,
    func,
    not_,
    select,
    true,
)

from recoverly.domain.accounts import Account, Balance, DelinquencyBucket, Product
from recoverly.domain.cases import Case, Hold, HoldKind, Stage
from recoverly.domain.errors import NotFound
from recoverly.domain.events import (
    Channel,
    ContactAttempt,
    Direction,
    Outcome,
    Payment,
    PaymentMethod,
)
from recoverly.domain.money import Money
from recoverly.domain.parties import (
    Consent,
    ContactKind,
    ContactPoint,
    Debtor,
    DebtorType,
    Verification,
)
from recoverly.store.tables import (
    accounts,
    cases,
    contact_attempts,
    contact_points,
    debtors,
    holds,
    payments,
)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Slice(Generic[T]):
    """One page of a listing, and how many rows the whole (filtered) listing has."""

    items: tuple[T, ...]
    total: int


@dataclass(frozen=True, slots=True)
class AccountRecord:
    """An account as the domain sees it, plus what only the store knows about it."""

    account: Account
    case_id: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class DebtorRecord:
    debtor: Debtor
    created_at: datetime
    updated_at: datetime


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


@dataclass(frozen=True, slots=True)
class AccountFilter:
    product: Product | None = None
    currency: str | None = None
    bucket: DelinquencyBucket | None = None
    debtor_id: str | None = None
    case_id: str | None = None


@dataclass(frozen=True, slots=True)
class DebtorFilter:
    country: str | None = None
    debtor_type: DebtorType | None = None
    name_prefix: str | None = None


# ---------------------------------------------------------------------------- delinquency

_SCAN_DAYS = 2000  # well past the last bucket boundary


@cache
def bucket_days(bucket: DelinquencyBucket) -> tuple[int, int | None]:
    """The past-due days a bucket spans, as (first, last); last is None when open-ended."""
    days = [d for d in range(_SCAN_DAYS) if DelinquencyBucket.for_days(d) is bucket]
    return days[0], None if days[-1] == _SCAN_DAYS - 1 else days[-1]


def _balance_minor(table: FromClause) -> ColumnElement[int]:
    return table.c.principal_minor + table.c.interest_minor + table.c.fees_minor


def _past_due_more_than(days: int, as_of: date) -> ColumnElement[bool]:
    """An account's past-due days on ``as_of`` exceed ``days`` (``Account.past_due_days``)."""
    return and_(
        accounts.c.past_due_since.is_not(None),
        _balance_minor(accounts) != 0,
        accounts.c.past_due_since < as_of - timedelta(days=days),
    )


def _account_in_bucket(bucket: DelinquencyBucket, as_of: date) -> ColumnElement[bool]:
    first, last = bucket_days(bucket)
    at_least = true() if first == 0 else _past_due_more_than(first - 1, as_of)
    at_most = true() if last is None else not_(_past_due_more_than(last, as_of))
    return and_(at_least, at_most)


def _case_in_bucket(bucket: DelinquencyBucket, as_of: date) -> ColumnElement[bool]:
    """The bucket of a case is that of its most past-due account (current without any)."""

    def any_account(condition: ColumnElement[bool]) -> ColumnElement[bool]:
        return exists().where(
            accounts.c.tenant_id == cases.c.tenant_id,
            accounts.c.case_id == cases.c.case_id,
            condition,
        )

    first, last = bucket_days(bucket)
    at_least = true() if first == 0 else any_account(_past_due_more_than(first - 1, as_of))
    at_most = true() if last is None else not_(any_account(_past_due_more_than(last, as_of)))
    return and_(at_least, at_most)


# ---------------------------------------------------------------------------- row mapping


def _attributes(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        return {}
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in raw.items()}


def _account(row: Row[Any]) -> AccountRecord:
    currency = row.currency

    def money(minor: int | None) -> Money | None:
        return None if minor is None else Money.from_minor(int(minor), currency)

    account = Account(
        account_id=row.account_id,
        debtor_id=row.debtor_id,
        product=Product(row.product),
        balance=Balance(
            principal=Money.from_minor(int(row.principal_minor), currency),
            interest=Money.from_minor(int(row.interest_minor), currency),
            fees=Money.from_minor(int(row.fees_minor), currency),
        ),
        due_date=row.due_date,
        past_due_since=row.past_due_since,
        open_date=row.open_date,
        original_amount=money(row.original_amount_minor),
        credit_limit=money(row.credit_limit_minor),
        last_payment_date=row.last_payment_date,
        last_payment_amount=money(row.last_payment_minor),
        attributes=_attributes(row.attributes),
    )
    return AccountRecord(account, row.case_id, row.created_at, row.updated_at)


def _debtor(row: Row[Any], points: Sequence[ContactPoint] = ()) -> Debtor:
    return Debtor(
        debtor_id=row.debtor_id,
        name=row.name,
        country=row.country,
        timezone=row.timezone,
        debtor_type=DebtorType(row.debtor_type),
        region=row.region,
        language=row.language,
        national_id=row.national_id,
        contact_points=tuple(points),
    )


def _hold(row: Row[Any]) -> Hold:
    return Hold(HoldKind(row.kind), row.starts_at, row.ends_at, row.reason or "")


def _payment(row: Row[Any]) -> Payment:
    return Payment(
        payment_id=row.payment_id,
        account_id=row.account_id,
        amount=Money.from_minor(int(row.amount_minor), row.currency),
        paid_at=row.paid_at,
        method=PaymentMethod(row.method),
        reference=row.reference,
    )


def _contact_attempt(row: Row[Any]) -> ContactAttempt:
    return ContactAttempt(
        contact_id=row.contact_id,
        debtor_id=row.debtor_id,
        channel=Channel(row.channel),
        at=row.at,
        outcome=Outcome(row.outcome),
        direction=Direction(row.direction),
        account_id=row.account_id,
        plan_id=row.plan_id,
    )


def _page(
    conn: Connection,
    table: FromClause,
    where: Sequence[ColumnElement[bool]],
    order_by: Sequence[ColumnElement[Any]],
    limit: int,
    offset: int,
    make: Callable[[Row[Any]], T],
) -> Slice[T]:
    total = conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()
    rows = conn.execute(select(table).where(*where).order_by(*order_by).limit(limit).offset(offset))
    return Slice(tuple(make(row) for row in rows), int(total))


def _exists(conn: Connection, table: FromClause, tenant_id: int, **key: str) -> bool:
    where = [table.c.tenant_id == tenant_id, *(table.c[k] == v for k, v in key.items())]
    return conn.execute(select(exists().where(*where))).scalar_one() is True


# ---------------------------------------------------------------------------- cases


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
        conditions.append(_case_in_bucket(where.bucket, as_of))
    if where.min_balance is not None:
        balance = (
            select(func.sum(_balance_minor(accounts)))
            .where(
                accounts.c.tenant_id == cases.c.tenant_id,
                accounts.c.case_id == cases.c.case_id,
                accounts.c.currency == where.min_balance.currency,
            )
            .scalar_subquery()
        )
        conditions.append(balance >= where.min_balance.to_minor())
    page = _page(conn, cases, conditions, [cases.c.case_id], limit, offset, lambda r: r)
    return Slice(_cases(conn, tenant_id, page.items), page.total)


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
        r.debtor_id: _debtor(r)
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
        by_case[r.case_id].append(_account(r))
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


# ---------------------------------------------------------------------------- accounts


def list_accounts(
    conn: Connection,
    tenant_id: int,
    where: AccountFilter,
    as_of: date,
    limit: int,
    offset: int,
) -> Slice[AccountRecord]:
    conditions: list[ColumnElement[bool]] = [accounts.c.tenant_id == tenant_id]
    if where.product is not None:
        conditions.append(accounts.c.product == where.product.value)
    if where.currency is not None:
        conditions.append(accounts.c.currency == where.currency)
    if where.debtor_id is not None:
        conditions.append(accounts.c.debtor_id == where.debtor_id)
    if where.case_id is not None:
        conditions.append(accounts.c.case_id == where.case_id)
    if where.bucket is not None:
        conditions.append(_account_in_bucket(where.bucket, as_of))
    return _page(conn, accounts, conditions, [accounts.c.account_id], limit, offset, _account)


def list_debtor_accounts(
    conn: Connection,
    tenant_id: int,
    debtor_id: str,
    where: AccountFilter,
    as_of: date,
    limit: int,
    offset: int,
) -> Slice[AccountRecord]:
    """Like ``list_accounts``, but a debtor unknown to the tenant is NotFound, not empty."""
    if not _exists(conn, debtors, tenant_id, debtor_id=debtor_id):
        raise NotFound(f"no debtor {debtor_id!r}")
    scoped = AccountFilter(where.product, where.currency, where.bucket, debtor_id, where.case_id)
    return list_accounts(conn, tenant_id, scoped, as_of, limit, offset)


def get_account(conn: Connection, tenant_id: int, account_id: str) -> AccountRecord:
    row = conn.execute(
        select(accounts).where(
            accounts.c.tenant_id == tenant_id, accounts.c.account_id == account_id
        )
    ).first()
    if row is None:
        raise NotFound(f"no account {account_id!r}")
    return _account(row)


def list_payments(
    conn: Connection, tenant_id: int, account_id: str, limit: int, offset: int
) -> Slice[Payment]:
    """An account's payments, oldest first."""
    if not _exists(conn, accounts, tenant_id, account_id=account_id):
        raise NotFound(f"no account {account_id!r}")
    return _page(
        conn,
        payments,
        [payments.c.tenant_id == tenant_id, payments.c.account_id == account_id],
        [payments.c.paid_at, payments.c.payment_id],
        limit,
        offset,
        _payment,
    )


# ---------------------------------------------------------------------------- debtors


def _like_prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def list_debtors(
    conn: Connection, tenant_id: int, where: DebtorFilter, limit: int, offset: int
) -> Slice[DebtorRecord]:
    """A page of debtors, without contact points (``get_debtor`` has them)."""
    conditions: list[ColumnElement[bool]] = [debtors.c.tenant_id == tenant_id]
    if where.country is not None:
        conditions.append(debtors.c.country == where.country)
    if where.debtor_type is not None:
        conditions.append(debtors.c.debtor_type == where.debtor_type.value)
    if where.name_prefix:
        # Case-insensitive; SQLite folds ASCII letters only.
        conditions.append(debtors.c.name.ilike(_like_prefix(where.name_prefix), escape="\\"))
    return _page(
        conn,
        debtors,
        conditions,
        [debtors.c.debtor_id],
        limit,
        offset,
        lambda r: DebtorRecord(_debtor(r), r.created_at, r.updated_at),
    )


def get_debtor(conn: Connection, tenant_id: int, debtor_id: str) -> DebtorRecord:
    """A debtor with all their contact points."""
    row = conn.execute(
        select(debtors).where(debtors.c.tenant_id == tenant_id, debtors.c.debtor_id == debtor_id)
    ).first()
    if row is None:
        raise NotFound(f"no debtor {debtor_id!r}")
    points = [
        ContactPoint(
            kind=ContactKind(p.kind),
            value=p.value,
            source=p.source,
            consent=Consent(p.consent),
            verification=Verification(p.verification),
        )
        for p in conn.execute(
            select(contact_points)
            .where(
                contact_points.c.tenant_id == tenant_id,
                contact_points.c.debtor_id == debtor_id,
            )
            .order_by(contact_points.c.kind, contact_points.c.created_at, contact_points.c.value)
        )
    ]
    return DebtorRecord(_debtor(row, points), row.created_at, row.updated_at)


def list_contact_attempts(
    conn: Connection, tenant_id: int, debtor_id: str, limit: int, offset: int
) -> Slice[ContactAttempt]:
    """A debtor's contact history, oldest first."""
    if not _exists(conn, debtors, tenant_id, debtor_id=debtor_id):
        raise NotFound(f"no debtor {debtor_id!r}")
    return _page(
        conn,
        contact_attempts,
        [contact_attempts.c.tenant_id == tenant_id, contact_attempts.c.debtor_id == debtor_id],
        [contact_attempts.c.at, contact_attempts.c.contact_id],
        limit,
        offset,
        _contact_attempt,
    )
