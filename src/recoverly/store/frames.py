"""Query results as Polars frames, typed from the query itself.

One place turns rows into frames: the snapshot, arrangements and reports all read through
here, so an empty result has the same column types as a full one, instants are UTC-aware
and money in minor units stays integer (or exact decimal), never float.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy import Boolean, Connection, Date, DateTime, Integer, Numeric, Select

from recoverly.store.base import UTCDateTime

UTC_INSTANT = pl.Datetime("us", "UTC")


def query_frame(conn: Connection, query: Select[Any]) -> pl.DataFrame:
    """Run ``query`` on ``conn`` (bound parameters, the caller's transaction) as a frame."""
    return pl.DataFrame(conn.execute(query).all(), schema=schema_of(query), orient="row")


def schema_of(query: Select[Any]) -> dict[str, pl.DataType]:
    """Polars types for a query's columns, so that even an empty result is typed."""
    schema: dict[str, pl.DataType] = {}
    for column in query.selected_columns:
        kind = column.type
        if isinstance(kind, UTCDateTime | DateTime):
            dtype: pl.DataType = UTC_INSTANT
        elif isinstance(kind, Date):
            dtype = pl.Date()
        elif isinstance(kind, Integer):
            dtype = pl.Int64()
        elif isinstance(kind, Numeric):
            dtype = pl.Decimal(38, kind.scale or 0)
        elif isinstance(kind, Boolean):
            dtype = pl.Boolean()
        else:
            dtype = pl.String()
        schema[column.name] = dtype
    return schema
