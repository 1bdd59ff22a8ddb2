"""Debtors and their contact points."""

from sqlalchemy import (
    CHAR,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from recoverly.store.base import BigId, Code, UTCDateTime, metadata

debtors = Table(
    "debtors",
    metadata,
    Column("tenant_id", BigId, ForeignKey("tenants.id"), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("debtor_type", Code(16), nullable=False),
    Column("name", String(256), nullable=False),
    Column("national_id", String(64)),
    Column("country", CHAR(2), nullable=False),
    Column("region", String(8)),
    Column("timezone", String(64), nullable=False),
    Column("language", String(35)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "debtor_id"),
)

contact_points = Table(
    "contact_points",
    metadata,
    Column("tenant_id", BigId, nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("kind", Code(16), nullable=False),
    Column("value", Text, nullable=False),
    Column("source", String(256), nullable=False),
    Column("consent", Code(16), nullable=False),
    Column("verification", Code(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "debtor_id", "kind", "value"),
    ForeignKeyConstraint(["tenant_id", "debtor_id"], ["debtors.tenant_id", "debtors.debtor_id"]),
)
