"""Pages of a tenant's rows, for every listing the API reads.

A page comes with the count of the whole filtered listing, and listings order by a unique
key (histories by time, then id) so that pages are stable. A listing under a parent (an
account's payments, a debtor's contacts) checks the parent first, so that a parent unknown
to the tenant is ``NotFound`` rather than an empty page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Connection, FromClause, Row, exists, func, select

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Slice(Generic[T]):
    """One page of a listing, and how many rows the whole (filtered) listing has."""

    items: tuple[T, ...]
    total: int


def page(
    conn: Connection,
    table: FromClause,
    where: Sequence[ColumnElement[bool]],
    order_by: Sequence[ColumnElement[Any]],
    limit: int,
    offset: int,
    make: Callable[[Row[Any]], T],
) -> Slice[T]:
    total = conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()
    rows = conn.execute(select(table).where(*where).order_by(*order_by).limit(limit).offset(offset))
    return Slice(tuple(make(row) for row in rows), int(total))


def row_exists(conn: Connection, table: FromClause, tenant_id: int, **key: str) -> bool:
    where = [table.c.tenant_id == tenant_id, *(table.c[k] == v for k, v in key.items())]
    return conn.execute(select(exists().where(*where))).scalar_one() is True
