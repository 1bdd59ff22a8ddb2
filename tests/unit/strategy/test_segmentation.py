"""A strategy applied to cases: first matching segment, stable champion/challenger draws."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from recoverly.strategy.loader import load_default
from recoverly.strategy.segmentation import assign

STRATEGY = load_default()


def _cases(rows: list[dict[str, object]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "case_id": pl.String,
            "bucket": pl.String,
            "balance": pl.Decimal(38, 4),
            "currency": pl.String,
        },
    )


def test_each_case_takes_the_first_segment_it_matches() -> None:
    cases = _cases(
        [
            {"case_id": "C1", "bucket": "180+", "balance": Decimal("9000"), "currency": "USD"},
            {"case_id": "C2", "bucket": "180+", "balance": Decimal("9000"), "currency": "JPY"},
            {"case_id": "C3", "bucket": "60-89", "balance": Decimal("2500"), "currency": "EUR"},
            {"case_id": "C4", "bucket": "60-89", "balance": Decimal("1999.99"), "currency": "EUR"},
            {"case_id": "C5", "bucket": "1-29", "balance": Decimal("10"), "currency": "CNY"},
            {"case_id": "C6", "bucket": "current", "balance": Decimal("10"), "currency": "CNY"},
            {"case_id": "C7", "bucket": None, "balance": None, "currency": None},
        ]
    )
    got = dict(assign(cases, STRATEGY).select("case_id", "segment").iter_rows())
    assert got == {
        "C1": "late_legal",  # large and old, in a currency the threshold is written for
        "C2": "late_agency",  # 9,000 yen is not a large balance
        "C3": "mid_high_balance",
        "C4": "mid_agents",
        "C5": "early_digital",
        "C6": "current",
        "C7": "current",  # nothing known: only the catch-all matches
    }


def test_attribute_conditions_read_imported_columns() -> None:
    from recoverly.strategy.loader import parse

    text = (
        "name: s\nversion: 1\nsalt: x\nsegments:\n"
        "  - name: vip\n    when: {attributes.segment_hint: {in: [A, AA]}}\n"
        "    paths: {champion: [{call: {queue: vip}}]}\n"
        "  - name: rest\n    paths: {champion: [{wait: 7}]}\n"
    )
    cases = pl.DataFrame(
        {"case_id": ["C1", "C2", "C3"], "attributes.segment_hint": ["AA", "B", None]}
    )
    got = dict(assign(cases, parse(text, "s.yaml")).select("case_id", "segment").iter_rows())
    assert got == {"C1": "vip", "C2": "rest", "C3": "rest"}


@given(ids=st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=50, unique=True))
def test_a_case_keeps_its_branch_whatever_else_the_portfolio_holds(ids: list[str]) -> None:
    cases = pl.DataFrame({"case_id": ids, "bucket": ["1-29"] * len(ids)})
    alone = {
        i: assign(pl.DataFrame({"case_id": [i], "bucket": ["1-29"]}), STRATEGY)["branch"].item()
        for i in ids
    }
    together = dict(assign(cases, STRATEGY).select("case_id", "branch").iter_rows())
    reversed_ = dict(assign(cases.reverse(), STRATEGY).select("case_id", "branch").iter_rows())
    assert together == alone == reversed_


def test_branches_follow_their_weights() -> None:
    cases = pl.DataFrame({"case_id": [f"C{i}" for i in range(20_000)]})
    draws = assign(cases, STRATEGY)["branch"].to_list()
    share = draws.count("challenger") / len(draws)
    assert 0.19 < share < 0.21  # weight 20, 20,000 draws: 3 standard deviations is 0.0085
