"""A day's plan as a CSV file: the "daily run and its plan" contract of ARCHITECTURE.md.

The file goes back in with ``recoverly import contacts`` once an ``outcome`` column is
added, so a whole multi-day cycle can be driven from files.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
from sqlalchemy import Connection

from recoverly.domain.errors import NotFound
from recoverly.store.repositories import plans

# The contract's columns first, then what helps a reader.
CONTRACT = (
    "plan_id",
    "case_id",
    "debtor_id",
    "account_id",
    "channel",
    "scheduled_at",
    "jurisdiction",
    "debtor_timezone",
    "strategy_version",
    "branch",
)
EXTRA = ("action", "template", "queue", "agency", "strategy_name", "segment", "step", "language")
CONTACT_ACTIONS = ("message", "call")


def export_plan(
    conn: Connection, tenant_id: int, day: date, out: Path, *, escalations: bool = False
) -> int:
    """Write the day's planned contacts (and escalations, if asked) to ``out``, all or
    nothing; returns the number of rows.

    Raises:
        NotFound: the day has not been planned.
    """
    if plans.find_run(conn, tenant_id, day) is None:
        raise NotFound(f"no plan for {day}: run `recoverly run --as-of {day}` first")
    actions = (*CONTACT_ACTIONS, "escalation") if escalations else CONTACT_ACTIONS
    frame = (
        plans.plan_frame(conn, tenant_id, day, actions)
        .select(*CONTRACT, *EXTRA)
        .with_columns(pl.col("scheduled_at").dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_name(out.name + ".part")
    frame.write_csv(part)
    part.replace(out)
    return frame.height
