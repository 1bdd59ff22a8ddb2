"""Recording what happened: contact outcomes, promises to pay, payments.

Each goes through the same checks and effects as an imported file's rows: a payment is
allocated and moves balances, a dispute or cease request opens a hold at once, a promise
is judged by the daily run. Ids are the caller's: sending the same payment twice records
it once.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends

from recoverly.api.deps import Conn, Now, require_roles
from recoverly.api.schemas.activity import ContactIn, PaymentIn, PromiseIn, RecordedOut
from recoverly.api.schemas.common import error_responses
from recoverly.domain.roles import Role
from recoverly.ingest.service import record
from recoverly.store.repositories.tenancy import Principal

router = APIRouter(tags=["activity"])
RECORDERS = Depends(require_roles(Role.ADMIN, Role.SUPERVISOR, Role.AGENT))


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value.value if hasattr(value, "value") else value)


@router.post(
    "/payments",
    status_code=201,
    summary="Record a payment",
    description="Allocated fees → interest → principal (configurable); a paid-off case closes.",
    responses=error_responses(401, 403, 422),
)
def record_payment(
    body: PaymentIn, conn: Conn, now: Now, caller: Principal = RECORDERS
) -> RecordedOut:
    record(conn, caller.tenant_id, "payments", _fields(body.model_dump()), now)
    conn.commit()
    return RecordedOut(kind="payment", id=body.payment_id)


@router.post(
    "/promises",
    status_code=201,
    summary="Record a promise to pay",
    description="Kept or broken is decided by the daily run once the date has passed.",
    responses=error_responses(401, 403, 422),
)
def record_promise(
    body: PromiseIn, conn: Conn, now: Now, caller: Principal = RECORDERS
) -> RecordedOut:
    fields = _fields(body.model_dump())
    fields["made_at"] = fields["made_at"] or now.isoformat()
    record(conn, caller.tenant_id, "promises", fields, now)
    conn.commit()
    return RecordedOut(kind="promise", id=body.promise_id)


@router.post(
    "/contacts",
    status_code=201,
    summary="Record a contact and its outcome",
    description=(
        "A `dispute` or `cease_request` outcome stops collection at once (a hold on the "
        "debtor's open cases). Sending the same contact id again corrects its outcome. "
        "A contact recorded with a person's token (`recoverly token create --user`) "
        "records that person as its agent."
    ),
    responses=error_responses(401, 403, 422),
)
def record_contact(
    body: ContactIn, conn: Conn, now: Now, caller: Principal = RECORDERS
) -> RecordedOut:
    fields = _fields(body.model_dump())
    fields["at"] = fields["at"] or now.isoformat()
    if caller.user is not None:
        fields["agent"] = caller.user
    record(conn, caller.tenant_id, "contacts", fields, now)
    conn.commit()
    return RecordedOut(kind="contact", id=body.contact_id)


def _fields(values: dict[str, object]) -> dict[str, str | None]:
    return {name: _text(value) for name, value in values.items()}
