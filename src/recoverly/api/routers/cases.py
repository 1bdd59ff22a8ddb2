"""``/cases``: the debtor-level units of collections work."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from recoverly.api.audit import DEFAULT_PURPOSE, Purpose, disclose
from recoverly.api.deps import AsOf, Caller, Conn, Now, PageParams
from recoverly.api.schemas.cases import CaseDetailOut, CaseOut, CasePage
from recoverly.api.schemas.common import error_responses
from recoverly.domain.accounts import DelinquencyBucket
from recoverly.domain.cases import Stage
from recoverly.domain.errors import InvalidInput, InvalidMoney, UnknownCurrency
from recoverly.domain.money import Money
from recoverly.domain.roles import PersonalField
from recoverly.store.repositories import cases

router = APIRouter(prefix="/cases", tags=["cases"], responses=error_responses(401, 422))


@router.get(
    "",
    summary="List cases",
    description=(
        "Cases of the caller's tenant, ordered by id. `bucket` filters on the delinquency "
        "bucket of each case's most past-due account on `as_of`; `min_balance` keeps cases "
        "whose balance in `currency` (summed over their accounts in it) is at least that."
    ),
)
def list_cases(
    caller: Caller,
    conn: Conn,
    request: Request,
    paging: PageParams,
    as_of: AsOf,
    now: Now,
    stage: Stage | None = None,
    debtor_id: Annotated[str | None, Query(max_length=64)] = None,
    country: Annotated[
        str | None, Query(pattern="^[A-Za-z]{2}$", description="Debtor's ISO 3166-1 alpha-2.")
    ] = None,
    bucket: DelinquencyBucket | None = None,
    min_balance: Annotated[
        str | None,
        Query(
            pattern=r"^\d+(\.\d+)?$",
            description="Decimal amount; needs `currency`.",
            examples=["500.00"],
        ),
    ] = None,
    currency: Annotated[
        str | None, Query(pattern="^[A-Za-z]{3}$", description="ISO 4217, for `min_balance`.")
    ] = None,
    purpose: Purpose = DEFAULT_PURPOSE,
) -> CasePage:
    where = cases.CaseFilter(
        stage=stage,
        debtor_id=debtor_id,
        country=country.upper() if country else None,
        bucket=bucket,
        min_balance=_threshold(min_balance, currency),
    )
    found = cases.list_cases(conn, caller.tenant_id, where, as_of, paging.limit, paging.offset)
    disclose(conn, caller, request, purpose, [r.debtor for r in found.items], [PersonalField.NAME])
    return CasePage(
        items=[CaseOut.of(r, as_of, now, caller.role) for r in found.items],
        total=found.total,
        limit=paging.limit,
        offset=paging.offset,
    )


def _threshold(amount: str | None, currency: str | None) -> Money | None:
    if amount is None:
        return None
    if currency is None:
        raise InvalidInput("min_balance needs currency, e.g. min_balance=500&currency=USD")
    try:
        return Money.parse(amount, currency.upper())
    except UnknownCurrency as exc:
        raise InvalidInput(f"currency: {exc.message}") from None
    except InvalidMoney as exc:
        raise InvalidInput(f"min_balance: {exc.message}") from None


@router.get(
    "/{case_id}",
    summary="Read a case",
    description="A case with its debtor, every account (computed for `as_of`) and its holds.",
    responses=error_responses(404),
)
def get_case(
    caller: Caller,
    conn: Conn,
    request: Request,
    as_of: AsOf,
    now: Now,
    case_id: Annotated[str, Path(max_length=80, examples=["C-D-77"])],
    purpose: Purpose = DEFAULT_PURPOSE,
) -> CaseDetailOut:
    record = cases.get_case(conn, caller.tenant_id, case_id)
    disclose(conn, caller, request, purpose, [record.debtor], [PersonalField.NAME])
    return CaseDetailOut.of(record, as_of, now, caller.role)
