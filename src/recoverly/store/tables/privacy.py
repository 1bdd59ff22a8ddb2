"""The audit trail of personal data: every read of it by a person (who, what, when, why).

A row is written, and committed, before the data leaves: an answer whose audit failed is
never sent. Only fields shown in clear are personal data read; a masked value is not.
"""

from sqlalchemy import Column, ForeignKey, Index, String, Table

from recoverly.store.base import BigId, Code, UTCDateTime, metadata

personal_data_reads = Table(
    "personal_data_reads",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("tenant_id", BigId, ForeignKey("tenants.id"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(128), nullable=False),  # the user or token that read
    Column("role", Code(16), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("fields", String(128), nullable=False),  # comma-separated personal fields
    Column("purpose", String(64), nullable=False),
    Column("via", String(160), nullable=False),  # e.g. "GET /api/v1/debtors/{debtor_id}"
)
Index(
    "ix_personal_data_reads_debtor",
    personal_data_reads.c.tenant_id,
    personal_data_reads.c.debtor_id,
    personal_data_reads.c.at,
)
