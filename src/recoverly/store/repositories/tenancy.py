"""Tenants, users and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from recoverly.domain.errors import InvalidInput, NotFound
from recoverly.domain.roles import Role
from recoverly.store.tables import api_tokens, tenants, users

TOKEN_PREFIX = "rcv_"  # noqa: S105 - a marker, not a secret


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the tenant and role a token or a log-in grants, and the person
    (``user``, their log-in name) when it is one rather than an integration."""

    tenant_id: int
    tenant: str
    role: Role
    subject: str
    user: str | None = None


def tenant_id(conn: Connection, name: str) -> int:
    found = conn.execute(select(tenants.c.id).where(tenants.c.name == name)).scalar()
    if found is None:
        raise NotFound(f"no tenant named {name!r}; create it with: recoverly tenant create {name}")
    return int(found)


def tenant_name(conn: Connection, tenant_id: int) -> str:
    found: str = conn.execute(select(tenants.c.name).where(tenants.c.id == tenant_id)).scalar_one()
    return found


def create_tenant(conn: Connection, name: str, now: datetime) -> int:
    if not name or len(name) > 64 or not name.replace("-", "").replace("_", "").isalnum():
        raise InvalidInput(f"tenant name must be 1-64 letters, digits, '-' or '_'; got {name!r}")
    if conn.execute(select(tenants.c.id).where(tenants.c.name == name)).scalar() is not None:
        raise InvalidInput(f"tenant {name!r} already exists")
    result = conn.execute(insert(tenants).values(name=name, created_at=now))
    return _new_id(result.inserted_primary_key)


def _new_id(key: Row[Any] | None) -> int:
    assert key is not None
    return int(key[0])


def ensure_tenant(conn: Connection, name: str, now: datetime) -> int:
    """The id of tenant ``name``, creating it (used for the default tenant only).

    Safe when several processes meet a new database at once: the insert yields to a
    concurrent one instead of failing on the unique name.
    """
    found = conn.execute(select(tenants.c.id).where(tenants.c.name == name)).scalar()
    if found is not None:
        return int(found)
    dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(
        dialect_insert(tenants)
        .values(name=name, created_at=now)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    return int(conn.execute(select(tenants.c.id).where(tenants.c.name == name)).scalar_one())


def list_tenants(conn: Connection) -> list[str]:
    return list(conn.execute(select(tenants.c.name).order_by(tenants.c.name)).scalars())


def create_user(
    conn: Connection, tenant: int, username: str, password_hash: str, role: Role, now: datetime
) -> int:
    exists = conn.execute(
        select(users.c.id).where(users.c.tenant_id == tenant, users.c.username == username)
    ).scalar()
    if exists is not None:
        raise InvalidInput(f"user {username!r} already exists in this tenant")
    result = conn.execute(
        insert(users).values(
            tenant_id=tenant,
            username=username,
            password_hash=password_hash,
            role=role.value,
            disabled=False,
            created_at=now,
        )
    )
    return _new_id(result.inserted_primary_key)


def user_role(conn: Connection, tenant: int, username: str) -> tuple[int, Role]:
    """The id and role of an active user of the tenant."""
    row = conn.execute(
        select(users.c.id, users.c.role).where(
            users.c.tenant_id == tenant, users.c.username == username, ~users.c.disabled
        )
    ).first()
    if row is None:
        raise NotFound(f"no active user {username!r} in this tenant")
    return int(row.id), Role(row.role)


def user_credentials(conn: Connection, tenant: int, username: str) -> tuple[str, Role] | None:
    row = conn.execute(
        select(users.c.password_hash, users.c.role).where(
            users.c.tenant_id == tenant, users.c.username == username, ~users.c.disabled
        )
    ).first()
    return None if row is None else (row.password_hash, Role(row.role))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    conn: Connection,
    tenant: int,
    role: Role,
    label: str,
    now: datetime,
    user_id: int | None = None,
) -> str:
    """Issue a bearer token; only its hash is stored, so it is shown once. A token issued
    to a user (``user_id``) acts as that person, and stops working when they are disabled."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    conn.execute(
        insert(api_tokens).values(
            tenant_id=tenant,
            role=role.value,
            token_hash=_hash(token),
            label=label,
            user_id=user_id,
            created_at=now,
        )
    )
    return token


def principal_for_token(conn: Connection, token: str) -> Principal | None:
    row = conn.execute(
        select(
            api_tokens.c.id,
            api_tokens.c.role,
            tenants.c.id.label("tid"),
            tenants.c.name,
            users.c.username,
            users.c.disabled,
        )
        .join(tenants, tenants.c.id == api_tokens.c.tenant_id)
        .outerjoin(users, users.c.id == api_tokens.c.user_id)
        .where(api_tokens.c.token_hash == _hash(token), api_tokens.c.revoked_at.is_(None))
    ).first()
    if row is None or row.disabled:
        return None
    return Principal(int(row.tid), row.name, Role(row.role), f"token:{row.id}", row.username)


def revoke_token(conn: Connection, token: str, now: datetime | None = None) -> bool:
    result = conn.execute(
        update(api_tokens)
        .where(api_tokens.c.token_hash == _hash(token), api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now or datetime.now(UTC))
    )
    return result.rowcount > 0
