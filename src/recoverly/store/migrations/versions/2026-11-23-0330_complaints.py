"""complaints

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 03:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import recoverly.store.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
INSTANT = recoverly.store.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("tenant_id", BIG, nullable=False),
        sa.Column("complaint_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=80), nullable=False),
        sa.Column("debtor_id", sa.String(length=64), nullable=False),
        sa.Column("received_at", INSTANT, nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("jurisdiction", sa.String(length=8), nullable=False),
        sa.Column("issue", sa.String(length=80), nullable=False),
        sa.Column("suggested_issue", sa.String(length=80), nullable=True),
        sa.Column("suggestion_probability", sa.Float(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("template", sa.String(length=64), nullable=True),
        sa.Column("agent", sa.String(length=128), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("acknowledge_by", INSTANT, nullable=False),
        sa.Column("respond_by", INSTANT, nullable=False),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("responded_at", INSTANT, nullable=True),
        sa.Column("root_cause", sa.Text(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("upheld", sa.Boolean(), nullable=True),
        sa.Column("closed_at", INSTANT, nullable=True),
        sa.Column("hold_id", BIG, nullable=True),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("updated_at", INSTANT, nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "case_id"],
            ["cases.tenant_id", "cases.case_id"],
            name=op.f("fk_complaints_tenant_id_case_id_cases"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "complaint_id", name=op.f("pk_complaints")),
    )
    op.create_index(
        "ix_complaints_open", "complaints", ["tenant_id", "status", "respond_by"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_complaints_open", table_name="complaints")
    op.drop_table("complaints")
