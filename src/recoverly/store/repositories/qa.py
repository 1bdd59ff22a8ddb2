"""The QA alert queue: alerts in (once each), reviewed out, counted per agent."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from recoverly.domain.errors import NotFound, NotPermitted
from recoverly.store.tables import qa_alerts

OPEN = "open"


@dataclass(frozen=True, slots=True)
class QueuedAlert:
    id: int
    at: datetime
    source_kind: str
    source_id: str
    case_id: str | None
    agent: str | None
    rule: str
    category: str
    severity: str
    citation: str
    span_start: int
    span_end: int
    excerpt: str
    status: str
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_note: str | None


def queue(conn: Connection, tenant_id: int, rows: Sequence[dict[str, Any]]) -> None:
    """Add alerts (each a dict of the table's columns but id, tenant and status); one
    already queued for the same text, rule and position is left as it is."""
    if not rows:
        return
    dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(
        dialect_insert(qa_alerts)
        .values([{**row, "tenant_id": tenant_id, "status": OPEN} for row in rows])
        .on_conflict_do_nothing(
            index_elements=["tenant_id", "source_kind", "source_id", "rule", "span_start"]
        )
    )


def listing(
    conn: Connection,
    tenant_id: int,
    *,
    status: str | None,
    agent: str | None,
    limit: int,
    offset: int,
) -> tuple[list[QueuedAlert], int]:
    """The queue, most severe and oldest first."""
    c = qa_alerts.c
    where = [c.tenant_id == tenant_id]
    if status is not None:
        where.append(c.status == status)
    if agent is not None:
        where.append(c.agent == agent)
    total = conn.execute(select(func.count()).select_from(qa_alerts).where(*where)).scalar_one()
    rows = conn.execute(
        select(qa_alerts)
        .where(*where)
        .order_by(c.severity, c.at, c.id)  # "high" sorts before "low" and "medium"
        .limit(limit)
        .offset(offset)
    ).all()
    return [_alert(r._mapping) for r in rows], int(total)


def review(
    conn: Connection,
    tenant_id: int,
    alert_id: int,
    *,
    outcome: str,
    by: str,
    note: str,
    now: datetime,
) -> QueuedAlert:
    found = _get(conn, tenant_id, alert_id)
    if found.status != OPEN:
        raise NotPermitted(f"alert {alert_id} was already reviewed ({found.status})")
    conn.execute(
        update(qa_alerts)
        .where(qa_alerts.c.tenant_id == tenant_id, qa_alerts.c.id == alert_id)
        .values(status=outcome, reviewed_by=by, reviewed_at=now, review_note=note)
    )
    return _get(conn, tenant_id, alert_id)


def by_agent(
    conn: Connection, tenant_id: int, since: datetime, severity: str, agent: str | None = None
) -> list[tuple[str, int]]:
    """Alerts of ``severity`` since ``since`` per agent, or of one ``agent`` (dismissed
    ones do not count)."""
    c = qa_alerts.c
    who = c.agent.is_not(None) if agent is None else c.agent == agent
    rows = conn.execute(
        select(c.agent, func.count())
        .where(
            c.tenant_id == tenant_id,
            who,
            c.at >= since,
            c.severity == severity,
            c.status != "dismissed",
        )
        .group_by(c.agent)
        .order_by(func.count().desc(), c.agent)
    ).all()
    return [(str(agent), int(n)) for agent, n in rows]


def _get(conn: Connection, tenant_id: int, alert_id: int) -> QueuedAlert:
    row = conn.execute(
        select(qa_alerts).where(qa_alerts.c.tenant_id == tenant_id, qa_alerts.c.id == alert_id)
    ).first()
    if row is None:
        raise NotFound(f"no QA alert {alert_id}")
    return _alert(row._mapping)


def _alert(m: Any) -> QueuedAlert:
    return QueuedAlert(**{name: m[name] for name in QueuedAlert.__slots__})
