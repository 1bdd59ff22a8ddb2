"""contacts may name the recording of the call (its SHA-256 in the blob store)

Revision ID: 0015
Revises: 0012
Create Date: 2026-11-23 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contact_attempts") as batch:
        batch.add_column(sa.Column("recording_sha256", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contact_attempts") as batch:
        batch.drop_column("recording_sha256")
