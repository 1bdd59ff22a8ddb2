"""Bulk upserts from Polars frames: COPY on PostgreSQL, executemany on SQLite.

The ORM and even multi-row INSERTs are an order of magnitude slower than COPY (see
shared/research/performance-floors.md), so large imports stream each batch into a
per-transaction staging table with COPY (CSV written by Polars) and merge it with one
``INSERT .. ON CONFLICT``. SQLite has no COPY; one prepared ``INSERT .. ON CONFLICT`` run
with ``executemany`` inside the import's single transaction is its fastest path.
Both run inside the caller's transaction, so a failed import leaves nothing behind.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import polars as pl
import pyarrow as pa
from pgpq import ArrowToPostgresBinaryEncoder
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Connection,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Table,
)

from recoverly.store.base import UTCDateTime
from recoverly.store.frames import UTC_INSTANT


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
    frame = _prepared(table, frame, constants)
    if frame.height == 0:
        return 0
    if conn.dialect.name == "postgresql":
        conflict = _conflict(table.name, key, update, merge_json, "{c} = {t}.{c} || excluded.{c}")
        _postgres_merge(conn, table, frame, conflict)
    else:
        merge = "{c} = json_patch({t}.{c}, excluded.{c})"
        _sqlite_insert(conn, table, frame, _conflict(table.name, key, update, merge_json, merge))
    return frame.height


def insert(
    conn: Connection,
    table: Table,
    frame: pl.DataFrame,
    *,
    constants: Mapping[str, Any] | None = None,
) -> int:
    """Insert rows the caller knows are new, by the fastest route (COPY straight into the
    table on PostgreSQL); a duplicate key fails the caller's transaction."""
    frame = _prepared(table, frame, constants)
    if frame.height == 0:
        return 0
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cur:
            _copy(cur, table, table.name, frame)
    else:
        _sqlite_insert(conn, table, frame, "")
    return frame.height


def insert_stream(
    conn: Connection,
    table: Table,
    frames: Iterable[pl.DataFrame],
    *,
    constants: Mapping[str, Any] | None = None,
) -> int:
    """Insert new rows frame by frame as the caller makes them: on PostgreSQL through one
    binary COPY, so the server loads each frame while the caller makes the next (two
    cores at work instead of one after the other). Every frame must have the same
    columns, each with a binary COPY form; SQLite takes each frame by executemany.

    Returns:
        The number of rows written.
    """
    if conn.dialect.name != "postgresql":
        return sum(insert(conn, table, frame, constants=constants) for frame in frames)
    frames = iter(frames)
    first = next(frames, None)
    if first is None:
        return 0
    first = _prepared(table, first, constants)
    types = [_binary_type(table.c[name].type) for name in first.columns]
    if any(t is None for t in types):
        raise ValueError(f"{table.name}: a column has no binary COPY form")
    casts = {name: t for name, t in zip(first.columns, types, strict=True) if t is not None}

    def typed(frame: pl.DataFrame) -> pa.Table:
        return frame.with_columns(pl.col(name).cast(t) for name, t in casts.items()).to_arrow()

    head = typed(first)
    encoder = ArrowToPostgresBinaryEncoder(head.schema)
    raw = conn.connection.driver_connection
    assert raw is not None
    written = first.height
    sql = f"COPY {table.name} ({', '.join(first.columns)}) FROM STDIN (FORMAT BINARY)"
    with raw.cursor() as cur, cur.copy(sql) as copy:
        copy.write(encoder.write_header())
        for batch in head.to_batches(max_chunksize=65_536):
            copy.write(encoder.write_batch(batch))
        for frame in frames:
            frame = _prepared(table, frame, constants)
            for batch in typed(frame).to_batches(max_chunksize=65_536):
                copy.write(encoder.write_batch(batch))
            written += frame.height
        copy.write(encoder.finish())
    return written


def _prepared(
    table: Table, frame: pl.DataFrame, constants: Mapping[str, Any] | None
) -> pl.DataFrame:
    for name, value in (constants or {}).items():
        frame = frame.with_columns(pl.lit(value).alias(name))
    unknown = [c for c in frame.columns if c not in table.c]
    if unknown:
        raise ValueError(f"{table.name} has no columns {unknown}")
    return frame


def _set_clause(table: str, update: Sequence[str], merge_json: Sequence[str], merge: str) -> str:
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


def _sqlite_insert(conn: Connection, table: Table, frame: pl.DataFrame, conflict: str) -> None:
    # SQLAlchemy's SQLite types store dates as ISO text and datetimes as naive UTC text;
    # rows written here must read back exactly as if the ORM had written them.
    columns = list(frame.columns)
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
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({placeholders}) {conflict}"
    raw = conn.connection.driver_connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        cursor.executemany(sql, frame.iter_rows())
    finally:
        cursor.close()


def _copy(cur: Any, table: Table, target: str, frame: pl.DataFrame) -> None:
    """COPY ``frame`` into ``target`` (``table`` or its staging copy): binary when every
    column has a binary form pgpq writes, else CSV.

    Binary COPY skips PostgreSQL's text parsing (timestamps above all): with the rows
    encoded from Arrow in Rust by pgpq, it loads the daily run's plan about 1.5x faster
    than CSV. Binary input must match the column types exactly, so the frame is cast to
    them first.
    """
    columns = ", ".join(frame.columns)
    types = [_binary_type(table.c[name].type) for name in frame.columns]
    if all(t is not None for t in types):
        typed = frame.with_columns(
            pl.col(name).cast(t) for name, t in zip(frame.columns, types, strict=True) if t
        ).to_arrow()
        encoder = ArrowToPostgresBinaryEncoder(typed.schema)
        with cur.copy(f"COPY {target} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.write(encoder.write_header())
            for batch in typed.to_batches(max_chunksize=65_536):
                copy.write(encoder.write_batch(batch))
            copy.write(encoder.finish())
        return
    # Polars writes the CSV in Rust, so no row passes through Python. In COPY's CSV form an
    # unquoted empty field is NULL and a quoted "" is an empty string, exactly as Polars
    # writes them; timestamps carry their offset.
    buffer = io.BytesIO()
    frame.write_csv(buffer, include_header=False)
    with cur.copy(f"COPY {target} ({columns}) FROM STDIN (FORMAT CSV)") as copy:
        view = buffer.getbuffer()
        for start in range(0, len(view), 1 << 20):
            copy.write(view[start : start + (1 << 20)])
        del view


def _binary_type(column_type: Any) -> pl.DataType | None:
    """The Polars type whose Arrow form pgpq encodes as this column's binary type."""
    if isinstance(column_type, UTCDateTime | DateTime):
        return UTC_INSTANT
    if isinstance(column_type, BigInteger):
        return pl.Int64()
    if isinstance(column_type, SmallInteger):
        return pl.Int16()
    if isinstance(column_type, Integer):
        return pl.Int32()
    if isinstance(column_type, Date):
        return pl.Date()
    if isinstance(column_type, Boolean):
        return pl.Boolean()
    if isinstance(column_type, String) and not isinstance(column_type, JSON):
        return pl.String()
    if isinstance(column_type, LargeBinary):
        return pl.Binary()  # bytea: CSV has no spelling for raw bytes
    return None  # JSON, numeric: CSV


def _postgres_merge(conn: Connection, table: Table, frame: pl.DataFrame, conflict: str) -> None:
    raw = conn.connection.driver_connection
    assert raw is not None
    stage = f"_stage_{table.name}"
    columns = ", ".join(frame.columns)
    with raw.cursor() as cur:
        cur.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {stage} "
            f"(LIKE {table.name} INCLUDING DEFAULTS) ON COMMIT DROP"
        )
        cur.execute(f"TRUNCATE {stage}")
        _copy(cur, table, stage, frame)
        cur.execute(
            f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {stage} {conflict}"
        )
