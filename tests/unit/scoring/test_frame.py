"""Typing a modelling table: which columns become numbers, categories, or are left out."""

from __future__ import annotations

import polars as pl
import pytest

from recoverly.domain.errors import InvalidInput
from recoverly.scoring.frame import Kind, prepare

ROWS = 60


def _frame(**extra: list[object]) -> pl.DataFrame:
    data: dict[str, list[object]] = {
        "y": [k % 2 for k in range(ROWS)],
        "id": [f"A{k}" for k in range(ROWS)],
    }
    return pl.DataFrame({**data, **extra}, strict=False)


def test_columns_are_typed_and_identifiers_and_constants_left_out() -> None:
    table = prepare(
        _frame(
            **{
                "amount (text)": [str(k) if k != 5 else "n/a" for k in range(ROWS)],
                "region": ["north", "south", None] * (ROWS // 3),
                "name": [f"person {k}" for k in range(ROWS)],
                "same": ["x"] * ROWS,
            }
        ),
        "y",
        "id",
        "t.csv",
    )
    kinds = {c.name: c.kind for c in table.columns}
    # 59 of 60 cells are numbers: numeric, "n/a" becomes missing.
    assert kinds == {"amount (text)": Kind.numeric, "region": Kind.categorical}
    assert table.dropped_columns == ("name", "same")
    assert [c.key for c in table.columns] == ["c0", "c1"]
    assert table.features.get_column("c0").null_count() == 1


def test_rows_with_another_target_are_counted_and_left_out() -> None:
    frame = _frame(x=list(range(ROWS))).with_columns(pl.col("y").cast(pl.String))
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) < 3).then(pl.lit("maybe")).otherwise(pl.col("y")).alias("y")
    )
    table = prepare(frame, "y", None, "t.csv")
    assert (table.n_rows, table.excluded_rows, len(table.target)) == (ROWS, 3, ROWS - 3)
    assert table.excluded_values == ("maybe",)


def test_a_target_of_many_values_is_not_binary() -> None:
    frame = _frame(x=list(range(ROWS))).with_columns(pl.col("x").alias("y"))
    with pytest.raises(InvalidInput, match=r"t\.csv: target column .y. is not binary"):
        prepare(frame, "y", None, "t.csv")
