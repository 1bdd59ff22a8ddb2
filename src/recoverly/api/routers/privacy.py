"""``/debtors/{debtor_id}/personal-data`` and ``/erasure``: a data subject's rights of
access (GDPR art. 15) and erasure (art. 17), for admins and compliance officers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from recoverly.api.audit import Purpose, disclose
from recoverly.api.deps import Conn, Now, require_roles
from recoverly.api.routers.debtors import DebtorId
from recoverly.api.schemas.common import error_responses
from recoverly.api.schemas.privacy import ErasureIn, ErasureOut, PersonalDataOut
from recoverly.compliance.privacy import service
from recoverly.compliance.privacy.errors import ErasureRefused
from recoverly.config import get_settings
from recoverly.domain.privacy import ErasureOutcome
from recoverly.domain.roles import PersonalField, Role
from recoverly.store.blobs import blob_store
from recoverly.store.repositories.debtors import get_debtor
from recoverly.store.repositories.tenancy import Principal

router = APIRouter(prefix="/debtors", tags=["privacy"], responses=error_responses(401, 403, 422))

Officer = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.COMPLIANCE))]


@router.get(
    "/{debtor_id}/personal-data",
    summary="Export a debtor's personal data",
    description=(
        "Everything Recoverly holds about the debtor, every table's rows, with the "
        "retention periods that apply: the answer to a data-subject access request. "
        "Recorded in the personal-data audit trail (purpose from `X-Recoverly-Purpose`, "
        "default `subject-access`) before it is sent. Admins and compliance officers only."
    ),
    responses=error_responses(404),
)
def export_personal_data(
    caller: Officer,
    conn: Conn,
    request: Request,
    now: Now,
    debtor_id: DebtorId,
    purpose: Purpose = "subject-access",
) -> PersonalDataOut:
    document = service.export(conn, caller.tenant_id, debtor_id, now)
    debtor = get_debtor(conn, caller.tenant_id, debtor_id).debtor
    disclose(conn, caller, request, purpose, [debtor], list(PersonalField))
    return PersonalDataOut.model_validate(document)


@router.post(
    "/{debtor_id}/erasure",
    summary="Erase a debtor's personal data",
    description=(
        "Erases the debtor's personal data now, as they asked: the name becomes a "
        "pseudonym, contact points, national id, free text and letters go; ledgers, the "
        "contact log and complaint records stay, without the person. Refused with 409, "
        "naming each hold, while a legal hold applies (an open case, an open complaint, a "
        "dispute, bankruptcy or breathing-space hold, or an explicit legal hold). Every "
        "request is recorded, refused or not. Admins and compliance officers only."
    ),
    responses=error_responses(404, 409),
)
def erase_personal_data(
    caller: Officer, conn: Conn, now: Now, debtor_id: DebtorId, body: ErasureIn
) -> ErasureOut:
    done = service.erase_on_request(
        conn,
        caller.tenant_id,
        debtor_id,
        actor=caller.subject,
        reason=body.reason,
        now=now,
        blobs=blob_store(get_settings()),
    )
    conn.commit()
    if done.outcome is ErasureOutcome.REFUSED:
        raise ErasureRefused(debtor_id, done.holds)
    return ErasureOut.of(done)
