"""contacts record their agent; complaints their source; tokens may belong to a person

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 05:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("contact_attempts") as batch:
        batch.add_column(sa.Column("agent", sa.String(length=128), nullable=True))
    # Every complaint so far came in through the API.
    with op.batch_alter_table("complaints") as batch:
        batch.add_column(
            sa.Column("source", sa.String(length=32), nullable=False, server_default="api")
        )
        batch.add_column(sa.Column("external_reference", sa.String(length=64), nullable=True))
    with op.batch_alter_table("complaints") as batch:
        batch.alter_column("source", server_default=None)
        batch.create_index(
            "ix_complaints_external_reference",
            ["tenant_id", "source", "external_reference"],
            unique=True,
        )
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("user_id", BIG, nullable=True))
        batch.create_foreign_key(
            op.f("fk_api_tokens_user_id_users"), "users", ["user_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_constraint(op.f("fk_api_tokens_user_id_users"), type_="foreignkey")
        batch.drop_column("user_id")
    with op.batch_alter_table("complaints") as batch:
        batch.drop_index("ix_complaints_external_reference")
        batch.drop_column("external_reference")
        batch.drop_column("source")
    with op.batch_alter_table("contact_attempts") as batch:
        batch.drop_column("agent")
