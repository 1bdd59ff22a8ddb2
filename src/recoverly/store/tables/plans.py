"""The daily run's records: runs, where each case stands on its path, the plan, the blocks.

Every decision row names the strategy version, branch, segment and step that produced
it, so any contact can be traced back to the exact rule that planned it.

These tables are written in bulk, only by the daily run, with case ids it read from the
same tenant's cases in the same run; and cases are closed, never deleted. So they carry
no foreign keys: PostgreSQL checks a foreign key row by row (a lookup and a lock on the
referenced case), which cost 27 s of a 74 s run over a million accounts. Their
references are verified instead by ``recoverly db check`` and by the test suite.
"""

from sqlalchemy import (
    CHAR,
    Column,
    Date,
    ForeignKeyConstraint,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from recoverly.store.base import BigId, Code, Json, Minor, UTCDateTime, metadata

daily_runs = Table(
    "daily_runs",
    metadata,
    Column("tenant_id", BigId, nullable=False),
    Column("as_of", Date, nullable=False),
    Column("strategy_name", String(64), nullable=False),
    Column("strategy_version", Integer, nullable=False),
    Column("status", Code(16), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("summary", Json),
    PrimaryKeyConstraint("tenant_id", "as_of"),
    ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
)

case_paths = Table(
    "case_paths",
    metadata,
    Column("tenant_id", BigId, nullable=False),
    Column("case_id", String(80), nullable=False),
    Column("strategy_name", String(64), nullable=False),
    Column("strategy_version", Integer, nullable=False),
    Column("segment", String(64), nullable=False),
    Column("branch", String(32), nullable=False),
    Column("step", Integer, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("started_on", Date, nullable=False),
    Column("status", Code(16), nullable=False),
    Column("updated_on", Date, nullable=False),
    # The case's delinquency bucket and the one before it: each day's roll and cure
    # flows are the cases whose bucket changed that day.
    Column("bucket", String(16), nullable=False),
    Column("prev_bucket", String(16)),
    Column("bucket_since", Date, nullable=False),
    PrimaryKeyConstraint("tenant_id", "case_id"),
)

plan_items = Table(
    "plan_items",
    metadata,
    Column("tenant_id", BigId, nullable=False),
    Column("plan_id", String(96), nullable=False),
    Column("as_of", Date, nullable=False),
    Column("case_id", String(80), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("account_id", String(64), nullable=False),
    Column("action", Code(16), nullable=False),
    Column("channel", Code(16), nullable=False),
    Column("template", String(64)),
    Column("queue", String(64)),
    Column("agency", String(64)),
    Column("scheduled_at", UTCDateTime, nullable=False),
    Column("jurisdiction", String(8), nullable=False),
    Column("debtor_timezone", String(64), nullable=False),
    Column("language", String(35)),
    Column("strategy_name", String(64), nullable=False),
    Column("strategy_version", Integer, nullable=False),
    Column("branch", String(32), nullable=False),
    Column("segment", String(64), nullable=False),
    Column("step", Integer, nullable=False),
    Column("currency", CHAR(3), nullable=False),
    Column("balance_minor", Minor, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "plan_id"),
)
Index("ix_plan_items_tenant_as_of", plan_items.c.tenant_id, plan_items.c.as_of)

plan_blocks = Table(
    "plan_blocks",
    metadata,
    Column("tenant_id", BigId, nullable=False),
    Column("as_of", Date, nullable=False),
    Column("case_id", String(80), nullable=False),
    Column("channel", Code(16), nullable=False),
    Column("rule", String(64), nullable=False),
    Column("citation", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("strategy_name", String(64), nullable=False),
    Column("strategy_version", Integer, nullable=False),
    Column("branch", String(32), nullable=False),
    Column("segment", String(64), nullable=False),
    Column("step", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "as_of", "case_id", "rule"),
)
