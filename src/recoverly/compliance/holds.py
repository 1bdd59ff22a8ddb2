"""Placing and lifting holds: the one way a hold takes effect or ends, on every path.

The API, a debtor's dispute or cease request recorded as a contact outcome, and a STOP
or START text all come here, so each change is stored and written to the evidence log in
the caller's transaction, together or not at all.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from recoverly.domain.cases import Hold
from recoverly.evidence import log as evidence_log
from recoverly.store.repositories import cases


def place(
    conn: Connection, tenant_id: int, case_id: str, hold: Hold, by: str, now: datetime
) -> Hold:
    """Store ``hold`` on the case and log it; returns it with its id."""
    placed = cases.place_hold(conn, tenant_id, case_id, hold, now)
    evidence_log.hold_changed(conn, tenant_id, case_id, placed, released=False, by=by, now=now)
    return placed


def release(
    conn: Connection,
    tenant_id: int,
    case_id: str,
    hold_id: int,
    reason: str,
    by: str,
    at: datetime,
) -> Hold:
    """End the hold at ``at``, keeping why it was lifted, and log it."""
    lifted = cases.release_hold(conn, tenant_id, case_id, hold_id, at, reason)
    evidence_log.hold_changed(conn, tenant_id, case_id, lifted, released=True, by=by, now=at)
    return lifted
