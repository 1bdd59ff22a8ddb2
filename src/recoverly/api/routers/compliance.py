"""``/compliance``: ask the rule engine, before any contact a person or a client makes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Body, Path, Query

from recoverly.api.deps import Caller, Conn, Now
from recoverly.api.schemas.common import error_responses
from recoverly.api.schemas.compliance import CaseCheckOut, DecisionOut, DecisionsOut
from recoverly.compliance.case_check import check_case
from recoverly.compliance.check import ProposedContact, check
from recoverly.domain.errors import InvalidInput
from recoverly.domain.events import Channel
from recoverly.domain.parties import Place

router = APIRouter(tags=["compliance"], responses=error_responses(401, 422))


@router.post(
    "/compliance/check",
    summary="Check proposed contacts",
    description=(
        "The `recoverly compliance check` contract over HTTP: each proposed contact, with "
        "its own history and flags, is allowed or blocked with every rule it breaks and, "
        "when blocked, `next_allowed_at`, the earliest UTC minute it would pass (null when "
        "nothing would while the facts stay as they are). Answers in the input's order."
    ),
)
def check_contacts(
    _caller: Caller,
    contacts: Annotated[list[ProposedContact], Body(max_length=10_000)],
) -> DecisionsOut:
    return DecisionsOut([DecisionOut.of(d) for d in check(contacts)])


@router.get(
    "/cases/{case_id}/contact-check",
    summary="May I contact this case now?",
    description=(
        "Judges a contact with the case on `channel` at `at` (default: now) against the "
        "debtor's jurisdiction, local time and holidays, the case's holds and the debtor's "
        "recorded contacts; when blocked, says from when it would be allowed. The agent "
        "desktop asks this before every call."
    ),
    responses=error_responses(404),
)
def contact_check(
    caller: Caller,
    conn: Conn,
    now: Now,
    case_id: Annotated[str, Path(max_length=80, examples=["C-D0000001"])],
    channel: Channel = Channel.CALL,
    at: Annotated[
        datetime | None, Query(description="An instant with its offset (default: now).")
    ] = None,
    place: Annotated[
        Place, Query(description="Where the debtor is reached: at home, or at work.")
    ] = Place.HOME,
) -> CaseCheckOut:
    when = at or now
    if when.tzinfo is None:
        raise InvalidInput("at: give the instant with its offset, e.g. 2026-03-09T14:00:00Z")
    return CaseCheckOut.of(
        check_case(conn, caller.tenant_id, case_id, channel, when.astimezone(UTC), place)
    )
