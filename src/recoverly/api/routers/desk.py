"""The agent desktop: place a call or send a message, only when the rules allow it.

Every contact a person starts passes the same engine as the daily run and the
dispatcher, at the moment it is started. A call that the rules refuse never gets a
number: the desktop shows the refusal and when the call would be allowed, and the
debtor's number stays masked. A message is judged when it is asked for and again by the
dispatcher when it is sent (a dispute may arrive in between).
"""

from __future__ import annotations

from datetime import UTC
from functools import cache
from typing import Annotated, Any, Literal
from uuid import uuid4

from fastapi import APIRouter, Body, Depends, Path, Request
from fastapi.responses import JSONResponse

from recoverly.api.audit import disclose
from recoverly.api.deps import Conn, Now, require_roles
from recoverly.api.schemas.common import error_responses
from recoverly.api.schemas.compliance import CaseCheckOut
from recoverly.api.schemas.desk import CallIn, CallOut, MessageIn, MessageOut, RecordingOut
from recoverly.arrangements import service as arrangements
from recoverly.channels.templates.catalog import Catalog
from recoverly.channels.templates.loader import load_catalog
from recoverly.compliance.case_check import CaseCheck, check_case
from recoverly.config import get_settings
from recoverly.domain.errors import InvalidInput
from recoverly.domain.events import Channel, Direction, Outcome
from recoverly.domain.roles import PersonalField, Role
from recoverly.ingest.service import record
from recoverly.store.blobs import blob_store, sha256_hex
from recoverly.store.repositories import cases, debtors, outbox, plans
from recoverly.store.repositories.tenancy import Principal

router = APIRouter(prefix="/cases", tags=["desk"], responses=error_responses(401, 403, 404, 422))
DESK = Depends(require_roles(Role.ADMIN, Role.SUPERVISOR, Role.AGENT))
CaseId = Annotated[str, Path(max_length=80, examples=["C-D0000001"])]
REFUSED: dict[int | str, dict[str, Any]] = {
    409: {
        "model": CaseCheckOut,
        "description": "The rules refuse the contact now: every rule it breaks, and "
        "`next_allowed_at`, the earliest minute it would be allowed (null: not while the "
        "facts stay as they are).",
    }
}
MANUAL_PREFIX = "M-"  # plan ids of agents' messages; the daily run's start "P-"
CALL_PURPOSE = "call"  # why the number is read in clear, for the personal-data audit


def _open(record: cases.CaseRecord) -> None:
    """A closed case is owed nothing: nobody calls or writes about it."""
    if record.case.closed_at is not None:
        raise InvalidInput(f"case {record.case.case_id} is closed")


def _refused(found: CaseCheck) -> JSONResponse:
    return JSONResponse(CaseCheckOut.of(found).model_dump(mode="json"), status_code=409)


@router.post(
    "/{case_id}/calls",
    status_code=201,
    response_model=CallOut,
    summary="Place a call",
    description=(
        "Asks the rules whether the debtor may be called now; if so, records the call "
        "(as placed, not answered, until the outcome is recorded under its `contact_id` "
        "at `POST /contacts`) and gives the number to dial. Refused calls answer 409 "
        "with the rules and when the call would be allowed, and no number."
    ),
    responses=REFUSED,
)
def place_call(
    conn: Conn,
    request: Request,
    now: Now,
    case_id: CaseId,
    body: Annotated[CallIn | None, Body()] = None,
    caller: Principal = DESK,
) -> CallOut | JSONResponse:
    cases.lock_case(conn, caller.tenant_id, case_id)  # one call at a time per case
    found = check_case(conn, caller.tenant_id, case_id, Channel.CALL, now)
    if not found.allowed:
        conn.rollback()
        return _refused(found)
    found_case = cases.get_case(conn, caller.tenant_id, case_id)
    _open(found_case)
    debtor_id = found_case.debtor.debtor_id
    debtor = debtors.get_debtor(conn, caller.tenant_id, debtor_id).debtor  # with its points
    number = outbox.usable_point(conn, caller.tenant_id, debtor_id, Channel.CALL.value)
    if number is None:
        raise InvalidInput(f"case {case_id}: the debtor has no usable phone number")
    contact_id = (body.contact_id if body else None) or f"call-{uuid4().hex}"
    record(
        conn,
        caller.tenant_id,
        "contacts",
        {
            "contact_id": contact_id,
            "debtor_id": debtor.debtor_id,
            "channel": Channel.CALL.value,
            "direction": Direction.OUTBOUND.value,
            "at": now.isoformat(),
            "outcome": Outcome.NO_ANSWER.value,
            "agent": caller.user,
        },
        now,
    )
    disclose(conn, caller, request, CALL_PURPOSE, [debtor], [PersonalField.PHONE])  # commits
    return CallOut(
        contact_id=contact_id,
        case_id=case_id,
        debtor_id=debtor.debtor_id,
        number=number,
        placed_at=now,
    )


RECORDING_LIMIT = 256 * 1024 * 1024  # a long call in a lossless format; more is a mistake
ContactId = Annotated[str, Path(max_length=64, examples=["call-7f3a"])]


@router.put(
    "/{case_id}/calls/{contact_id}/recording",
    status_code=201,
    response_model=RecordingOut,
    summary="Attach a call's recording",
    description=(
        "Stores the recording (the request body, any audio type) in the blob store under "
        "its SHA-256 and names it on the call; the call goes to the evidence log again "
        "with that hash, so a recording swapped later fails `recoverly evidence audit` "
        "and `verify --attachment`. The same recording twice changes nothing."
    ),
)
def attach_recording(
    conn: Conn,
    now: Now,
    case_id: CaseId,
    contact_id: ContactId,
    audio: Annotated[bytes, Body(media_type="audio/*", description="The recording's bytes.")],
    caller: Principal = DESK,
) -> RecordingOut:
    if not audio:
        raise InvalidInput("the request body is empty: send the recording's bytes")
    if len(audio) > RECORDING_LIMIT:
        raise InvalidInput(f"a recording may be at most {RECORDING_LIMIT} bytes; got {len(audio)}")
    found = cases.get_case(conn, caller.tenant_id, case_id)  # NotFound across tenants
    sha256 = sha256_hex(audio)
    arrangements.attach_recording(
        conn, caller.tenant_id, found.debtor.debtor_id, contact_id, sha256, now
    )
    # Stored before the commit: a crash between the two leaves an unreferenced blob
    # (harmless, content-addressed), never a reference to a missing one.
    blob_store(get_settings()).put(audio, "audio/*")
    conn.commit()
    return RecordingOut(
        contact_id=contact_id, case_id=case_id, recording_sha256=sha256, bytes=len(audio)
    )


@router.post(
    "/{case_id}/messages",
    status_code=202,
    response_model=MessageOut,
    summary="Send a message",
    description=(
        "Queues a message from a template for the dispatcher, if the rules allow it at "
        "`send_at` (default: now); the dispatcher checks again when it sends. Refused "
        "messages answer 409 with the rules and when the message would be allowed; ask "
        "again with that `send_at` to schedule it then. The same `message_id` never "
        "queues a second message."
    ),
    responses=REFUSED,
)
def send_message(
    conn: Conn,
    now: Now,
    case_id: CaseId,
    body: MessageIn,
    caller: Principal = DESK,
) -> MessageOut | JSONResponse:
    channel = Channel(body.channel)
    template = _catalog().template(body.template)  # NotFound names it
    if channel not in template.channels:
        raise InvalidInput(f"template {body.template!r} has no {channel.value} version")
    send_at = (body.send_at or now).astimezone(UTC)
    plan_id = f"{MANUAL_PREFIX}{body.message_id}"
    cases.lock_case(conn, caller.tenant_id, case_id)
    earlier = plans.find_manual_message(conn, caller.tenant_id, plan_id)
    if earlier is not None:
        conn.rollback()
        if earlier.case_id != case_id:
            raise InvalidInput(f"message_id {body.message_id!r} was used for another case")
        return _queued(earlier, "already_queued")
    found = check_case(conn, caller.tenant_id, case_id, channel, send_at)
    if not found.allowed:
        conn.rollback()
        return _refused(found)
    record_ = cases.get_case(conn, caller.tenant_id, case_id)
    _open(record_)
    debtor = record_.debtor
    if outbox.usable_point(conn, caller.tenant_id, debtor.debtor_id, channel.value) is None:
        raise InvalidInput(f"case {case_id}: the debtor has no usable point for {channel.value}")
    owing = [a.account for a in record_.accounts if not a.account.balance.total.is_zero()]
    if not owing:
        raise InvalidInput(f"case {case_id}: nothing is owed on it")
    # The message speaks of the most past-due debt, the largest among equals.
    lead = max(owing, key=lambda a: (a.past_due_days(send_at.date()), a.balance.total.to_minor()))
    message = plans.ManualMessage(
        plan_id=plan_id,
        case_id=case_id,
        debtor_id=debtor.debtor_id,
        account_id=lead.account_id,
        channel=channel.value,
        template=body.template,
        scheduled_at=send_at,
        jurisdiction=debtor.jurisdiction,
        debtor_timezone=debtor.timezone,
        language=debtor.language,
        currency=lead.currency,
        balance_minor=lead.balance.total.to_minor(),
    )
    plans.add_manual_message(conn, caller.tenant_id, message, caller.subject, now)
    conn.commit()
    return _queued(message, "queued")


def _queued(
    message: plans.ManualMessage, status: Literal["queued", "already_queued"]
) -> MessageOut:
    return MessageOut(
        plan_id=message.plan_id,
        case_id=message.case_id,
        channel=message.channel,
        template=message.template,
        send_at=message.scheduled_at,
        status=status,
    )


@cache
def _catalog() -> Catalog:
    """The shipped templates, compiled once per process (they change with a release)."""
    return load_catalog()
