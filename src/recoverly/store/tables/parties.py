"""Debtors and their contact points.

A debtor erased for privacy (on request, or when its retention period ended) keeps its
row, so that ledgers and counts still join, but under a pseudonym and with ``erased_at``
set; its contact points are deleted (see ``store/repositories/personal_data.py``).
"""

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
    Column("erased_at", UTCDateTime),  # personal data erased; the row is a pseudonym since
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
    # When the debtor gave or withdrew the consent recorded (null: never asked, or not known).
    Column("consent_at", UTCDateTime),
    # What the point may be used for (domain.parties.ContactPurpose): a point given for
    # servicing an account is not thereby given for collecting on it (GDPR art. 5(1)(b)).
    Column("purpose", Code(16), nullable=False, server_default="collection"),
    Column("verification", Code(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "debtor_id", "kind", "value"),
    ForeignKeyConstraint(["tenant_id", "debtor_id"], ["debtors.tenant_id", "debtors.debtor_id"]),
)
