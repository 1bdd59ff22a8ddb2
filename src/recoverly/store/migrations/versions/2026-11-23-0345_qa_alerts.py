"""the conversation-QA alert queue

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 03:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import recoverly.store.base

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
INSTANT = recoverly.store.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "qa_alerts",
        sa.Column("id", BIG, autoincrement=True, nullable=False),
        sa.Column("tenant_id", BIG, nullable=False),
        sa.Column("at", INSTANT, nullable=False),
        sa.Column("source_kind", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.String(length=96), nullable=False),
        sa.Column("case_id", sa.String(length=80), nullable=True),
        sa.Column("agent", sa.String(length=128), nullable=True),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("citation", sa.Text(), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.Column("excerpt", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reviewed_by", sa.String(length=128), nullable=True),
        sa.Column("reviewed_at", INSTANT, nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_qa_alerts_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_alerts")),
        sa.UniqueConstraint(
            "tenant_id",
            "source_kind",
            "source_id",
            "rule",
            "span_start",
            name=op.f("uq_qa_alerts_tenant_id_source_kind_source_id_rule_span_start"),
        ),
    )
    op.create_index("ix_qa_alerts_queue", "qa_alerts", ["tenant_id", "status", "at"], unique=False)
    op.create_index("ix_qa_alerts_agent", "qa_alerts", ["tenant_id", "agent", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_qa_alerts_agent", table_name="qa_alerts")
    op.drop_index("ix_qa_alerts_queue", table_name="qa_alerts")
    op.drop_table("qa_alerts")
