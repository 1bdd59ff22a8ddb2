"""Paused templates: which are out of use, pausing one, resuming it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, insert, or_, select, update

from recoverly.domain.complaints import Status
from recoverly.domain.errors import NotFound
from recoverly.store.tables import complaints, template_pauses


@dataclass(frozen=True, slots=True)
class Pause:
    template: str
    paused_at: datetime
    reason: str


def paused(conn: Connection, tenant_ids: Iterable[int]) -> set[tuple[int, str]]:
    """``(tenant_id, template)`` of every template out of use for these tenants."""
    p = template_pauses.c
    rows = conn.execute(
        select(p.tenant_id, p.template).where(
            p.tenant_id.in_(list(tenant_ids)), p.resumed_at.is_(None)
        )
    ).all()
    return {(int(t), str(name)) for t, name in rows}


def listing(conn: Connection, tenant_id: int) -> list[Pause]:
    p = template_pauses.c
    rows = conn.execute(
        select(p.template, p.paused_at, p.reason)
        .where(p.tenant_id == tenant_id, p.resumed_at.is_(None))
        .order_by(p.template)
    ).all()
    return [Pause(r.template, r.paused_at, r.reason) for r in rows]


def pause(conn: Connection, tenant_id: int, template: str, reason: str, now: datetime) -> bool:
    """Take a template out of use (if it is in use); returns whether it was paused now."""
    if (tenant_id, template) in paused(conn, [tenant_id]):
        return False
    conn.execute(
        insert(template_pauses).values(
            tenant_id=tenant_id, template=template, paused_at=now, reason=reason
        )
    )
    return True


def resume(conn: Connection, tenant_id: int, template: str, by: str, now: datetime) -> None:
    p = template_pauses.c
    done = conn.execute(
        update(template_pauses)
        .where(p.tenant_id == tenant_id, p.template == template, p.resumed_at.is_(None))
        .values(resumed_at=now, resumed_by=by)
    )
    if done.rowcount == 0:
        raise NotFound(f"template {template!r} is not paused")


def upheld_since(conn: Connection, tenant_id: int, template: str, since: datetime) -> int:
    """Upheld complaints about a template closed since ``since``, and after its last
    resumption (a resumed template starts with a clean slate)."""
    c, p = complaints.c, template_pauses.c
    last_resumed = (
        select(func.max(p.resumed_at))
        .where(p.tenant_id == tenant_id, p.template == template)
        .scalar_subquery()
    )
    return int(
        conn.execute(
            select(func.count()).where(
                c.tenant_id == tenant_id,
                c.template == template,
                c.status == Status.CLOSED.value,
                c.upheld.is_(True),
                c.closed_at >= since,
                or_(last_resumed.is_(None), c.closed_at > last_resumed),
            )
        ).scalar_one()
    )
