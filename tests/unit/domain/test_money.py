"""Money: exact minor units per ISO 4217, no float, allocations that always sum exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recoverly.domain.errors import CurrencyMismatch, InvalidMoney, UnknownCurrency
from recoverly.domain.money import Money, minor_units


@pytest.mark.parametrize(
    ("code", "digits"), [("JPY", 0), ("USD", 2), ("BHD", 3), ("VND", 0), ("CLF", 4)]
)
def test_minor_units_follow_iso_4217(code: str, digits: int) -> None:
    assert minor_units(code) == digits


@pytest.mark.parametrize("code", ["USX", "XAU", "XXX", "usd"])
def test_codes_that_cannot_hold_a_debt_are_refused(code: str) -> None:
    with pytest.raises(UnknownCurrency):
        minor_units(code)


def test_parse_respects_the_currency_decimals() -> None:
    assert Money.parse("1234.5", "USD").to_minor() == 123450
    assert Money.parse("1.234", "BHD").to_minor() == 1234
    with pytest.raises(InvalidMoney, match="more than 0 decimal places"):
        Money.parse("100.5", "JPY")
    with pytest.raises(InvalidMoney, match="not a decimal amount"):
        Money.parse("1,000", "USD")


def test_different_currencies_never_mix() -> None:
    with pytest.raises(CurrencyMismatch):
        _ = Money.parse("1", "USD") + Money.parse("1", "EUR")


currencies = st.sampled_from(["JPY", "USD", "BHD", "CNY", "IDR"])


@given(minor=st.integers(min_value=-(10**15), max_value=10**15), currency=currencies)
def test_minor_units_round_trip(minor: int, currency: str) -> None:
    money = Money.from_minor(minor, currency)
    assert money.to_minor() == minor
    assert Money.parse(str(abs(money.amount)), currency).to_minor() == abs(minor)


@given(
    minor=st.integers(min_value=-(10**12), max_value=10**12),
    currency=currencies,
    weights=st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=12).filter(
        lambda w: sum(w) > 0
    ),
)
def test_allocation_sums_exactly_and_is_proportional(
    minor: int, currency: str, weights: list[int]
) -> None:
    money = Money.from_minor(minor, currency)
    parts = money.allocate(weights)
    assert sum(p.to_minor() for p in parts) == minor
    total = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = Decimal(minor) * weight / total
        assert abs(Decimal(part.to_minor()) - exact) < 1
        if weight == 0:
            assert part.is_zero()
