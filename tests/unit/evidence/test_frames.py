"""The column-wise encoder gives exactly the bytes RFC 8785 gives, row by row."""

from __future__ import annotations

import polars as pl
import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from recoverly.domain.errors import InvalidInput
from recoverly.evidence.frames import canonical_entries

NAMES = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=8)
TEXT = st.text(  # every plane, control characters, quotes, backslashes, U+2028
    st.characters(blacklist_categories=["Cs"]), max_size=12
) | st.sampled_from(['"', "\\", "\t", "\x00", "\x7f", "\u2028", "é中", "\\u0000"])
INTS = st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)


@st.composite
def frames(draw: st.DrawFn) -> pl.DataFrame:
    names = draw(st.lists(NAMES, min_size=1, max_size=5, unique=True))
    rows = draw(st.integers(min_value=1, max_value=6))
    columns = {}
    for name in names:
        values = st.none() | (TEXT if draw(st.booleans()) else INTS)
        drawn = draw(st.lists(values, min_size=rows, max_size=rows))
        if all(v is None or isinstance(v, str) for v in drawn):
            columns[name] = pl.Series(name, drawn, dtype=pl.String)
        elif all(v is None or isinstance(v, int) for v in drawn):
            columns[name] = pl.Series(name, drawn, dtype=pl.Int64)
        else:  # mixed draws: make the column text
            columns[name] = pl.Series(name, [None if v is None else str(v) for v in drawn])
    return pl.DataFrame(columns)


@settings(max_examples=300)
@given(frames())
def test_each_row_is_its_rfc8785_encoding(frame: pl.DataFrame) -> None:
    expected = [rfc8785.dumps(row) for row in frame.iter_rows(named=True)]
    assert canonical_entries(frame) == expected


def test_integers_beyond_exact_doubles_are_refused_naming_the_column() -> None:
    with pytest.raises(InvalidInput, match="'amount'"):
        canonical_entries(pl.DataFrame({"amount": [2**53]}))


def test_other_types_are_refused_naming_the_column() -> None:
    with pytest.raises(InvalidInput, match=r"'ratio'.*neither text nor integer"):
        canonical_entries(pl.DataFrame({"ratio": [0.5]}))
