"""Duplicate ids are found across batches, each pointing at the id's first record."""

from __future__ import annotations

import itertools

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from recoverly.ingest.duplicates import DebtorDetails, DuplicateTracker
from recoverly.ingest.formats import ROW


@given(
    ids=st.lists(st.one_of(st.none(), st.sampled_from("abcdefg")), max_size=60),
    cuts=st.lists(st.integers(min_value=0, max_value=60), max_size=5),
)
def test_every_repeat_is_reported_once_with_its_first_row(
    ids: list[str | None], cuts: list[int]
) -> None:
    tracker = DuplicateTracker()
    bounds = sorted({0, len(ids), *(c for c in cuts if c <= len(ids))})
    found: list[tuple[int, int]] = []
    for start, end in itertools.pairwise(bounds):
        chunk = pl.Series(ids[start:end], dtype=pl.String)
        rows = pl.Series(range(start, end), dtype=pl.UInt32)
        found.extend(tracker.check(chunk, rows).iter_rows())
    first: dict[str, int] = {}
    expected = []
    for row, key in enumerate(ids):
        if key is None:
            continue
        if key in first:
            expected.append((row, first[key]))
        else:
            first[key] = row
    assert sorted(found) == expected


@given(
    rows=st.lists(
        st.tuples(st.sampled_from("abc"), st.one_of(st.none(), st.sampled_from("xyz"))),
        max_size=40,
    ),
    cuts=st.lists(st.integers(min_value=0, max_value=40), max_size=5),
)
def test_a_debtors_details_may_be_blank_but_never_contradict(
    rows: list[tuple[str, str | None]], cuts: list[int]
) -> None:
    details = DebtorDetails({"debtor_name": pl.col("name")})
    bounds = sorted({0, len(rows), *(c for c in cuts if c <= len(rows))})
    found: list[tuple[int, int]] = []
    for start, end in itertools.pairwise(bounds):
        frame = pl.DataFrame(
            {
                "debtor_id": [d for d, _ in rows[start:end]],
                "name": [n for _, n in rows[start:end]],
                ROW: list(range(start, end)),
            },
            schema={"debtor_id": pl.String, "name": pl.String, ROW: pl.UInt32},
        )
        found.extend((r, ref) for r, _, _, ref in details.findings(frame).iter_rows())
    first_row: dict[str, int] = {}
    given: dict[str, str] = {}
    expected = []
    for row, (debtor, name) in enumerate(rows):
        first_row.setdefault(debtor, row)
        if name is None:
            continue
        if given.setdefault(debtor, name) != name:
            expected.append((row, first_row[debtor]))
    assert sorted(found) == expected
