"""The agent desk: a person places a call, only when the rules allow it.

Every call a person starts passes the same engine as the daily run and the dispatcher, at
the moment it is started. A call the rules refuse never gets a number: the refusal (with
when the call would be allowed) is the answer, and the number stays masked. An allowed
call is recorded at once as placed (``no_answer`` until its outcome is recorded under the
same ``contact_id``), and the number read in clear is audited as a read of personal data.

The API's ``POST /cases/{id}/calls`` and the demo's simulated agents both come here, so a
call placed by either leaves the same rows and the same evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import uuid4

import polars as pl
from sqlalchemy import Connection

from recoverly.arrangements import service as arrangements
from recoverly.compliance.case_check import CaseCheck, check_case
from recoverly.compliance.privacy.reads import record_reads
from recoverly.domain.errors import InvalidInput
from recoverly.domain.events import Channel, Direction, Outcome
from recoverly.domain.roles import PersonalField
from recoverly.store.repositories import cases, debtors, outbox
from recoverly.store.repositories.tenancy import Principal

CALL_PURPOSE = "call"  # why the number is read in clear, for the personal-data audit


@dataclass(frozen=True, slots=True)
class PlacedCall:
    """A call the rules allowed: its id (record the outcome under it) and the number."""

    contact_id: str
    case_id: str
    debtor_id: str
    number: str
    placed_at: datetime


def place_call(
    conn: Connection,
    caller: Principal,
    case_id: str,
    now: datetime,
    via: str,
    contact_id: str | None = None,
) -> PlacedCall | CaseCheck:
    """Place a call on ``case_id`` for ``caller``, in the caller's transaction.

    The case is locked first (one call at a time per case), then judged by the rules at
    ``now``. The caller commits what this writes before dialling (or rolls back on a
    refusal, which writes nothing).

    Args:
        caller: the person at the desk (``user`` is kept on the call as its agent,
            ``subject`` and ``role`` on the read of the number).
        via: how the call was placed, for the read's audit row (an API route, ``demo desk``).
        contact_id: the caller's id for the call; default a new one.

    Returns:
        The placed call, or the rules' refusal (``CaseCheck`` with ``allowed`` false).

    Raises:
        InvalidInput: the case is closed, or the debtor has no usable phone number.
        NotFound: no such case in the caller's tenant.
    """
    cases.lock_case(conn, caller.tenant_id, case_id)
    found = check_case(conn, caller.tenant_id, case_id, Channel.CALL, now)
    if not found.allowed:
        return found
    record = cases.get_case(conn, caller.tenant_id, case_id)
    if record.case.closed_at is not None:
        raise InvalidInput(f"case {case_id} is closed")  # a closed case is owed nothing
    debtor_id = record.debtor.debtor_id
    debtor = debtors.get_debtor(conn, caller.tenant_id, debtor_id).debtor  # with its points
    number = outbox.usable_point(conn, caller.tenant_id, debtor_id, Channel.CALL.value)
    if number is None:
        raise InvalidInput(f"case {case_id}: the debtor has no usable phone number")
    contact_id = contact_id or f"call-{uuid4().hex}"
    placed = pl.DataFrame(
        {
            "contact_id": [contact_id],
            "debtor_id": [debtor_id],
            "account_id": [None],
            "plan_id": [None],
            "channel": [Channel.CALL.value],
            "direction": [Direction.OUTBOUND.value],
            "at": [now.astimezone(UTC)],
            "outcome": [Outcome.NO_ANSWER.value],
            "agent": [caller.user],
        },
        schema={
            "contact_id": pl.String,
            "debtor_id": pl.String,
            "account_id": pl.String,
            "plan_id": pl.String,
            "channel": pl.String,
            "direction": pl.String,
            "at": pl.Datetime("us", "UTC"),
            "outcome": pl.String,
            "agent": pl.String,
        },
    )
    arrangements.record_contacts(conn, caller.tenant_id, placed, now)
    record_reads(
        conn,
        caller.tenant_id,
        caller.subject,
        caller.role,
        [debtor],
        [PersonalField.PHONE],
        CALL_PURPOSE,
        via,
        now,
    )
    return PlacedCall(contact_id, case_id, debtor_id, number, now)
