"""What a day's decisions put in the evidence log, in the transaction that writes them.

Each planned message is a ``message_planned`` entry; each case given to agents or
escalated is a ``strategy_decision``; each contact the rules stopped at planning time is
a ``compliance_block`` (capacity deferrals and missing addresses are not rules and are
not logged). Every entry names the strategy version, branch (champion or
challenger), segment and step that decided it, so a bundle shows why a debtor was
contacted, not only that they were.
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
from sqlalchemy import Connection

from recoverly.domain.evidence import EvidenceKind
from recoverly.evidence import log as evidence_log
from recoverly.evidence.frames import instant
from recoverly.store.repositories.plans import MESSAGE_ACTION
from recoverly.strategy.daily import CAPACITY_RULE, REACH_RULE

NOT_COMPLIANCE = (CAPACITY_RULE, REACH_RULE)
_PROVENANCE = ("strategy_name", "strategy_version", "branch", "segment", "step")


def log_decisions(
    conn: Connection,
    tenant_id: int,
    plan: pl.DataFrame,
    blocks: pl.DataFrame,
    as_of: date,
    now: datetime,
) -> int:
    """Append the entries of one chunk of the day's ``plan`` rows and new ``blocks``;
    returns how many."""
    common = [pl.lit(now).alias("at"), pl.lit(as_of.isoformat()).alias("as_of")]
    decided = plan.with_columns(
        instant("scheduled_at"),
        *common,
    )
    messages = decided.filter(pl.col("action") == MESSAGE_ACTION).select(
        "case_id", "at", "as_of", "plan_id", "channel", "template", "scheduled_at", *_PROVENANCE
    )
    others = decided.filter(pl.col("action") != MESSAGE_ACTION).select(
        "case_id",
        "at",
        "as_of",
        "plan_id",
        "action",
        "channel",
        "queue",
        "agency",
        "scheduled_at",
        *_PROVENANCE,
    )
    # Only the rules' stops are compliance blocks: a contact deferred for capacity, or not
    # made for want of an address, is the optimiser's business and leaves no trace here.
    ruled = blocks.filter(
        ~pl.any_horizontal(pl.col("rule").str.starts_with(p) for p in NOT_COMPLIANCE)
    )
    stopped = ruled.with_columns(*common, pl.lit("plan").alias("stage")).select(
        "case_id", "at", "as_of", "stage", "channel", "rule", *_PROVENANCE
    )
    return (
        evidence_log.append_frame(conn, tenant_id, EvidenceKind.MESSAGE_PLANNED, messages, now)
        + evidence_log.append_frame(conn, tenant_id, EvidenceKind.STRATEGY_DECISION, others, now)
        + evidence_log.append_frame(conn, tenant_id, EvidenceKind.COMPLIANCE_BLOCK, stopped, now)
    )
