"""Published strategy versions: the exact document each decision can be traced back to."""

from sqlalchemy import Column, ForeignKey, Integer, PrimaryKeyConstraint, String, Table, Text

from recoverly.store.base import BigId, UTCDateTime, metadata

strategies = Table(
    "strategies",
    metadata,
    Column("tenant_id", BigId, ForeignKey("tenants.id"), nullable=False),
    Column("name", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("document", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("published_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "name", "version"),
)
