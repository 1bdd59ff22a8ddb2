"""Generic engineered features for the gradient-boosting model.

Only things that mean the same on any credit table are built: per-row counts (missing,
zero and negative cells) and, for numeric series whose names differ only by a trailing
number (``BILL_AMT1`` … ``BILL_AMT6``, ``pay 1`` … ``pay 12``: monthly histories), their
mean, spread, extremes and first-minus-last change. Nothing names a particular data set.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from recoverly.scoring.frame import Column, Kind

if TYPE_CHECKING:
    import polars as pl

SERIES_NAME = re.compile(r"^(.*?)[\s_.-]*(\d+)$")
MIN_SERIES_LENGTH = 3


def numeric_series(columns: tuple[Column, ...]) -> dict[str, list[Column]]:
    """Numeric columns grouped by their name stem, each group ordered by its number."""
    groups: dict[str, list[tuple[int, Column]]] = {}
    for column in columns:
        match = SERIES_NAME.match(column.name)
        if column.kind is Kind.numeric and match and match.group(1):
            groups.setdefault(match.group(1), []).append((int(match.group(2)), column))
    return {
        stem: [column for _, column in sorted(members, key=lambda m: m[0])]
        for stem, members in groups.items()
        if len(members) >= MIN_SERIES_LENGTH
    }


def engineered(
    features: pl.DataFrame, columns: tuple[Column, ...]
) -> tuple[pl.DataFrame, tuple[Column, ...]]:
    """``features`` with the engineered columns appended, and the extended column list."""
    import polars as pl

    numeric = [pl.col(c.key) for c in columns if c.kind is Kind.numeric]
    made: list[tuple[str, pl.Expr]] = [
        ("missing cells", pl.sum_horizontal(pl.col(c.key).is_null() for c in columns)),
    ]
    if numeric:
        made += [
            ("zero cells", pl.sum_horizontal(col == 0 for col in numeric)),
            ("negative cells", pl.sum_horizontal(col < 0 for col in numeric)),
        ]
    for stem, members in numeric_series(columns).items():
        keys = [pl.col(c.key) for c in members]
        made += [
            (f"{stem}* mean", pl.mean_horizontal(keys)),
            (f"{stem}* std", pl.concat_list(keys).list.std()),
            (f"{stem}* min", pl.min_horizontal(keys)),
            (f"{stem}* max", pl.max_horizontal(keys)),
            (f"{stem}* first-last", keys[0] - keys[-1]),
            (f"{stem}* positive", pl.sum_horizontal(key > 0 for key in keys)),
            (f"{stem}* zero", pl.sum_horizontal(key == 0 for key in keys)),
            (f"{stem}* negative", pl.sum_horizontal(key < 0 for key in keys)),
        ]
    extra = [Column(name=name, key=f"e{i}", kind=Kind.numeric) for i, (name, _) in enumerate(made)]
    frame = features.with_columns(
        expr.cast(pl.Float64).alias(column.key)
        for (_, expr), column in zip(made, extra, strict=True)
    )
    return frame, (*columns, *extra)
