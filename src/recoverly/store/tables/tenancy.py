"""Tenants, the people who log in, and API tokens."""

from sqlalchemy import Boolean, Column, ForeignKey, String, Table, UniqueConstraint

from recoverly.store.base import BigId, Code, UTCDateTime, metadata

tenants = Table(
    "tenants",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("tenant_id", BigId, ForeignKey("tenants.id"), nullable=False),
    Column("username", String(128), nullable=False),
    Column("password_hash", String(256), nullable=False),
    Column("role", Code(16), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("tenant_id", "username"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("tenant_id", BigId, ForeignKey("tenants.id"), nullable=False),
    Column("role", Code(16), nullable=False),
    # SHA-256 of the token: tokens carry 256 random bits, so a fast hash is enough and a
    # leaked table does not leak usable tokens.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("label", String(128), nullable=False, default=""),
    # The person the token was issued to (null: an integration); it acts in their name.
    Column("user_id", BigId, ForeignKey("users.id")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
)
