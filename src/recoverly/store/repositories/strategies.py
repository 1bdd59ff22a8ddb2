"""Published strategy versions, per tenant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select

from recoverly.store.tables import strategies


@dataclass(frozen=True, slots=True)
class PublishedStrategy:
    name: str
    version: int
    document: str
    sha256: str
    published_at: datetime


def find(conn: Connection, tenant_id: int, name: str, version: int) -> PublishedStrategy | None:
    row = conn.execute(
        select(strategies).where(
            strategies.c.tenant_id == tenant_id,
            strategies.c.name == name,
            strategies.c.version == version,
        )
    ).first()
    return None if row is None else _published(row)


def add(conn: Connection, tenant_id: int, published: PublishedStrategy) -> None:
    conn.execute(
        insert(strategies).values(
            tenant_id=tenant_id,
            name=published.name,
            version=published.version,
            document=published.document,
            sha256=published.sha256,
            published_at=published.published_at,
        )
    )


def listing(conn: Connection, tenant_id: int) -> list[PublishedStrategy]:
    rows = conn.execute(
        select(strategies)
        .where(strategies.c.tenant_id == tenant_id)
        .order_by(strategies.c.name, strategies.c.version)
    )
    return [_published(r) for r in rows]


def _published(row: Row[Any]) -> PublishedStrategy:
    return PublishedStrategy(row.name, row.version, row.document, row.sha256, row.published_at)
