"""Duplicate ids across a whole file, which batches cannot see on their own."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from recoverly.ingest.formats import ROW


@dataclass
class DuplicateTracker:
    """Ids seen so far in this file, with the record where each first appeared."""

    first_row: dict[str, int] = field(default_factory=dict)

    def check(self, ids: pl.Series, rows: pl.Series) -> pl.DataFrame:
        """Rows whose id was seen before, with the row it was first seen on."""
        dup_rows: list[int] = []
        firsts: list[int] = []
        seen = self.first_row
        for key, row in zip(ids.to_list(), rows.to_list(), strict=True):
            if key is None:
                continue
            first = seen.setdefault(key, row)
            if first != row:
                dup_rows.append(row)
                firsts.append(first)
        return pl.DataFrame(
            {ROW: dup_rows, "first_row": firsts}, schema={ROW: pl.UInt32, "first_row": pl.UInt32}
        )
