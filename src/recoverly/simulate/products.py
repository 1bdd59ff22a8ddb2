"""The credit products in a synthetic portfolio and the terms each is sold on.

One row per product says how its accounts are sized (a log-normal amount in US dollars at
US income levels), scheduled (instalments, invoice terms), priced (interest, late fees),
how often they default before the first payment, how they lean toward later arrears, and
through which channels they are sold. ``accounts`` turns these terms into balances and
dates; ``markets`` tilts the mix per country with ``product_weight``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from recoverly.domain.accounts import Product
from recoverly.simulate.markets import Economy

ORIGINS: Final = (
    "app", "online", "branch", "merchant", "dealer", "broker", "platform",
    "relationship_manager",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ProductTerms:
    """How a product's accounts are sized, scheduled, priced and sold."""

    product: Product
    weight: float  # base share among accounts of its debtor type
    median_usd: float  # log-normal median of the amount financed, US income level
    sigma: float
    floor_usd: float
    cap_usd: float
    apr: float  # contractual or late-payment interest
    late_fee_usd: float  # charged per missed cycle, at most six times
    cycle_days: int  # between instalments; 0 for a one-off invoice
    instalments: tuple[int, ...]  # possible instalment counts; () if revolving or one-off
    terms_days: tuple[int, ...]  # invoice payment terms
    first_payment_default: float  # share that never paid an instalment
    dpd_shift: float  # > 0 pushes toward later buckets
    origins: Mapping[str, float]
    for_companies: bool = False


PRODUCTS: Final = (
    ProductTerms(Product.CREDIT_CARD, 0.22, 2500, 0.9, 100, 40_000, 0.30, 30, 30, (), (),
                 0.0, 0.0, {"online": 0.45, "branch": 0.35, "app": 0.20}),
    ProductTerms(Product.PERSONAL_LOAN, 0.20, 6000, 0.8, 300, 80_000, 0.20, 25, 30,
                 (12, 24, 36, 48, 60), (), 0.06, 0.1,
                 {"app": 0.40, "online": 0.30, "branch": 0.20, "broker": 0.10}),
    ProductTerms(Product.BNPL, 0.14, 180, 0.8, 20, 3000, 0.0, 8, 14, (4,), (), 0.20, -0.35,
                 {"merchant": 0.60, "app": 0.40}),
    ProductTerms(Product.ECOMMERCE_INSTALMENT, 0.12, 450, 0.8, 30, 8000, 0.15, 10, 30,
                 (3, 6, 12, 24), (), 0.10, -0.2,
                 {"merchant": 0.50, "app": 0.35, "online": 0.15}),
    ProductTerms(Product.EDUCATION_INSTALMENT, 0.06, 3000, 0.7, 200, 40_000, 0.08, 15, 30,
                 (6, 12, 24, 36), (), 0.05, 0.1, {"merchant": 0.70, "online": 0.30}),
    ProductTerms(Product.MEDICAL_INSTALMENT, 0.06, 1500, 0.9, 100, 50_000, 0.06, 15, 30,
                 (6, 12, 18, 24), (), 0.08, 0.25, {"merchant": 0.80, "online": 0.20}),
    ProductTerms(Product.AUTO_LOAN, 0.08, 15_000, 0.6, 2000, 120_000, 0.09, 35, 30,
                 (36, 48, 60, 72), (), 0.03, -0.25, {"dealer": 0.80, "branch": 0.20}),
    ProductTerms(Product.SME_INVOICE, 0.65, 25_000, 1.1, 500, 2_000_000, 0.10, 60, 0, (),
                 (30, 45, 60, 90), 0.0, 0.1,
                 {"relationship_manager": 0.50, "platform": 0.30, "broker": 0.20}, True),
    ProductTerms(Product.SUPPLY_CHAIN_RECEIVABLE, 0.35, 60_000, 1.2, 1000, 10_000_000, 0.08,
                 0, 0, (), (60, 90, 120, 180), 0.0, 0.0,
                 {"platform": 0.70, "relationship_manager": 0.30}, True),
)  # fmt: skip


def product_weight(terms: ProductTerms, economy: Economy) -> float:
    """A product's share among a market's personal accounts, before normalising."""
    return terms.weight * economy.product_tilt.get(terms.product.value, 1.0)
