"""Templates taken out of use because they draw complaints, until a person resumes them."""

from sqlalchemy import Column, ForeignKey, PrimaryKeyConstraint, String, Table, Text

from recoverly.store.base import BigId, UTCDateTime, metadata

template_pauses = Table(
    "template_pauses",
    metadata,
    Column("tenant_id", BigId, ForeignKey("tenants.id"), nullable=False),
    Column("template", String(64), nullable=False),
    Column("paused_at", UTCDateTime, nullable=False),
    Column("reason", Text, nullable=False),
    Column("resumed_at", UTCDateTime),
    Column("resumed_by", String(128)),
    PrimaryKeyConstraint("tenant_id", "template", "paused_at"),
)
