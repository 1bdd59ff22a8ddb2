"""Duplicate ids across a whole file, which batches cannot see on their own."""

from __future__ import annotations

import polars as pl

from recoverly.ingest.formats import ROW

_SEEN = {"id": pl.String, "first": pl.UInt32}


class DuplicateTracker:
    """Ids seen so far in this file, with the record where each first appeared.

    Kept as Arrow columns rather than a Python dict: a million ids cost tens of
    megabytes instead of hundreds, which keeps large imports within bounded memory.
    """

    def __init__(self) -> None:
        self._seen: list[pl.DataFrame] = []

    def check(self, ids: pl.Series, rows: pl.Series) -> pl.DataFrame:
        """Rows whose id appeared on an earlier record, with that record's row."""
        batch = pl.DataFrame({"id": ids, ROW: rows.cast(pl.UInt32)}).drop_nulls("id")
        first_here = batch.group_by("id").agg(pl.col(ROW).min().alias("first"))
        seen = pl.concat(self._seen, rechunk=False) if self._seen else pl.DataFrame(schema=_SEEN)
        known = first_here.join(seen, on="id", how="left", suffix="_seen")
        first = known.select("id", pl.coalesce("first_seen", "first").alias("first"))
        self._seen.append(known.filter(pl.col("first_seen").is_null()).select("id", "first"))
        return (
            batch.join(first, on="id", how="inner")
            .filter(pl.col(ROW) != pl.col("first"))
            .select(pl.col(ROW), pl.col("first").alias("first_row"))
            .sort(ROW)
        )

    def findings(self, ids: pl.Series, rows: pl.Series, column: str) -> pl.DataFrame:
        """``check`` as error rows (``ROW, column, message, ref_row``) for the report."""
        return self.check(ids, rows).select(
            pl.col(ROW),
            pl.lit(column).alias("column"),
            pl.lit(f"{column}: duplicate id, first used on line {{ref}}").alias("message"),
            pl.col("first_row").alias("ref_row"),
        )
