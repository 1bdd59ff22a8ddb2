"""Complaints: what a debtor objected to, the clock it runs on, and how it was closed.

``text`` is the debtor's own words: personal data, shown only to roles that handle
complaints and never written to logs.
"""

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKeyConstraint,
    Index,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from recoverly.store.base import BigId, Code, UTCDateTime, metadata

complaints = Table(
    "complaints",
    metadata,
    Column("tenant_id", BigId, nullable=False),
    Column("complaint_id", String(64), nullable=False),
    Column("case_id", String(80), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("channel", Code(16), nullable=False),  # how the debtor complained (ReceiptChannel)
    # Which system the record came from (``api``, or the name an import gave), and that
    # system's id for it (a regulator's or the CFPB portal's complaint number).
    Column("source", Code(32), nullable=False),
    Column("external_reference", String(64)),
    Column("jurisdiction", String(8), nullable=False),
    Column("issue", String(80), nullable=False),
    # The model's suggestion when the complaint came in unclassified (see
    # compliance/complaint_classifier.py); the closing reviewer settles ``issue``.
    Column("suggested_issue", String(80)),
    Column("suggestion_probability", Float),
    Column("text", Text, nullable=False),
    Column("template", String(64)),  # the message complained about, if any
    Column("agent", String(128)),  # the agent complained about, if any
    Column("status", Code(16), nullable=False),
    Column("acknowledge_by", UTCDateTime, nullable=False),
    Column("respond_by", UTCDateTime, nullable=False),
    Column("response", Text),
    Column("responded_at", UTCDateTime),
    Column("root_cause", Text),
    Column("resolution", Text),
    Column("upheld", Boolean),
    Column("closed_at", UTCDateTime),
    Column("hold_id", BigId),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "complaint_id"),
    ForeignKeyConstraint(["tenant_id", "case_id"], ["cases.tenant_id", "cases.case_id"]),
)
Index("ix_complaints_open", complaints.c.tenant_id, complaints.c.status, complaints.c.respond_by)
# A source's reference names one complaint: re-importing a regulator's file adds nothing.
Index(
    "ix_complaints_external_reference",
    complaints.c.tenant_id,
    complaints.c.source,
    complaints.c.external_reference,
    unique=True,
)
