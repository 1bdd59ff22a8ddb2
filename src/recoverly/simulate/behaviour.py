"""The hidden behaviour profile: how each debtor will respond to collections treatment.

One row per debtor, written beside the portfolio for the simulator and never imported as
portfolio data:

* willingness (0..1): wants to pay;
* capacity (0..1): can pay, falls with the debt burden relative to local incomes;
* channel_preference (sms|email|call|letter|push): the channel the debtor responds to
  best, from the market's habits, age, digital products, being a company, and noise;
  never email for a debtor without an email address;
* contactability (0..1): the chance a contact attempt reaches them, falls with arrears.

Willingness and capacity come from the same latent factors that pushed the debtor's
accounts into later arrears buckets (``accounts``), so they correlate with days past due as
they do in life.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from recoverly.domain.accounts import Product
from recoverly.simulate.accounts import Accounts
from recoverly.simulate.arrays import sigmoid
from recoverly.simulate.debtors import Debtors
from recoverly.simulate.markets import CHANNELS
from recoverly.simulate.products import PRODUCTS
from recoverly.simulate.world import World


def behaviour_profile(
    rng: np.random.Generator, world: World, debtors: Debtors, accounts: Accounts
) -> dict[str, pl.Series]:
    """The behaviour columns of ``debtors``, who own ``accounts``, keyed by column name."""
    n = len(debtors.country)
    scale = world.income_scale[debtors.country]
    owed = np.bincount(accounts.owner, weights=accounts.principal_usd, minlength=n)
    worst = np.zeros(n, dtype=np.int64)
    np.maximum.at(worst, accounts.owner, accounts.dpd)
    kinds = np.array([p.product for p in PRODUCTS])[accounts.product]
    digital = (
        np.bincount(
            accounts.owner,
            weights=np.isin(kinds, [Product.BNPL, Product.ECOMMERCE_INSTALMENT]).astype(float),
            minlength=n,
        )
        > 0
    )
    medical = (
        np.bincount(
            accounts.owner, weights=(kinds == Product.MEDICAL_INSTALMENT).astype(float), minlength=n
        )
        > 0
    )
    company = debtors.company.astype(float)
    arrears = worst / 365
    willingness = sigmoid(
        0.4 + 1.1 * debtors.z_willingness - 0.6 * arrears - 0.3 * medical + 0.2 * company
    )
    burden = np.log(np.maximum(owed, 1.0) / (scale * 3000))
    capacity = sigmoid(0.2 + debtors.z_capacity - 0.45 * burden + 0.2 * company)
    contactability = sigmoid(
        1.1
        + 0.7 * rng.standard_normal(n)
        - 0.9 * arrears
        - 0.4 * ~debtors.has_email
        + 0.5 * company
    )

    # Channel: the market's habits, age, digital products and being a company, then noise.
    appeal = world.channel_tilt[debtors.country].copy()
    young, old = (debtors.age < 35) & ~debtors.company, (debtors.age > 55) & ~debtors.company
    appeal += np.outer(young, [0.2, 0.0, -0.2, -0.5, 0.5])
    appeal += np.outer(old, [-0.2, -0.2, 0.5, 0.4, -0.6])
    appeal += np.outer(digital, [0.0, 0.0, 0.0, 0.0, 0.8])
    appeal += np.outer(debtors.company, [-0.5, 1.2, 0.6, 0.3, -3.0])
    appeal += rng.gumbel(size=appeal.shape)
    appeal[:, CHANNELS.index("email")] = np.where(
        debtors.has_email, appeal[:, CHANNELS.index("email")], -np.inf
    )
    return {
        "willingness": pl.Series(np.round(willingness, 4)),
        "capacity": pl.Series(np.round(capacity, 4)),
        "channel_preference": pl.Series(np.array(CHANNELS)[appeal.argmax(axis=1)]),
        "contactability": pl.Series(np.round(contactability, 4)),
    }
