"""privacy: purpose and consent time per contact point, erasures, legal holds

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 05:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import recoverly.store.base

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _debtor_key(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id", "debtor_id"],
        ["debtors.tenant_id", "debtors.debtor_id"],
        name=op.f(f"fk_{table}_tenant_id_debtor_id_debtors"),
    )


def upgrade() -> None:
    with op.batch_alter_table("debtors") as batch:
        batch.add_column(
            sa.Column("erased_at", recoverly.store.base.UTCDateTime(timezone=True), nullable=True)
        )
    # Every point recorded so far came with a portfolio for collecting on it.
    with op.batch_alter_table("contact_points") as batch:
        batch.add_column(
            sa.Column("consent_at", recoverly.store.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(
            sa.Column(
                "purpose", sa.String(length=16), nullable=False, server_default="collection"
            )
        )
    op.create_table(
        "erasures",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("tenant_id", _ID, nullable=False),
        sa.Column("debtor_id", sa.String(length=64), nullable=False),
        sa.Column("at", recoverly.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("holds", _JSON, nullable=False),
        sa.Column("tables", _JSON, nullable=False),
        sa.Column("pseudonym", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_erasures_tenant_id_tenants")
        ),
        _debtor_key("erasures"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasures")),
    )
    op.create_index("ix_erasures_debtor", "erasures", ["tenant_id", "debtor_id", "at"])
    op.create_table(
        "legal_holds",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("tenant_id", _ID, nullable=False),
        sa.Column("debtor_id", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_by", sa.String(length=128), nullable=False),
        sa.Column("placed_at", recoverly.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("released_by", sa.String(length=128), nullable=True),
        sa.Column("released_at", recoverly.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_legal_holds_tenant_id_tenants")
        ),
        _debtor_key("legal_holds"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_holds")),
    )
    op.create_index("ix_legal_holds_debtor", "legal_holds", ["tenant_id", "debtor_id"])


def downgrade() -> None:
    op.drop_index("ix_legal_holds_debtor", table_name="legal_holds")
    op.drop_table("legal_holds")
    op.drop_index("ix_erasures_debtor", table_name="erasures")
    op.drop_table("erasures")
    with op.batch_alter_table("contact_points") as batch:
        batch.drop_column("purpose")
        batch.drop_column("consent_at")
    with op.batch_alter_table("debtors") as batch:
        batch.drop_column("erased_at")
