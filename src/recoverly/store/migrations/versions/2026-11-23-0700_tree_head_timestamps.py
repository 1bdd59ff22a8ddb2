"""tree heads keep their RFC 3161 time-stamp token, its genTime and the TSA's chain

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import recoverly.store.base

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANT = recoverly.store.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    # All nullable: heads signed before a TSA was configured, or while it was down, have
    # none until `recoverly evidence timestamp` stamps them.
    with op.batch_alter_table("tree_heads") as batch:
        batch.add_column(sa.Column("timestamp_token", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("timestamp_gen_time", INSTANT, nullable=True))
        batch.add_column(sa.Column("tsa_chain", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tree_heads") as batch:
        batch.drop_column("tsa_chain")
        batch.drop_column("timestamp_gen_time")
        batch.drop_column("timestamp_token")
