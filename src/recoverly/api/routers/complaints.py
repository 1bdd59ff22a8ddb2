"""``/complaints``: taken in, answered on the jurisdiction's clock, closed with a cause."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from recoverly.api.deps import Conn, Now, PageParams, require_roles
from recoverly.api.schemas.common import error_responses
from recoverly.api.schemas.complaints import (
    ClosureIn,
    ComplaintIn,
    ComplaintOut,
    ComplaintPage,
    PauseOut,
    PausesOut,
    ResponseIn,
)
from recoverly.compliance import complaints as flow
from recoverly.domain.complaints import API_SOURCE, Status
from recoverly.domain.roles import Role
from recoverly.store.repositories import complaints as repo
from recoverly.store.repositories import template_pauses as pauses
from recoverly.store.repositories.complaints import NewComplaint
from recoverly.store.repositories.tenancy import Principal

router = APIRouter(
    prefix="/complaints", tags=["complaints"], responses=error_responses(401, 403, 422)
)

Taker = Annotated[
    Principal,
    Depends(require_roles(Role.ADMIN, Role.SUPERVISOR, Role.AGENT, Role.COMPLIANCE)),
]
Handler = Annotated[Principal, Depends(require_roles(Role.ADMIN, Role.SUPERVISOR, Role.COMPLIANCE))]
ComplaintId = Annotated[str, Path(max_length=64, examples=["CMP-1"])]


@router.post(
    "",
    status_code=201,
    summary="Take in a complaint",
    description=(
        "Records a complaint on its jurisdiction's clock (acknowledge and final-response "
        "dates) and holds the case: no collection contact while it is reviewed. Sending "
        "the same `complaint_id` again changes nothing and answers 200."
    ),
    responses=error_responses(404),
)
def take_in(
    caller: Taker, conn: Conn, now: Now, body: ComplaintIn, response: Response
) -> ComplaintOut:
    new = NewComplaint(
        complaint_id=body.complaint_id,
        case_id=body.case_id,
        received_at=body.received_at or now,
        channel=body.channel,
        source=API_SOURCE,
        issue=body.issue,
        text=body.text,
        template=body.template,
        agent=body.agent,
    )
    complaint, created = flow.open_complaint(conn, caller.tenant_id, new, now)
    conn.commit()
    if not created:
        response.status_code = 200
    return ComplaintOut.of(complaint, now)


@router.get(
    "",
    summary="List complaints",
    description=(
        "The tenant's complaints by final-response date; `overdue=true`: only open ones past it."
    ),
)
def list_complaints(
    caller: Handler,
    conn: Conn,
    now: Now,
    paging: PageParams,
    status: Status | None = None,
    overdue: bool = False,
) -> ComplaintPage:
    found, total = repo.listing(
        conn,
        caller.tenant_id,
        status=status,
        overdue_at=now if overdue else None,
        limit=paging.limit,
        offset=paging.offset,
    )
    return ComplaintPage(
        items=[ComplaintOut.of(c, now) for c in found],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.get(
    "/{complaint_id}",
    summary="Read a complaint",
    description="A complaint with its clock, response and closure.",
    responses=error_responses(404),
)
def get_complaint(caller: Handler, conn: Conn, now: Now, complaint_id: ComplaintId) -> ComplaintOut:
    return ComplaintOut.of(repo.get(conn, caller.tenant_id, complaint_id), now)


@router.post(
    "/{complaint_id}/response",
    summary="Answer a complaint",
    description="Records the answer sent to the debtor; the complaint stays open until closed.",
    responses=error_responses(404),
)
def answer(
    caller: Handler, conn: Conn, now: Now, complaint_id: ComplaintId, body: ResponseIn
) -> ComplaintOut:
    complaint = flow.respond(conn, caller.tenant_id, complaint_id, body.text, now)
    conn.commit()
    return ComplaintOut.of(complaint, now)


@router.post(
    "/{complaint_id}/closure",
    summary="Close a complaint",
    description=(
        "Closes the loop with the root cause, the resolution and whether the complaint "
        "was upheld; lifts the case's hold so collection may resume."
    ),
    responses=error_responses(404),
)
def close(
    caller: Handler, conn: Conn, now: Now, complaint_id: ComplaintId, body: ClosureIn
) -> ComplaintOut:
    complaint = flow.close(
        conn,
        caller.tenant_id,
        complaint_id,
        root_cause=body.root_cause,
        resolution=body.resolution,
        upheld=body.upheld,
        now=now,
        issue=body.issue,
    )
    conn.commit()
    return ComplaintOut.of(complaint, now)


pauses_router = APIRouter(
    prefix="/template-pauses", tags=["complaints"], responses=error_responses(401, 403, 422)
)


@pauses_router.get(
    "",
    summary="Paused templates",
    description=(
        "Templates out of use because they drew upheld complaints (three in 30 days); the "
        "dispatcher blocks their messages until a person resumes them."
    ),
)
def paused_templates(caller: Handler, conn: Conn) -> PausesOut:
    return PausesOut(
        templates=[
            PauseOut(template=p.template, paused_at=p.paused_at, reason=p.reason)
            for p in pauses.listing(conn, caller.tenant_id)
        ]
    )


@pauses_router.post(
    "/{template}/resume",
    summary="Resume a paused template",
    description="Puts a paused template back in use, once it has been fixed; its count of "
    "upheld complaints starts again from zero.",
    responses=error_responses(404),
)
def resume_template(
    caller: Handler,
    conn: Conn,
    now: Now,
    template: Annotated[str, Path(max_length=64, examples=["final_notice"])],
) -> PausesOut:
    pauses.resume(conn, caller.tenant_id, template, caller.subject, now)
    conn.commit()
    return paused_templates(caller, conn)
