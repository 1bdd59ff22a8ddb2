"""The transactional outbox: planned messages waiting for, or done with, a dispatcher.

Rows are written in the same transaction as the plan, so a message exists exactly when
its plan item does. Dispatchers claim due rows (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL) with a lease that expires, so a crashed dispatcher's rows are taken over.
"""

from sqlalchemy import (
    CHAR,
    Column,
    Index,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from recoverly.store.base import BigId, Code, UTCDateTime, metadata

outbox = Table(
    "outbox",
    metadata,
    Column("tenant_id", BigId, nullable=False),
    Column("plan_id", String(96), nullable=False),
    Column("channel", Code(16), nullable=False),
    Column("template", String(64), nullable=False),
    Column("status", Code(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("not_before", UTCDateTime, nullable=False),
    Column("claimed_by", String(64)),
    Column("claimed_until", UTCDateTime),
    Column("provider_id", String(128)),
    Column("locale", String(35)),
    Column("template_version", Integer),
    Column("content_sha256", String(64)),
    Column("last_error", Text),
    # Minor units with fractions: an e-mail can cost a tenth of a cent.
    Column("cost_minor", Numeric(18, 6)),
    Column("cost_currency", CHAR(3)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    # No foreign key to plan_items: see store/tables/plans.py for why.
    PrimaryKeyConstraint("tenant_id", "plan_id"),
)
Index("ix_outbox_status_not_before", outbox.c.status, outbox.c.not_before)
# Only sent rows have a provider id: the others need no index entry.
Index(
    "ix_outbox_provider_id",
    outbox.c.provider_id,
    postgresql_where=outbox.c.provider_id.is_not(None),
    sqlite_where=outbox.c.provider_id.is_not(None),
)

# What providers said became of the messages they accepted, kept as received. A receipt
# can arrive before the dispatcher has recorded the send it is about (providers post
# within milliseconds of accepting): it waits here, unapplied, until the send is
# recorded. Provider ids are unique per provider, so receipts name no tenant; they
# carry no personal data, and reach a tenant only through its outbox row.
delivery_receipts = Table(
    "delivery_receipts",
    metadata,
    Column("provider_id", String(128), nullable=False),
    Column("outcome", Code(16), nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("applied_at", UTCDateTime),
    PrimaryKeyConstraint("provider_id", "outcome"),
)
Index(
    "ix_delivery_receipts_unapplied",
    delivery_receipts.c.received_at,
    postgresql_where=delivery_receipts.c.applied_at.is_(None),
    sqlite_where=delivery_receipts.c.applied_at.is_(None),
)
