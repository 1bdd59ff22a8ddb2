"""Payment allocation: every minor unit lands in exactly one place, in waterfall order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recoverly.arrangements.allocation import PARTS, allocate, check_order

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def _frames(balance: tuple[int, int, int], amounts: list[int]) -> tuple[pl.DataFrame, pl.DataFrame]:
    payments = pl.DataFrame(
        {
            "payment_id": [f"P{i:03d}" for i in range(len(amounts))],
            "account_id": ["A"] * len(amounts),
            "amount_minor": amounts,
            "paid_at": [T0 + timedelta(hours=i) for i in range(len(amounts))],
        },
        schema={
            "payment_id": pl.String,
            "account_id": pl.String,
            "amount_minor": pl.Int64,
            "paid_at": pl.Datetime("us", "UTC"),
        },
    )
    balances = pl.DataFrame(
        {
            "account_id": ["A"],
            "fees_minor": [balance[0]],
            "interest_minor": [balance[1]],
            "principal_minor": [balance[2]],
        }
    )
    return payments, balances


def test_fees_then_interest_then_principal_then_excess() -> None:
    payments, balances = _frames((100, 100, 300), [150, 500])
    allocations, after = allocate(payments, balances)
    assert allocations.select(
        "fees_minor", "interest_minor", "principal_minor", "excess_minor"
    ).rows() == [(100, 50, 0, 0), (0, 50, 300, 150)]
    assert after.row(0) == ("A", 0, 0, 0)


def test_a_configured_order_is_followed() -> None:
    payments, balances = _frames((100, 100, 300), [250])
    allocations, _ = allocate(payments, balances, order=("principal", "interest", "fees"))
    assert allocations.select("fees_minor", "interest_minor", "principal_minor").row(0) == (
        0,
        0,
        250,
    )


def test_an_order_must_name_each_part_once() -> None:
    with pytest.raises(ValueError, match="each of fees, interest, principal"):
        check_order(("fees", "fees", "principal"))


@settings(max_examples=300, deadline=None)
@given(
    balance=st.tuples(*[st.integers(0, 10**9)] * 3),
    amounts=st.lists(st.integers(1, 10**9), min_size=1, max_size=12),
    order=st.permutations(PARTS),
)
def test_allocation_conserves_money_and_never_overpays_a_part(
    balance: tuple[int, int, int], amounts: list[int], order: list[str]
) -> None:
    payments, balances = _frames(balance, amounts)
    allocations, after = allocate(payments, balances, order)
    parts = [f"{p}_minor" for p in PARTS]
    # Each payment is split exactly: its parts and its excess add up to it.
    totals = allocations.select(pl.sum_horizontal(*parts, "excess_minor")).to_series()
    assert totals.to_list() == amounts
    # No part goes below zero, and what was paid off is what the parts lost.
    remaining = dict(zip(parts, after.row(0)[1:], strict=True))
    for part, before in zip(parts, balance, strict=True):
        assert 0 <= remaining[part] <= before
        assert before - remaining[part] == allocations[part].sum()
    # Excess appears only once the whole balance is paid.
    if allocations["excess_minor"].sum() > 0:
        assert sum(remaining.values()) == 0
    # Waterfall: a later part is touched only when every earlier part is exhausted.
    for i, part in enumerate(order[1:], start=1):
        if allocations[f"{part}_minor"].sum() > 0:
            assert all(remaining[f"{earlier}_minor"] == 0 for earlier in order[:i])
