"""Reading accounts and their payments, one tenant at a time.

Every query puts the caller's ``tenant_id`` in its WHERE clause, so another tenant's account
is indistinguishable from a missing one: the reader gets ``NotFound`` either way, with the
same message. Listings are ordered by id (payments by time, then id) so that pages are stable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, select

from recoverly.domain.accounts import Account, Balance, DelinquencyBucket, Product
from recoverly.domain.errors import NotFound
from recoverly.domain.events import Payment, PaymentMethod
from recoverly.domain.money import Money
from recoverly.store.repositories.delinquency import account_in_bucket
from recoverly.store.repositories.paging import Slice, page, row_exists
from recoverly.store.tables import accounts, debtors, payments


@dataclass(frozen=True, slots=True)
class AccountRecord:
    """An account as the domain sees it, plus what only the store knows about it."""

    account: Account
    case_id: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class AccountFilter:
    product: Product | None = None
    currency: str | None = None
    bucket: DelinquencyBucket | None = None
    debtor_id: str | None = None
    case_id: str | None = None


def _attributes(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        return {}
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in raw.items()}


def account_record_from_row(row: Row[Any]) -> AccountRecord:
    """An ``accounts`` row as the domain's ``Account`` and its store-only fields."""
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


def _payment(row: Row[Any]) -> Payment:
    return Payment(
        payment_id=row.payment_id,
        account_id=row.account_id,
        amount=Money.from_minor(int(row.amount_minor), row.currency),
        paid_at=row.paid_at,
        method=PaymentMethod(row.method),
        reference=row.reference,
    )


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
        conditions.append(account_in_bucket(where.bucket, as_of))
    return page(
        conn, accounts, conditions, [accounts.c.account_id], limit, offset, account_record_from_row
    )


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
    if not row_exists(conn, debtors, tenant_id, debtor_id=debtor_id):
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
    return account_record_from_row(row)


def list_payments(
    conn: Connection, tenant_id: int, account_id: str, limit: int, offset: int
) -> Slice[Payment]:
    """An account's payments, oldest first."""
    if not row_exists(conn, accounts, tenant_id, account_id=account_id):
        raise NotFound(f"no account {account_id!r}")
    return page(
        conn,
        payments,
        [payments.c.tenant_id == tenant_id, payments.c.account_id == account_id],
        [payments.c.paid_at, payments.c.payment_id],
        limit,
        offset,
        _payment,
    )
