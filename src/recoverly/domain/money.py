"""Money as an exact Decimal in a currency's ISO 4217 minor units.

Amounts never pass through float. A ``Money`` always holds an amount that is a whole
number of the currency's minor units (JPY has 0 decimals, USD 2, BHD 3), so storing it as
an integer count of minor units (``to_minor``) is lossless.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from functools import cache

from iso4217 import Currency

from recoverly.domain.errors import CurrencyMismatch, InvalidMoney, UnknownCurrency

_DECIMAL_TEXT = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")  # ASCII digits only, unlike \d


@cache
def minor_units(currency: str) -> int:
    """The number of decimals of ``currency`` under ISO 4217.

    Raises:
        UnknownCurrency: for codes that are not ISO 4217 or have no minor unit (XAU, XXX).
    """
    try:
        exponent = Currency(currency).exponent
    except ValueError:
        raise UnknownCurrency(f"{currency!r} is not an ISO 4217 currency code") from None
    if exponent is None:
        raise UnknownCurrency(f"{currency!r} has no minor unit and cannot hold a debt")
    return int(exponent)


@cache
def currency_codes() -> frozenset[str]:
    """Every ISO 4217 code that can denominate a debt (those with a minor unit)."""
    return frozenset(c.code for c in Currency if c.exponent is not None)


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount in one currency."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        digits = minor_units(self.currency)
        if not isinstance(self.amount, Decimal) or not self.amount.is_finite():
            raise InvalidMoney(f"amount must be a finite Decimal; got {self.amount!r}")
        if self.amount != self.amount.quantize(Decimal(1).scaleb(-digits)):
            raise InvalidMoney(
                f"{self.amount} {self.currency} has more than {digits} decimal places"
            )

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0).scaleb(-minor_units(currency)), currency)

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> Money:
        """Build from an integer count of minor units (the stored form)."""
        return cls(Decimal(minor).scaleb(-minor_units(currency)), currency)

    @classmethod
    def parse(cls, text: str, currency: str) -> Money:
        """Parse a plain decimal string such as ``"1234.50"``; no thousands separators."""
        if not _DECIMAL_TEXT.match(text.strip()):
            raise InvalidMoney(f"{text!r} is not a decimal amount such as 1234.50")
        try:
            amount = Decimal(text.strip())
        except InvalidOperation:
            raise InvalidMoney(f"{text!r} is not a decimal amount") from None
        digits = minor_units(currency)
        if amount != amount.quantize(Decimal(1).scaleb(-digits)):
            raise InvalidMoney(f"{text} has more than {digits} decimal places for {currency}")
        return cls(amount.quantize(Decimal(1).scaleb(-digits)), currency)

    def to_minor(self) -> int:
        return int(self.amount.scaleb(minor_units(self.currency)))

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def is_zero(self) -> bool:
        return self.amount == 0

    def allocate(self, weights: list[int] | list[Decimal]) -> list[Money]:
        """Split into parts proportional to ``weights`` that sum exactly to ``self``.

        Uses the largest-remainder method on minor units, so no minor unit is lost or
        invented, and ties go to the earliest part (a stable, explainable rule).
        """
        if not weights or any(w < 0 for w in weights) or sum(weights) == 0:
            raise InvalidMoney("weights must be non-negative and not all zero")
        total = self.to_minor()
        sign = -1 if total < 0 else 1
        total = abs(total)
        weight_sum = Decimal(sum(weights))
        exact = [Decimal(total) * Decimal(w) / weight_sum for w in weights]
        floors = [int(e.to_integral_value(rounding=ROUND_FLOOR)) for e in exact]
        left = total - sum(floors)
        order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
        for i in order[:left]:
            floors[i] += 1
        return [Money.from_minor(sign * f, self.currency) for f in floors]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
