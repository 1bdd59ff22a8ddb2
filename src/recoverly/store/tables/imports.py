"""A record of every import: what file, how many rows, what became of them."""

from sqlalchemy import Column, ForeignKey, Integer, String, Table

from recoverly.store.base import BigId, Code, UTCDateTime, metadata

import_runs = Table(
    "import_runs",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("tenant_id", BigId, ForeignKey("tenants.id"), nullable=False),
    Column("kind", Code(16), nullable=False),
    Column("source", String(512), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("rows_read", Integer, nullable=False),
    Column("rows_imported", Integer, nullable=False),
    Column("rows_rejected", Integer, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=False),
)
