"""``/cases``: the debtor-level units of collections work."""

from __future__ import annotations

from datetime import UTC
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from recoverly.api.audit import DEFAULT_PURPOSE, Purpose, disclose
from recoverly.api.deps import AsOf, Caller, Conn, Now, PageParams, require_roles
from recoverly.api.schemas.cases import (
    CaseDetailOut,
    CaseOut,
    CasePage,
    HoldIn,
    HoldOut,
    HoldReleaseIn,
)
from recoverly.api.schemas.common import error_responses
from recoverly.compliance import holds
from recoverly.domain.accounts import DelinquencyBucket
from recoverly.domain.cases import Hold, Stage
from recoverly.domain.errors import InvalidInput, InvalidMoney, UnknownCurrency
from recoverly.domain.money import Money
from recoverly.domain.roles import PersonalField, Role
from recoverly.store.repositories import cases
from recoverly.store.repositories.tenancy import Principal

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


# Anyone working a case may stop collection; lifting a stop is for those who answer for it.
PLACERS = Depends(require_roles(Role.ADMIN, Role.SUPERVISOR, Role.AGENT, Role.COMPLIANCE))
RELEASERS = Depends(require_roles(Role.ADMIN, Role.SUPERVISOR, Role.COMPLIANCE))


@router.post(
    "/{case_id}/holds",
    status_code=201,
    summary="Place a hold",
    description=(
        "Stops collection on the case from `starts_at` (default: now) until `ends_at` "
        "(default: until released): every path (the daily run, the dispatcher, the agent "
        "desktop) obeys it at once. An `opt_out` names the channel the debtor asked not "
        "to be used; `attorney` stops contacts with the debtor but not with their "
        "attorney; `no_work_contact` stops contacts at work; `time_barred` stops legal "
        "action only. What each kind stops is in docs/compliance.md."
    ),
    responses=error_responses(403, 404),
)
def place_hold(
    conn: Conn,
    now: Now,
    case_id: Annotated[str, Path(max_length=80, examples=["C-D0000001"])],
    body: HoldIn,
    caller: Principal = PLACERS,
) -> HoldOut:
    hold = Hold(
        kind=body.kind,
        starts_at=(body.starts_at or now).astimezone(UTC),
        ends_at=None if body.ends_at is None else body.ends_at.astimezone(UTC),
        reason=f"{body.reason} ({caller.subject})",
        channel=None if body.channel is None else body.channel.value,
    )
    placed = holds.place(conn, caller.tenant_id, case_id, hold, caller.subject, now)
    conn.commit()
    return HoldOut.of(placed, now)


@router.post(
    "/{case_id}/holds/{hold_id}/release",
    summary="Release a hold",
    description=(
        "Ends the hold now, keeping why it was placed and why it was lifted (for example, "
        "validation information was sent after a dispute)."
    ),
    responses=error_responses(403, 404),
)
def release_hold(
    conn: Conn,
    now: Now,
    case_id: Annotated[str, Path(max_length=80, examples=["C-D0000001"])],
    hold_id: Annotated[int, Path(ge=1, examples=[41])],
    body: HoldReleaseIn,
    caller: Principal = RELEASERS,
) -> HoldOut:
    reason = f"{body.reason} ({caller.subject})"
    released = holds.release(conn, caller.tenant_id, case_id, hold_id, reason, caller.subject, now)
    conn.commit()
    return HoldOut.of(released, now)
