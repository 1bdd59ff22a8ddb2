"""``/accounts``: balances, delinquency for an as-of date, and payments."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from recoverly.api.deps import AsOf, Caller, Conn, PageParams, Paging
from recoverly.api.schemas.accounts import (
    AccountDetailOut,
    AccountOut,
    AccountPage,
    PaymentOut,
    PaymentPage,
)
from recoverly.api.schemas.common import error_responses
from recoverly.domain.accounts import DelinquencyBucket, Product
from recoverly.store.repositories import accounts
from recoverly.store.repositories.paging import Slice

router = APIRouter(prefix="/accounts", tags=["accounts"], responses=error_responses(401, 422))

AccountId = Annotated[str, Path(max_length=64, examples=["A-1001"])]


def account_filter(
    product: Product | None = None,
    currency: Annotated[str | None, Query(pattern="^[A-Za-z]{3}$", description="ISO 4217.")] = None,
    bucket: Annotated[
        DelinquencyBucket | None, Query(description="Delinquency bucket on `as_of`.")
    ] = None,
    case_id: Annotated[str | None, Query(max_length=80)] = None,
) -> accounts.AccountFilter:
    """The filters ``/accounts`` and ``/debtors/{id}/accounts`` share."""
    return accounts.AccountFilter(
        product=product,
        currency=currency.upper() if currency else None,
        bucket=bucket,
        case_id=case_id,
    )


AccountFilters = Annotated[accounts.AccountFilter, Depends(account_filter)]


def account_page(found: Slice[accounts.AccountRecord], as_of: date, paging: Paging) -> AccountPage:
    return AccountPage(
        items=[AccountOut.of(r, as_of) for r in found.items],
        total=found.total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.get(
    "",
    summary="List accounts",
    description="Accounts of the caller's tenant, ordered by id, computed for `as_of`.",
)
def list_accounts(
    caller: Caller,
    conn: Conn,
    paging: PageParams,
    as_of: AsOf,
    where: AccountFilters,
    debtor_id: Annotated[str | None, Query(max_length=64)] = None,
) -> AccountPage:
    scoped = accounts.AccountFilter(
        where.product, where.currency, where.bucket, debtor_id, where.case_id
    )
    found = accounts.list_accounts(
        conn, caller.tenant_id, scoped, as_of, paging.limit, paging.offset
    )
    return account_page(found, as_of, paging)


@router.get(
    "/{account_id}",
    summary="Read an account",
    description=(
        "Balance components and total, past-due days and bucket computed for `as_of` "
        "(never stored), history figures and extra attributes."
    ),
    responses=error_responses(404),
)
def get_account(caller: Caller, conn: Conn, as_of: AsOf, account_id: AccountId) -> AccountDetailOut:
    return AccountDetailOut.of(accounts.get_account(conn, caller.tenant_id, account_id), as_of)


@router.get(
    "/{account_id}/payments",
    summary="List an account's payments",
    description="Payments received on the account, oldest first.",
    responses=error_responses(404),
)
def list_payments(
    caller: Caller, conn: Conn, paging: PageParams, account_id: AccountId
) -> PaymentPage:
    found = accounts.list_payments(conn, caller.tenant_id, account_id, paging.limit, paging.offset)
    return PaymentPage(
        items=[PaymentOut.of(p) for p in found.items],
        total=found.total,
        limit=paging.limit,
        offset=paging.offset,
    )
