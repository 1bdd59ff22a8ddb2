"""Cases and the holds placed on them."""

from sqlalchemy import (
    Column,
    ForeignKeyConstraint,
    Index,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from recoverly.store.base import BigId, Code, UTCDateTime, metadata

cases = Table(
    "cases",
    metadata,
    Column("tenant_id", BigId, nullable=False),
    Column("case_id", String(80), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("stage", Code(16), nullable=False),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime),
    PrimaryKeyConstraint("tenant_id", "case_id"),
    ForeignKeyConstraint(["tenant_id", "debtor_id"], ["debtors.tenant_id", "debtors.debtor_id"]),
)
Index("ix_cases_tenant_debtor", cases.c.tenant_id, cases.c.debtor_id)
Index("ix_cases_tenant_stage", cases.c.tenant_id, cases.c.stage)

holds = Table(
    "holds",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("tenant_id", BigId, nullable=False),
    Column("case_id", String(80), nullable=False),
    Column("kind", Code(32), nullable=False),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("ends_at", UTCDateTime),
    Column("channel", Code(16)),  # the one channel it stops (an opt-out); null: as its kind says
    Column("reason", Text, nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
    ForeignKeyConstraint(["tenant_id", "case_id"], ["cases.tenant_id", "cases.case_id"]),
)
Index("ix_holds_tenant_case", holds.c.tenant_id, holds.c.case_id)
