"""Engineered features: series found by name alone, and row-wise values that can be checked."""

from __future__ import annotations

import polars as pl
import pytest

from recoverly.scoring.features import engineered, numeric_series
from recoverly.scoring.frame import Column, Kind


def _columns(*names: str, kind: Kind = Kind.numeric) -> tuple[Column, ...]:
    return tuple(Column(name=n, key=f"c{i}", kind=kind) for i, n in enumerate(names))


def test_series_are_names_that_differ_by_a_trailing_number_in_numeric_order() -> None:
    columns = _columns("bill 10", "bill 2", "bill 1", "PAY_0", "PAY_2", "age", "PAY_3")
    groups = numeric_series(columns)
    assert {stem: [c.name for c in cs] for stem, cs in groups.items()} == {
        "bill": ["bill 1", "bill 2", "bill 10"],
        "PAY": ["PAY_0", "PAY_2", "PAY_3"],
    }


def test_two_columns_or_text_columns_are_not_a_series() -> None:
    assert numeric_series(_columns("x1", "x2")) == {}
    assert numeric_series(_columns("t1", "t2", "t3", kind=Kind.categorical)) == {}


def test_row_counts_and_series_summaries() -> None:
    columns = _columns("m1", "m2", "m3")
    frame = pl.DataFrame({"c0": [3.0, None], "c1": [0.0, -1.0], "c2": [-3.0, 5.0]})
    out, extended = engineered(frame, columns)
    by_name = {c.name: out.get_column(c.key).to_list() for c in extended[3:]}
    assert by_name["missing cells"] == [0.0, 1.0]
    assert by_name["zero cells"] == [1.0, 0.0]
    assert by_name["negative cells"] == [1.0, 1.0]
    assert by_name["m* first-last"][0] == pytest.approx(6.0)
    assert by_name["m* positive"] == [1.0, 1.0]
    assert by_name["m* mean"] == pytest.approx([0.0, 2.0])
