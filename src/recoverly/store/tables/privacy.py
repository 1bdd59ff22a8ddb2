"""The privacy records: reads of personal data, erasures of it, and legal holds on it.

``personal_data_reads`` is the audit trail of personal data: every read of it by a person
(who, what, when, why). A row is written, and committed, before the data leaves: an
answer whose audit failed is never sent. Only fields shown in clear are personal data
read; a masked value is not.

``erasures`` records every erasure of a debtor's personal data and every request for one
that was refused, so that a data-protection officer can show what was done, by whom and
why. It names the debtor by the tenant's key only and the tables by their names and row
counts: the record of an erasure must not itself keep what was erased.

``legal_holds`` are explicit preservation orders (litigation, a regulator's request)
placed on a debtor's records: while one is in force, nothing of the debtor is erased.
"""

from sqlalchemy import Column, ForeignKey, ForeignKeyConstraint, Index, String, Table, Text

from recoverly.store.base import BigId, Code, Json, UTCDateTime, metadata

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

erasures = Table(
    "erasures",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("tenant_id", BigId, ForeignKey("tenants.id"), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(128), nullable=False),  # "token:7", "user:dpo", "cli:alice"
    Column("trigger", Code(16), nullable=False),  # request, retention
    Column("reason", Text, nullable=False),  # the request's reason, or the retention rule
    Column("outcome", Code(16), nullable=False),  # erased, refused, already_erased
    Column("holds", Json, nullable=False),  # refused: the legal holds, as {kind, ref, why}
    Column("tables", Json, nullable=False),  # erased: {table: rows changed or deleted}
    Column("pseudonym", String(64)),  # what the debtor is called from now on
    ForeignKeyConstraint(["tenant_id", "debtor_id"], ["debtors.tenant_id", "debtors.debtor_id"]),
)
Index("ix_erasures_debtor", erasures.c.tenant_id, erasures.c.debtor_id, erasures.c.at)

legal_holds = Table(
    "legal_holds",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("tenant_id", BigId, ForeignKey("tenants.id"), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("reason", Text, nullable=False),  # e.g. "litigation: claim 4B-1234"
    Column("placed_by", String(128), nullable=False),
    Column("placed_at", UTCDateTime, nullable=False),
    Column("released_by", String(128)),
    Column("released_at", UTCDateTime),
    ForeignKeyConstraint(["tenant_id", "debtor_id"], ["debtors.tenant_id", "debtors.debtor_id"]),
)
Index("ix_legal_holds_debtor", legal_holds.c.tenant_id, legal_holds.c.debtor_id)
