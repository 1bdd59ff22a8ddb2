"""Reports: the KPIs a collections manager runs the operation by."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from recoverly.analytics.kpis import Period, report
from recoverly.api.deps import AsOf, Caller, Conn
from recoverly.api.schemas.common import error_responses
from recoverly.api.schemas.reports import KpiReportOut
from recoverly.domain.errors import InvalidInput

router = APIRouter(prefix="/reports", tags=["reports"])


@router.get(
    "/kpis",
    summary="Collection KPIs",
    description=(
        "Right-party-contact, promise and promise-kept rates, roll and cure rates, "
        "recoveries and liquidation per currency, cost to collect and complaints per "
        "1,000 contacts, for the period ending on `as_of` (default: its last 30 days), "
        "per strategy branch and in total; complaint rates per message template and per "
        "agent. Definitions: docs/kpis.md."
    ),
    responses=error_responses(401, 422),
    response_model_by_alias=True,
)
def kpis(
    conn: Conn,
    caller: Caller,
    as_of: AsOf,
    start: Annotated[
        date | None,
        Query(alias="from", description="First day of the period (default: as_of − 29 days)."),
    ] = None,
) -> KpiReportOut:
    first = start or as_of - timedelta(days=29)
    if first > as_of:
        raise InvalidInput(f"from ({first}) must not be after as_of ({as_of})")
    return KpiReportOut.model_validate(report(conn, caller.tenant_id, Period(first, as_of)))
