"""Accounts: balances in minor units, the dates delinquency is derived from, attributes."""

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

from recoverly.store.base import BigId, Code, Json, Minor, UTCDateTime, metadata

accounts = Table(
    "accounts",
    metadata,
    Column("tenant_id", BigId, nullable=False),
    Column("account_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("case_id", String(80), nullable=False),
    Column("product", Code(32), nullable=False),
    Column("currency", CHAR(3), nullable=False),
    Column("principal_minor", Minor, nullable=False),
    Column("interest_minor", Minor, nullable=False),
    Column("fees_minor", Minor, nullable=False),
    Column("original_amount_minor", Minor),
    Column("credit_limit_minor", Minor),
    Column("due_date", Date, nullable=False),
    Column("past_due_since", Date),
    Column("open_date", Date),
    Column("last_payment_date", Date),
    Column("last_payment_minor", Minor),
    Column("attributes", Json, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("tenant_id", "account_id"),
    ForeignKeyConstraint(["tenant_id", "debtor_id"], ["debtors.tenant_id", "debtors.debtor_id"]),
    ForeignKeyConstraint(["tenant_id", "case_id"], ["cases.tenant_id", "cases.case_id"]),
)
Index("ix_accounts_tenant_debtor", accounts.c.tenant_id, accounts.c.debtor_id)
Index("ix_accounts_tenant_case", accounts.c.tenant_id, accounts.c.case_id)
