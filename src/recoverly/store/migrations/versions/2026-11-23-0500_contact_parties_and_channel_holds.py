"""who a contact was with, and holds that stop one channel only (opt-outs)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("holds") as batch:
        batch.add_column(sa.Column("channel", sa.String(length=16), nullable=True))
    with op.batch_alter_table("contact_attempts") as batch:
        batch.add_column(sa.Column("party", sa.String(length=24), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contact_attempts") as batch:
        batch.drop_column("party")
    with op.batch_alter_table("holds") as batch:
        batch.drop_column("channel")
