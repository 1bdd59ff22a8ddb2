"""The compliance queue of conversation QA: every alert a text raised, until reviewed.

An alert is unique per text, rule and position, so screening the same text again (a
dispatcher that crashed and retried, a note saved twice) never queues it twice.
"""

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from recoverly.store.base import BigId, Code, UTCDateTime, metadata

qa_alerts = Table(
    "qa_alerts",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("tenant_id", BigId, ForeignKey("tenants.id"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("source_kind", Code(16), nullable=False),  # message, note, transcript
    Column("source_id", String(96), nullable=False),  # plan id, note id, call id
    Column("case_id", String(80)),
    Column("agent", String(128)),  # who wrote or said it, when a person did
    Column("rule", String(64), nullable=False),
    Column("category", String(40), nullable=False),
    Column("severity", Code(8), nullable=False),
    Column("citation", Text, nullable=False),
    Column("span_start", Integer, nullable=False),
    Column("span_end", Integer, nullable=False),
    Column("excerpt", String(200), nullable=False),  # the words that raised it
    Column("status", Code(16), nullable=False),  # open, confirmed, dismissed
    Column("reviewed_by", String(128)),
    Column("reviewed_at", UTCDateTime),
    Column("review_note", Text),
    UniqueConstraint("tenant_id", "source_kind", "source_id", "rule", "span_start"),
)
Index("ix_qa_alerts_queue", qa_alerts.c.tenant_id, qa_alerts.c.status, qa_alerts.c.at)
Index("ix_qa_alerts_agent", qa_alerts.c.tenant_id, qa_alerts.c.agent, qa_alerts.c.at)
