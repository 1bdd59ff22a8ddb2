"""Amounts, dates and numbers written the way the reader's locale writes them.

Amounts show exactly the currency's ISO 4217 minor units, the same rule
``recoverly.domain.money`` stores them by. Babel would otherwise use CLDR's digits, which
differ from ISO 4217 for a few currencies (CLDR shows IQD and RSD without decimals), and a
letter must never show an amount rounded away from the one the ledger holds.
"""

from __future__ import annotations

import copy
import datetime as dt

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

from recoverly.domain.money import Money, minor_units


def money(amount_minor: int, currency: str, locale: Locale) -> str:
    """``123456, "USD"`` → ``$1,234.56`` in en-US, ``US$1,234.56`` in zh-Hans.

    Args:
        amount_minor: the amount in minor units (cents; yen; fils).
        currency: ISO 4217 code.
        locale: the reader's locale.

    Returns:
        The amount with the locale's symbol, grouping and decimal mark, and exactly the
        currency's ISO 4217 number of decimals.
    """
    digits = minor_units(currency)
    amount = Money.from_minor(amount_minor, currency).amount
    pattern = copy.copy(locale.currency_formats["standard"])
    pattern.frac_prec = (digits, digits)
    return str(pattern.apply(amount, locale, currency=currency, currency_digits=False))


def date(value: dt.date, locale: Locale) -> str:
    """The long date form: ``May 1, 2026`` (en-US), ``1 May 2026`` (en-GB), ``2026年5月1日``."""
    return format_date(value, format="long", locale=locale)


def number(value: int, locale: Locale) -> str:
    """A whole number with the locale's grouping: ``1,234`` or ``1 234``."""
    return format_decimal(value, locale=locale)
