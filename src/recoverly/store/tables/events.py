"""Payments, contact attempts and promises to pay."""

from sqlalchemy import (
    CHAR,
    Column,
    Date,
    ForeignKeyConstraint,
    Index,
    PrimaryKeyConstraint,
    String,
    Table,
)

from recoverly.store.base import BigId, Code, Minor, UTCDateTime, metadata

payments = Table(
    "payments",
    metadata,
    Column("tenant_id", BigId, nullable=False),
    Column("payment_id", String(64), nullable=False),
    Column("account_id", String(64), nullable=False),
    Column("currency", CHAR(3), nullable=False),
    Column("amount_minor", Minor, nullable=False),
    Column("paid_at", UTCDateTime, nullable=False),
    Column("method", Code(32), nullable=False),
    Column("reference", String(128)),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "payment_id"),
    ForeignKeyConstraint(
        ["tenant_id", "account_id"], ["accounts.tenant_id", "accounts.account_id"]
    ),
)
Index("ix_payments_tenant_account", payments.c.tenant_id, payments.c.account_id)

# How each payment was applied to its account's balance (fees, interest, principal) and
# what exceeded it; written once, when the payment is first recorded.
payment_allocations = Table(
    "payment_allocations",
    metadata,
    Column("tenant_id", BigId, nullable=False),
    Column("payment_id", String(64), nullable=False),
    Column("account_id", String(64), nullable=False),
    Column("fees_minor", Minor, nullable=False),
    Column("interest_minor", Minor, nullable=False),
    Column("principal_minor", Minor, nullable=False),
    Column("excess_minor", Minor, nullable=False),
    Column("allocated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "payment_id"),
    ForeignKeyConstraint(
        ["tenant_id", "payment_id"], ["payments.tenant_id", "payments.payment_id"]
    ),
)

contact_attempts = Table(
    "contact_attempts",
    metadata,
    Column("tenant_id", BigId, nullable=False),
    Column("contact_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("account_id", String(64)),
    Column("plan_id", String(96)),
    Column("channel", Code(16), nullable=False),
    Column("direction", Code(16), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("outcome", Code(32), nullable=False),
    Column("party", Code(24)),  # who was reached when not the debtor (null: the debtor)
    # The person who made or took the contact (null: a machine, or not known); complaints
    # are attributed to agents through it (docs/kpis.md).
    Column("agent", String(128)),
    # The call's recording, by the SHA-256 it is stored under in the blob store; the
    # evidence log holds the same hash, so a recording swapped later is found out.
    Column("recording_sha256", String(64)),
    Column("created_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "contact_id"),
    ForeignKeyConstraint(["tenant_id", "debtor_id"], ["debtors.tenant_id", "debtors.debtor_id"]),
    ForeignKeyConstraint(
        ["tenant_id", "account_id"], ["accounts.tenant_id", "accounts.account_id"]
    ),
)
Index(
    "ix_contact_attempts_tenant_debtor_at",
    contact_attempts.c.tenant_id,
    contact_attempts.c.debtor_id,
    contact_attempts.c.at,
)

promises = Table(
    "promises",
    metadata,
    Column("tenant_id", BigId, nullable=False),
    Column("promise_id", String(64), nullable=False),
    Column("account_id", String(64), nullable=False),
    Column("currency", CHAR(3), nullable=False),
    Column("amount_minor", Minor, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("made_at", UTCDateTime, nullable=False),
    Column("status", Code(16), nullable=False),
    PrimaryKeyConstraint("tenant_id", "promise_id"),
    ForeignKeyConstraint(
        ["tenant_id", "account_id"], ["accounts.tenant_id", "accounts.account_id"]
    ),
)
