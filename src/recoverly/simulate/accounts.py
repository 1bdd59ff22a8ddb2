"""The accounts of a chunk's debtors: product, arrears, balances, dates and last payment.

Everything about an account must agree with everything else, as in a real book: the
arrears bucket mix is shifted by the debtor's capacity and willingness to pay and by the
product; amounts are log-normal US-dollar equivalents at the market's income level,
converted to local money (see ``markets``); the instalments paid follow from the term, the
open date from the instalments paid, the balance from both; interest and fees accrue with
the arrears; the last payment is the instalment before the first missed one, a card's
minimum, an invoice's part payment or a small payment made after falling behind.

``due_date`` is the oldest unpaid due date, so ``due_date = as_of - days_past_due`` when
the account is past due; a current account has its next due date within four weeks.
Amounts are written as plain decimal strings with the currency's ISO 4217 decimals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import polars as pl

from recoverly.domain.accounts import Product
from recoverly.simulate.arrays import BoolA, FltA, IntA, sigmoid
from recoverly.simulate.debtors import Debtors
from recoverly.simulate.products import ORIGINS, PRODUCTS
from recoverly.simulate.world import World

# Share of accounts by days past due, before each debtor's own propensity shifts it.
BUCKET_WEIGHTS: Final = (0.10, 0.28, 0.17, 0.12, 0.09, 0.07, 0.05, 0.12)
_BUCKET_LOW: Final = np.array([0, 1, 30, 60, 90, 120, 150, 180], dtype=np.int64)
_BUCKET_SPAN: Final = np.array([1, 29, 30, 30, 30, 30, 30, 1], dtype=np.int64)
_MAX_DPD: Final = 1095  # arrears older than three years are statute-barred in most markets

# The product terms as arrays indexed by product, so that whole columns can look them up.
_P: Final = {
    name: np.array([getattr(p, name) for p in PRODUCTS], dtype=np.float64)
    for name in (
        "median_usd",
        "sigma",
        "floor_usd",
        "cap_usd",
        "apr",
        "late_fee_usd",
        "cycle_days",
        "first_payment_default",
        "dpd_shift",
    )
}
_CARD: Final = PRODUCTS.index(next(p for p in PRODUCTS if p.product is Product.CREDIT_CARD))
_INVOICE: Final = np.array([bool(p.terms_days) for p in PRODUCTS])
_INSTALMENT: Final = np.array([bool(p.instalments) for p in PRODUCTS])
_LOAN_LIKE: Final = np.array(
    [
        p.product in {Product.PERSONAL_LOAN, Product.AUTO_LOAN, Product.EDUCATION_INSTALMENT}
        for p in PRODUCTS
    ]
)
_ORIGIN_CUM: Final = np.cumsum(
    [[p.origins.get(o, 0.0) / sum(p.origins.values()) for o in ORIGINS] for p in PRODUCTS], axis=1
)


def _round_up_2sig(x: FltA) -> FltA:
    """Round up to two significant figures: credit limits and fees are round numbers."""
    safe = np.maximum(x, 1.0)
    magnitude = 10.0 ** (np.floor(np.log10(safe)) - 1)
    out: FltA = np.ceil(safe / magnitude) * magnitude
    return out


def _choose_rows(rng: np.random.Generator, cumulative: FltA) -> IntA:
    """One index per row of a cumulative-probability matrix."""
    u = rng.random(len(cumulative))
    index: IntA = np.minimum((u[:, None] >= cumulative).sum(axis=1), cumulative.shape[1] - 1)
    return index


@dataclass(slots=True)
class Accounts:
    """One element per account of a chunk, and the portfolio's account columns."""

    owner: IntA  # index into the chunk's ``Debtors``
    product: IntA
    dpd: IntA
    principal_usd: FltA  # for the behaviour profile's debt burden
    columns: dict[str, pl.Series]


def make_accounts(
    rng: np.random.Generator,
    world: World,
    debtors: Debtors,
    counts: IntA,
    as_of: np.datetime64,
) -> Accounts:
    """Make ``counts[i]`` accounts for debtor ``i``, consecutive, counted to ``as_of``."""
    owner = np.repeat(np.arange(len(counts)), counts)
    n = len(owner)
    country, company = debtors.country[owner], debtors.company[owner]
    table = np.where(
        company[:, None], world.company_products[country], world.person_products[country]
    )
    product = _choose_rows(rng, table)

    # Arrears: the bucket mix, shifted by the debtor's capacity and willingness to pay.
    shift = -0.9 * (0.6 * debtors.z_capacity + 0.4 * debtors.z_willingness)[owner]
    u = np.clip(rng.random(n), 1e-12, 1 - 1e-12)
    u = sigmoid(np.log(u / (1 - u)) + shift + _P["dpd_shift"][product])
    bucket = np.searchsorted(np.cumsum(BUCKET_WEIGHTS)[:-1], u, side="right")
    dpd = _BUCKET_LOW[bucket] + (rng.random(n) * _BUCKET_SPAN[bucket]).astype(np.int64)
    late = np.minimum(rng.exponential(160.0, n).astype(np.int64), _MAX_DPD - 180)
    dpd = np.where(bucket == len(BUCKET_WEIGHTS) - 1, 180 + late, dpd)

    # Sizes: a log-normal USD equivalent at the country's income level, then local money.
    scale = np.where(company, np.sqrt(world.income_scale[country]), world.income_scale[country])
    usd = np.exp(
        np.log(_P["median_usd"][product] * scale) + _P["sigma"][product] * rng.standard_normal(n)
    )
    usd = np.clip(usd, _P["floor_usd"][product] * scale, _P["cap_usd"][product] * scale)
    fx = world.usd_factor[country]
    unit = 10.0 ** world.decimals[country]
    amount = usd * fx
    amount = np.where(_LOAN_LIKE[product], _round_up_2sig(amount), amount)

    term = np.ones(n, dtype=np.int64)
    cycle = _P["cycle_days"][product].astype(np.int64)
    for index, terms in enumerate(PRODUCTS):
        mask = product == index
        if terms.instalments and mask.any():
            term[mask] = rng.choice(terms.instalments, int(mask.sum()))
        if terms.terms_days and mask.any():
            cycle[mask] = rng.choice(terms.terms_days, int(mask.sum()))
    paid = (rng.random(n) * term * 0.95).astype(np.int64)
    paid = np.where(rng.random(n) < _P["first_payment_default"][product], 0, paid)
    paid = np.where(_INSTALMENT[product], paid, 0)

    # Dates: due_date is the oldest unpaid due date, or the next one for a current account.
    ahead = 1 + (rng.random(n) * np.minimum(cycle, 28)).astype(np.int64)
    due = np.where(dpd > 0, -dpd, ahead)  # days from as_of
    card_age = 200 + (rng.random(n) * 3800).astype(np.int64)
    opened = np.where(
        _INSTALMENT[product],
        due - (paid + 1) * cycle,
        np.where(product == _CARD, due - card_age, due - cycle),
    )

    # Balances.
    partial = np.where(_INVOICE[product] & (rng.random(n) < 0.2), rng.uniform(0.1, 0.6, n), 0.0)
    principal = np.where(
        _INSTALMENT[product],
        amount * (term - paid) / term,
        np.where(_INVOICE[product], amount * (1 - partial), amount),
    )
    accrual = np.where(dpd > 0, np.minimum(dpd, 120), 0) + rng.random(n) * 30
    interest = principal * _P["apr"][product] * accrual / 365
    missed = np.where(dpd > 0, np.ceil(dpd / np.maximum(cycle, 30)), 0).clip(0, 6)
    fee_unit = np.where(
        _P["late_fee_usd"][product] > 0,
        _round_up_2sig(_P["late_fee_usd"][product] * scale * fx),
        0.0,
    )
    fees = fee_unit * missed
    utilisation = np.clip(rng.beta(6, 2, n), 0.3, 1.08)
    limit = _round_up_2sig(principal / utilisation)

    # The last payment: the instalment before the first missed one, a card's minimum
    # payment, an invoice's part payment, or a small payment made after falling behind.
    instalment = amount / term * (1 + _P["apr"][product] * np.maximum(cycle, 1) / 365)
    minimum = np.minimum(np.maximum(0.03 * principal, 10 * scale * fx), principal)
    pay_amount = np.where(
        product == _CARD, minimum, np.where(_INVOICE[product], amount * partial, instalment)
    )
    pay_day = np.where(
        _INVOICE[product],
        opened + (rng.random(n) * (np.minimum(due, 0) - opened)).astype(np.int64),
        due - cycle - rng.integers(0, 7, n),
    )
    has_pay = np.where(
        product == _CARD, rng.random(n) < 0.95, np.where(_INVOICE[product], partial > 0, paid > 0)
    )
    after = (dpd >= 15) & (rng.random(n) < 0.35 * sigmoid(debtors.z_willingness[owner]))
    after_day = -1 - (rng.random(n) * np.minimum(dpd - 1, 90)).astype(np.int64)
    pay_day = np.where(after, after_day, pay_day)
    small = np.where(_INVOICE[product], principal * 0.4, np.where(has_pay, pay_amount, instalment))
    pay_amount = np.where(after, small * rng.uniform(0.05, 0.5, n), pay_amount)
    has_pay = has_pay | after
    pay_day = np.clip(pay_day, opened, 0)

    def minor(values: FltA) -> IntA:
        out: IntA = np.rint(values * unit).astype(np.int64)
        return out

    principal_minor = np.maximum(minor(principal), unit.astype(np.int64))
    pay_minor = np.maximum(minor(pay_amount), 1)
    decimals = world.decimals[country]
    origin = _choose_rows(rng, _ORIGIN_CUM[product])
    epoch = int(as_of.astype(np.int64))
    card = product == _CARD
    currencies = np.array([c.economy.currency for c in world.countries])
    products = np.array([p.product.value for p in PRODUCTS])
    columns = {
        "product": pl.Series(products[product]),
        "currency": pl.Series(currencies[country]),
        "principal_outstanding": _money(principal_minor, decimals),
        "interest_outstanding": _money(minor(interest), decimals),
        "fees_outstanding": _money(minor(fees), decimals),
        "original_amount": _money(np.maximum(minor(amount), principal_minor), decimals, ~card),
        "credit_limit": _money(minor(limit), decimals, card),
        "open_date": _dates(epoch + opened),
        "due_date": _dates(epoch + due),
        "days_past_due": pl.Series(dpd),
        "last_payment_date": _dates(epoch + pay_day, has_pay),
        "last_payment_amount": _money(pay_minor, decimals, has_pay),
        "channel_of_origin": pl.Series(np.array(ORIGINS)[origin]),
    }
    return Accounts(owner, product, dpd, principal / fx, columns)


def _money(minor: IntA, decimals: IntA, present: BoolA | None = None) -> pl.Series:
    """Plain decimal strings with exactly the currency's decimals; null where absent."""
    frame = pl.DataFrame({"m": minor, "d": decimals})
    scale = pl.lit(10, dtype=pl.Int64).pow(pl.col("d"))
    whole = (pl.col("m") // scale).cast(pl.String)
    part = (pl.col("m") % scale).cast(pl.String).str.zfill(pl.col("d"))
    text = frame.select(
        pl.when(pl.col("d") == 0).then(whole).otherwise(pl.concat_str([whole, pl.lit("."), part]))
    ).to_series()
    if present is not None:
        text = pl.select(pl.when(pl.Series(present)).then(text)).to_series()
    return text


def _dates(days: IntA, present: BoolA | None = None) -> pl.Series:
    series = pl.Series(days.astype(np.int32)).cast(pl.Date)
    if present is not None:
        series = pl.select(pl.when(pl.Series(present)).then(series)).to_series()
    return series
