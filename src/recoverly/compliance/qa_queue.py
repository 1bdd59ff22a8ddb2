"""Conversation QA, closed loop: screened texts queue their alerts for compliance review,
and an agent whose words keep raising serious alerts is flagged to their supervisor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection

from recoverly.compliance.qa import Alert, Severity, TextKind, screen_text
from recoverly.store.repositories import cases
from recoverly.store.repositories import qa as repo

WARN_AFTER = 3  # high-severity alerts of one agent …
WARN_WINDOW = timedelta(days=30)  # … within this long raise a supervisor warning


@dataclass(frozen=True, slots=True)
class Screened:
    alerts: list[Alert]
    agent_warning: bool  # the agent has reached WARN_AFTER high alerts in WARN_WINDOW


def queue_alerts(
    conn: Connection,
    tenant_id: int,
    alerts: list[Alert],
    *,
    kind: TextKind,
    source_id: str,
    case_id: str | None,
    agent: str | None,
    now: datetime,
) -> None:
    """Put ``alerts`` of one text on the compliance queue (once, however often queued)."""
    repo.queue(
        conn,
        tenant_id,
        [
            {
                "at": now,
                "source_kind": kind.value,
                "source_id": source_id,
                "case_id": case_id,
                "agent": agent,
                "rule": a.rule,
                "category": a.category,
                "severity": a.severity.value,
                "citation": a.citation,
                "span_start": a.start,
                "span_end": a.end,
                "excerpt": a.text[:200],
            }
            for a in alerts
        ],
    )


def screen_and_queue(
    conn: Connection,
    tenant_id: int,
    text: str,
    *,
    kind: TextKind,
    source_id: str,
    case_id: str | None,
    agent: str | None,
    jurisdiction: str | None,
    now: datetime,
) -> Screened:
    """Screen a note or transcript as it is saved; queue what it raised. A text about a
    case whose debt is time-barred is screened as such (no word of legal action)."""
    barred = case_id is not None and cases.time_barred(conn, tenant_id, case_id, now)
    alerts = screen_text(text, kind=kind, jurisdiction=jurisdiction, time_barred=barred)
    queue_alerts(
        conn,
        tenant_id,
        alerts,
        kind=kind,
        source_id=source_id,
        case_id=case_id,
        agent=agent,
        now=now,
    )
    warned = agent is not None and any(
        n >= WARN_AFTER for _, n in agents(conn, tenant_id, now, agent)
    )
    return Screened(alerts, warned)


def agents(
    conn: Connection, tenant_id: int, now: datetime, agent: str | None = None
) -> list[tuple[str, int]]:
    """High-severity alerts per agent (or of one) over the warning window, most first."""
    return repo.by_agent(conn, tenant_id, now - WARN_WINDOW, Severity.HIGH.value, agent)
