"""``/qa``: what collectors write and say, screened; the compliance queue it feeds."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from recoverly.api.deps import Conn, Now, PageParams, require_roles
from recoverly.api.schemas.common import error_responses
from recoverly.api.schemas.qa import (
    AgentOut,
    AgentsOut,
    AlertOut,
    QueuedAlertOut,
    QueuedAlertPage,
    ReviewIn,
    ScreenedOut,
    TextIn,
)
from recoverly.compliance import qa_queue
from recoverly.domain.roles import Role
from recoverly.store.repositories import qa as repo
from recoverly.store.repositories.tenancy import Principal

router = APIRouter(prefix="/qa", tags=["qa"], responses=error_responses(401, 403, 422))

Writer = Annotated[
    Principal, Depends(require_roles(Role.ADMIN, Role.SUPERVISOR, Role.AGENT, Role.COMPLIANCE))
]
Reviewer = Annotated[
    Principal, Depends(require_roles(Role.ADMIN, Role.SUPERVISOR, Role.COMPLIANCE))
]


@router.post(
    "/texts",
    summary="Screen a note or transcript",
    description=(
        "Screens an agent's note, a call transcript or a message for conduct collection "
        "law forbids, queues each alert for compliance review (once per text, rule and "
        "position), and says whether the agent has reached the supervisor-warning "
        "threshold of serious alerts."
    ),
)
def screen(caller: Writer, conn: Conn, now: Now, body: TextIn) -> ScreenedOut:
    found = qa_queue.screen_and_queue(
        conn,
        caller.tenant_id,
        body.text,
        kind=body.kind,
        source_id=body.text_id,
        case_id=body.case_id,
        agent=body.agent,
        jurisdiction=body.jurisdiction,
        now=now,
    )
    conn.commit()
    return ScreenedOut(
        text_id=body.text_id,
        alerts=[AlertOut.of(a) for a in found.alerts],
        agent_warning=found.agent_warning,
    )


@router.get(
    "/alerts",
    summary="The QA alert queue",
    description="Alerts waiting for review (`status=open`) or reviewed, most severe first.",
)
def alerts(
    caller: Reviewer,
    conn: Conn,
    paging: PageParams,
    status: Annotated[str | None, Query(pattern="^(open|confirmed|dismissed)$")] = None,
    agent: Annotated[str | None, Query(max_length=128)] = None,
) -> QueuedAlertPage:
    found, total = repo.listing(
        conn, caller.tenant_id, status=status, agent=agent, limit=paging.limit, offset=paging.offset
    )
    return QueuedAlertPage(
        items=[QueuedAlertOut.of(a) for a in found],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.post(
    "/alerts/{alert_id}/review",
    summary="Review a QA alert",
    description="Confirms or dismisses an open alert, with a note; a dismissed alert no "
    "longer counts toward the agent's warning.",
    responses=error_responses(404),
)
def review(
    caller: Reviewer,
    conn: Conn,
    now: Now,
    alert_id: Annotated[int, Path(ge=1)],
    body: ReviewIn,
) -> QueuedAlertOut:
    done = repo.review(
        conn,
        caller.tenant_id,
        alert_id,
        outcome=body.outcome,
        by=caller.subject,
        note=body.note,
        now=now,
    )
    conn.commit()
    return QueuedAlertOut.of(done)


@router.get(
    "/agents",
    summary="Agents to watch",
    description="High-severity alerts per agent over the warning window, with the warning "
    "flag a supervisor acts on.",
)
def agents(caller: Reviewer, conn: Conn, now: Now) -> AgentsOut:
    return AgentsOut(
        window_days=qa_queue.WARN_WINDOW.days,
        warn_after=qa_queue.WARN_AFTER,
        agents=[
            AgentOut(agent=a, high_alerts=n, warning=n >= qa_queue.WARN_AFTER)
            for a, n in qa_queue.agents(conn, caller.tenant_id, now)
        ],
    )
