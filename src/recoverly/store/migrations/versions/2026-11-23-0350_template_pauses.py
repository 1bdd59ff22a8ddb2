"""templates paused for drawing complaints

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 03:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import recoverly.store.base

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANT = recoverly.store.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "template_pauses",
        sa.Column(
            "tenant_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("template", sa.String(length=64), nullable=False),
        sa.Column("paused_at", INSTANT, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("resumed_at", INSTANT, nullable=True),
        sa.Column("resumed_by", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_template_pauses_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "template", "paused_at", name=op.f("pk_template_pauses")
        ),
    )


def downgrade() -> None:
    op.drop_table("template_pauses")
