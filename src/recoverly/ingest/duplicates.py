"""What a file's batches must remember of each other, which no single batch can see:
ids already used, and the details each debtor was first given."""

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


class DebtorDetails:
    """The details a file gives each debtor, to catch rows that contradict each other.

    A debtor with several accounts appears on several rows. An empty cell means "not
    given" and contradicts nothing, but two different values for the same detail do:
    the store could only keep one of them. Per debtor and detail only a hash of the
    value first given is kept, so memory stays small for large files.
    """

    def __init__(self, details: dict[str, pl.Expr]) -> None:
        """``details``: the file column each detail is reported on, and its normalised value."""
        self._details = details
        self._seen: list[pl.DataFrame] = []  # per batch: each debtor's first row and values

    def findings(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Rows giving a detail another value than the debtor's earlier rows gave."""
        names = list(self._details)
        hashed = frame.select(
            pl.col("debtor_id").alias("id"),
            pl.col(ROW),
            *(
                pl.when(value.is_not_null()).then(value.hash()).alias(name)
                for name, value in self._details.items()
            ),
        ).drop_nulls("id")
        first_values = [pl.col(n).drop_nulls().first() for n in names]
        self._seen.append(
            hashed.sort(ROW)
            .group_by("id", maintain_order=True)
            .agg(pl.col(ROW).first().alias("first"), *first_values)
        )
        # Only this batch's debtors are looked up in the history, which only grows by
        # appending: no batch copies what earlier batches remembered.
        given = (
            pl.concat(self._seen, rechunk=False)
            .join(self._seen[-1].select("id"), on="id", how="semi")
            .sort("first")
            .group_by("id", maintain_order=True)
            .agg(pl.col("first").first(), *first_values)
        )
        joined = hashed.join(given, on="id", how="inner", suffix="_given")
        return pl.concat(
            [
                joined.filter(
                    pl.col(name).is_not_null() & (pl.col(name) != pl.col(f"{name}_given"))
                ).select(
                    pl.col(ROW),
                    pl.lit(name).alias("column"),
                    pl.lit(f"{name}: the debtor was given another {name} on line {{ref}}").alias(
                        "message"
                    ),
                    pl.col("first").cast(pl.UInt32).alias("ref_row"),
                )
                for name in names
            ]
        ).sort(ROW)
