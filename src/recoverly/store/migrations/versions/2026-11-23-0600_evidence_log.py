"""the evidence log: its counter, entries and signed tree heads

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import recoverly.store.base

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
INSTANT = recoverly.store.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "evidence_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("log_id", sa.String(length=64), nullable=False),
        sa.Column("next_index", sa.BigInteger(), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_evidence_log_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_log")),
    )
    op.create_table(
        "evidence_entries",
        sa.Column("entry_index", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("tenant_id", BIG, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=80), nullable=True),
        sa.Column("entry", sa.LargeBinary(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("appended_at", INSTANT, nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_evidence_entries_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("entry_index", name=op.f("pk_evidence_entries")),
    )
    op.create_index(
        "ix_evidence_entries_case", "evidence_entries", ["tenant_id", "case_id"], unique=False
    )
    op.create_table(
        "tree_heads",
        sa.Column("tree_size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("root_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("signature", sa.LargeBinary(length=64), nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("signed_at", INSTANT, nullable=False),
        sa.PrimaryKeyConstraint("tree_size", "key_id", name=op.f("pk_tree_heads")),
    )


def downgrade() -> None:
    op.drop_table("tree_heads")
    op.drop_index("ix_evidence_entries_case", table_name="evidence_entries")
    op.drop_table("evidence_entries")
    op.drop_table("evidence_log")
