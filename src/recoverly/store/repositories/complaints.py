"""Complaints and the holds they place: opened, answered and closed in one place each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Row, func, insert, select, update

from recoverly.domain.complaints import Issue, ReceiptChannel, Status
from recoverly.domain.errors import NotFound
from recoverly.store.tables import complaints, holds


@dataclass(frozen=True, slots=True)
class Complaint:
    complaint_id: str
    case_id: str
    debtor_id: str
    received_at: datetime
    channel: ReceiptChannel
    source: str
    external_reference: str | None
    jurisdiction: str
    issue: Issue
    suggested_issue: Issue | None
    suggestion_probability: float | None
    text: str
    template: str | None
    agent: str | None
    status: Status
    acknowledge_by: datetime
    respond_by: datetime
    response: str | None
    responded_at: datetime | None
    root_cause: str | None
    resolution: str | None
    upheld: bool | None
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewComplaint:
    """A complaint as it comes in, from the API or a file (``source``: which one)."""

    complaint_id: str
    case_id: str
    received_at: datetime
    channel: ReceiptChannel
    source: str
    issue: Issue
    text: str
    external_reference: str | None = None
    template: str | None = None
    agent: str | None = None


def add(
    conn: Connection,
    tenant_id: int,
    new: NewComplaint,
    debtor_id: str,
    jurisdiction: str,
    acknowledge_by: datetime,
    respond_by: datetime,
    now: datetime,
    hold_id: int,
    suggestion: tuple[Issue, float] | None = None,
) -> None:
    """The complaint, in the caller's transaction; ``hold_id`` is the hold it placed on
    its case (through ``compliance.holds``, which logs it)."""
    conn.execute(
        insert(complaints).values(
            tenant_id=tenant_id,
            complaint_id=new.complaint_id,
            case_id=new.case_id,
            debtor_id=debtor_id,
            received_at=new.received_at,
            channel=new.channel.value,
            source=new.source,
            external_reference=new.external_reference,
            jurisdiction=jurisdiction,
            issue=new.issue.value,
            suggested_issue=suggestion[0].value if suggestion else None,
            suggestion_probability=suggestion[1] if suggestion else None,
            text=new.text,
            template=new.template,
            agent=new.agent,
            status=Status.RECEIVED.value,
            acknowledge_by=acknowledge_by,
            respond_by=respond_by,
            hold_id=hold_id,
            created_at=now,
            updated_at=now,
        )
    )


def record_response(
    conn: Connection, tenant_id: int, complaint_id: str, status: Status, text: str, now: datetime
) -> None:
    _set(
        conn,
        tenant_id,
        complaint_id,
        status=status.value,
        response=text,
        responded_at=now,
        updated_at=now,
    )


def record_closure(
    conn: Connection,
    tenant_id: int,
    complaint_id: str,
    status: Status,
    root_cause: str,
    resolution: str,
    upheld: bool,
    now: datetime,
    issue: Issue | None = None,
) -> None:
    """The closed complaint, with the issue the reviewer settled on."""
    settled = {} if issue is None else {"issue": issue.value}
    _set(
        conn,
        tenant_id,
        complaint_id,
        **settled,
        status=status.value,
        root_cause=root_cause,
        resolution=resolution,
        upheld=upheld,
        closed_at=now,
        updated_at=now,
    )


def open_hold(conn: Connection, tenant_id: int, complaint_id: str, at: datetime) -> int | None:
    """The id of the hold the complaint placed, if it is still in force at ``at`` (a
    supervisor may have lifted it before the complaint closed)."""
    c, h = complaints.c, holds.c
    found: int | None = conn.execute(
        select(h.id)
        .join(complaints, (c.tenant_id == h.tenant_id) & (c.hold_id == h.id))
        .where(
            c.tenant_id == tenant_id,
            c.complaint_id == complaint_id,
            (h.ends_at.is_(None)) | (h.ends_at > at),
        )
    ).scalar_one_or_none()
    return found


def get(conn: Connection, tenant_id: int, complaint_id: str) -> Complaint:
    found = find(conn, tenant_id, complaint_id)
    if found is None:
        raise NotFound(f"no complaint {complaint_id!r}")
    return found


def listing(
    conn: Connection,
    tenant_id: int,
    *,
    status: Status | None,
    overdue_at: datetime | None,
    limit: int,
    offset: int,
) -> tuple[list[Complaint], int]:
    """A tenant's complaints by due date; ``overdue_at``: only those open past their clock."""
    c = complaints.c
    where = [c.tenant_id == tenant_id]
    if status is not None:
        where.append(c.status == status.value)
    if overdue_at is not None:
        where += [c.status != Status.CLOSED.value, c.respond_by < overdue_at]
    total = conn.execute(select(func.count()).select_from(complaints).where(*where)).scalar_one()
    rows = conn.execute(
        select(complaints)
        .where(*where)
        .order_by(c.respond_by, c.complaint_id)
        .limit(limit)
        .offset(offset)
    ).all()
    return [_complaint(r) for r in rows], int(total)


def find(conn: Connection, tenant_id: int, complaint_id: str) -> Complaint | None:
    row = conn.execute(
        select(complaints).where(
            complaints.c.tenant_id == tenant_id, complaints.c.complaint_id == complaint_id
        )
    ).first()
    return None if row is None else _complaint(row)


def _set(conn: Connection, tenant_id: int, complaint_id: str, **values: object) -> None:
    conn.execute(
        update(complaints)
        .where(complaints.c.tenant_id == tenant_id, complaints.c.complaint_id == complaint_id)
        .values(**values)
    )


def _complaint(row: Row[tuple[object, ...]]) -> Complaint:
    m = row._mapping
    return Complaint(
        complaint_id=m["complaint_id"],
        case_id=m["case_id"],
        debtor_id=m["debtor_id"],
        received_at=m["received_at"],
        channel=ReceiptChannel(m["channel"]),
        source=m["source"],
        external_reference=m["external_reference"],
        jurisdiction=m["jurisdiction"],
        issue=Issue(m["issue"]),
        suggested_issue=Issue(m["suggested_issue"]) if m["suggested_issue"] else None,
        suggestion_probability=m["suggestion_probability"],
        text=m["text"],
        template=m["template"],
        agent=m["agent"],
        status=Status(m["status"]),
        acknowledge_by=m["acknowledge_by"],
        respond_by=m["respond_by"],
        response=m["response"],
        responded_at=m["responded_at"],
        root_cause=m["root_cause"],
        resolution=m["resolution"],
        upheld=m["upheld"],
        closed_at=m["closed_at"],
    )
