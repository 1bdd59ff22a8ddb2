"""delivery receipts kept until their send is recorded

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import recoverly.store.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "delivery_receipts",
        sa.Column("provider_id", sa.String(length=128), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("received_at", recoverly.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("applied_at", recoverly.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("provider_id", "outcome", name=op.f("pk_delivery_receipts")),
    )
    unapplied = sa.text("applied_at IS NULL")
    op.create_index(
        "ix_delivery_receipts_unapplied",
        "delivery_receipts",
        ["received_at"],
        unique=False,
        postgresql_where=unapplied,
        sqlite_where=unapplied,
    )
    sent = sa.text("provider_id IS NOT NULL")
    op.drop_index("ix_outbox_provider_id", table_name="outbox")
    op.create_index(
        "ix_outbox_provider_id",
        "outbox",
        ["provider_id"],
        unique=False,
        postgresql_where=sent,
        sqlite_where=sent,
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_provider_id", table_name="outbox")
    op.create_index("ix_outbox_provider_id", "outbox", ["provider_id"], unique=False)
    op.drop_index("ix_delivery_receipts_unapplied", table_name="delivery_receipts")
    op.drop_table("delivery_receipts")
