"""Bulk upserts from Polars frames: COPY on PostgreSQL, executemany on SQLite.

The ORM and even multi-row INSERTs are an order of magnitude slower than COPY (see
shared/research/performance-floors.md), so large imports stream each batch into a
per-transaction staging table with binary COPY and merge it with one
``INSERT .. ON CONFLICT``. SQLite has no COPY; one prepared ``INSERT .. ON CONFLICT`` run
with ``executemany`` inside the import's single transaction is its fastest path.
Both run inside the caller's transaction, so a failed import leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl
from sqlalchemy import JSON, Connection, Table

from recoverly.store.base import UTCDateTime


def upsert(
    conn: Connection,
    table: Table,
    frame: pl.DataFrame,
    *,
    key: Sequence[str],
    update: Sequence[str],
    constants: Mapping[str, Any] | None = None,
    merge_json: Sequence[str] = (),
) -> int:
    """Insert ``frame``'s rows into ``table``; on a key conflict update ``update`` only.

    Args:
        conn: a connection inside the caller's transaction.
        table: the target table; ``frame`` plus ``constants`` must name its columns.
        key: the conflict target (the primary key).
        update: the columns an existing row takes from the new one; empty means keep the
            existing row untouched.
        constants: values shared by every row (tenant, timestamps).
        merge_json: JSON columns merged key by key instead of replaced.

    Returns:
        The number of rows written.
    """
    if frame.height == 0:
        return 0
    for name, value in (constants or {}).items():
        frame = frame.with_columns(pl.lit(value).alias(name))
    columns = list(frame.columns)
    unknown = [c for c in columns if c not in table.c]
    if unknown:
        raise ValueError(f"{table.name} has no columns {unknown}")
    if conn.dialect.name == "postgresql":
        _postgres(conn, table, frame, columns, key, update, merge_json)
    else:
        _sqlite(conn, table, frame, columns, key, update, merge_json)
    return frame.height


def _set_clause(
    table: str, update: Sequence[str], merge_json: Sequence[str], merge: str
) -> str:
    parts = []
    for c in update:
        if c in merge_json:
            parts.append(merge.format(t=table, c=c))
        else:
            parts.append(f"{c} = excluded.{c}")
    return ", ".join(parts)


def _conflict(
    table: str, key: Sequence[str], update: Sequence[str], merge_json: Sequence[str], merge: str
) -> str:
    target = ", ".join(key)
    if not update:
        return f"ON CONFLICT ({target}) DO NOTHING"
    return f"ON CONFLICT ({target}) DO UPDATE SET {_set_clause(table, update, merge_json, merge)}"


def _sqlite(
    conn: Connection,
    table: Table,
    frame: pl.DataFrame,
    columns: list[str],
    key: Sequence[str],
    update: Sequence[str],
    merge_json: Sequence[str],
) -> None:
    # SQLAlchemy's SQLite types store dates as ISO text and datetimes as naive UTC text;
    # rows written here must read back exactly as if the ORM had written them.
    casts = []
    for name in columns:
        col_type = table.c[name].type
        dtype = frame.schema[name]
        if isinstance(col_type, UTCDateTime) and dtype != pl.String:
            casts.append(
                pl.col(name)
                .dt.convert_time_zone("UTC")
                .dt.strftime("%Y-%m-%d %H:%M:%S.%6f")
                .alias(name)
            )
        elif dtype == pl.Date:
            casts.append(pl.col(name).cast(pl.String))
    if casts:
        frame = frame.with_columns(casts)
    placeholders = ", ".join("?" for _ in columns)
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({placeholders}) "
        + _conflict(table.name, key, update, merge_json, "{c} = json_patch({t}.{c}, excluded.{c})")
    )
    raw = conn.connection.driver_connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        cursor.executemany(sql, frame.iter_rows())
    finally:
        cursor.close()


def _pg_type(col_type: object, dtype: pl.DataType) -> str:
    if isinstance(col_type, UTCDateTime):
        return "timestamptz"
    if isinstance(col_type, JSON):
        return "jsonb"
    if dtype == pl.Date:
        return "date"
    if dtype == pl.Boolean:
        return "bool"
    if dtype.is_integer():
        return "int8"
    return "text"


def _postgres(
    conn: Connection,
    table: Table,
    frame: pl.DataFrame,
    columns: list[str],
    key: Sequence[str],
    update: Sequence[str],
    merge_json: Sequence[str],
) -> None:
    raw = conn.connection.driver_connection
    assert raw is not None
    stage = f"_stage_{table.name}"
    types = [_pg_type(table.c[name].type, frame.schema[name]) for name in columns]
    # jsonb's binary wire form is a version byte and the JSON text. psycopg would encode a
    # str as a JSON *string*, so the JSON text goes as raw bytes that the server reads
    # with jsonb's own receive function (the column's type, not the declared one, decides).
    raw_json = [name for name, kind in zip(columns, types, strict=True) if kind == "jsonb"]
    if raw_json:
        frame = frame.with_columns(
            (pl.lit("\x01") + pl.col(name)).cast(pl.Binary).alias(name) for name in raw_json
        )
        types = ["bytea" if kind == "jsonb" else kind for kind in types]
    col_list = ", ".join(columns)
    with raw.cursor() as cur:
        cur.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {stage} "
            f"(LIKE {table.name} INCLUDING DEFAULTS) ON COMMIT DROP"
        )
        cur.execute(f"TRUNCATE {stage}")
        with cur.copy(f"COPY {stage} ({col_list}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(types)
            for row in frame.iter_rows():
                copy.write_row(row)
        merge = "{c} = {t}.{c} || excluded.{c}"
        cur.execute(
            f"INSERT INTO {table.name} ({col_list}) SELECT {col_list} FROM {stage} "
            + _conflict(table.name, key, update, merge_json, merge)
        )
