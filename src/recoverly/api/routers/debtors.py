"""``/debtors``: the people and companies who owe, how to reach them, and their history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from recoverly.api.audit import DEFAULT_PURPOSE, Purpose, disclose
from recoverly.api.deps import AsOf, Caller, Conn, PageParams
from recoverly.api.routers.accounts import AccountFilters, account_page
from recoverly.api.schemas.accounts import AccountPage
from recoverly.api.schemas.common import error_responses
from recoverly.api.schemas.debtors import (
    ContactAttemptOut,
    ContactAttemptPage,
    DebtorDetailOut,
    DebtorOut,
    DebtorPage,
)
from recoverly.domain.errors import NotPermitted
from recoverly.domain.parties import DebtorType
from recoverly.domain.roles import PersonalField, sees_in_clear
from recoverly.store.repositories import accounts, debtors

router = APIRouter(prefix="/debtors", tags=["debtors"], responses=error_responses(401, 422))

DebtorId = Annotated[str, Path(max_length=64, examples=["D-77"])]


@router.get(
    "",
    summary="List debtors",
    description=(
        "Debtors of the caller's tenant, ordered by id, without contact points. "
        "`national_id` is masked unless the caller's role may see it."
    ),
)
def list_debtors(
    caller: Caller,
    conn: Conn,
    request: Request,
    paging: PageParams,
    country: Annotated[
        str | None, Query(pattern="^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2.")
    ] = None,
    debtor_type: DebtorType | None = None,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=64,
            description="Name prefix, case-insensitive (ASCII letters on SQLite); "
            "refused (403) for roles that see names masked.",
        ),
    ] = None,
    purpose: Purpose = DEFAULT_PURPOSE,
) -> DebtorPage:
    if q is not None and not sees_in_clear(caller.role, PersonalField.NAME):
        # A prefix search would reveal the masked names one letter at a time.
        raise NotPermitted(f"the {caller.role.value} role may not search debtors by name")
    where = debtors.DebtorFilter(
        country=country.upper() if country else None, debtor_type=debtor_type, name_prefix=q
    )
    found = debtors.list_debtors(conn, caller.tenant_id, where, paging.limit, paging.offset)
    disclose(conn, caller, request, purpose, [r.debtor for r in found.items], [PersonalField.NAME])
    return DebtorPage(
        items=[DebtorOut.of(r.debtor, caller.role) for r in found.items],
        total=found.total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.get(
    "/{debtor_id}",
    summary="Read a debtor",
    description="A debtor with every contact point, personal data masked per the caller's role.",
    responses=error_responses(404),
)
def get_debtor(
    caller: Caller,
    conn: Conn,
    request: Request,
    debtor_id: DebtorId,
    purpose: Purpose = DEFAULT_PURPOSE,
) -> DebtorDetailOut:
    record = debtors.get_debtor(conn, caller.tenant_id, debtor_id)
    disclose(conn, caller, request, purpose, [record.debtor], list(PersonalField))
    return DebtorDetailOut.of_record(record, caller.role)


@router.get(
    "/{debtor_id}/accounts",
    summary="List a debtor's accounts",
    description="The debtor's accounts, ordered by id, computed for `as_of`.",
    responses=error_responses(404),
)
def list_debtor_accounts(
    caller: Caller,
    conn: Conn,
    paging: PageParams,
    as_of: AsOf,
    where: AccountFilters,
    debtor_id: DebtorId,
) -> AccountPage:
    found = accounts.list_debtor_accounts(
        conn, caller.tenant_id, debtor_id, where, as_of, paging.limit, paging.offset
    )
    return account_page(found, as_of, paging)


@router.get(
    "/{debtor_id}/contacts",
    summary="List a debtor's contact attempts",
    description="Every call, message, letter or visit, inbound or outbound, oldest first.",
    responses=error_responses(404),
)
def list_contacts(
    caller: Caller, conn: Conn, paging: PageParams, debtor_id: DebtorId
) -> ContactAttemptPage:
    found = debtors.list_contact_attempts(
        conn, caller.tenant_id, debtor_id, paging.limit, paging.offset
    )
    return ContactAttemptPage(
        items=[ContactAttemptOut.of(c) for c in found.items],
        total=found.total,
        limit=paging.limit,
        offset=paging.offset,
    )
