"""Promises to pay: kept or broken, decided from the payments once the date has passed.

A promise is kept when the payments on its account from the day it was made through
its due date (plus a grace of a few days for payments in transit) reach its amount, less
a tolerance for small shortfalls; it is kept as soon as that happens, even early. It is
broken when the grace has passed without that. Pure and columnar: the daily run settles
every pending promise in one pass.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

PENDING, KEPT, BROKEN = "pending", "kept", "broken"


def settle(
    promises: pl.DataFrame,
    payments: pl.DataFrame,
    as_of: date,
    *,
    grace_days: int = 1,
    tolerance_percent: Decimal = Decimal(0),
) -> pl.DataFrame:
    """New statuses for pending ``promises`` (``promise_id, account_id, amount_minor,
    due_date, made_at``) given ``payments`` (``account_id, amount_minor, paid_at``):
    ``promise_id, status`` for those that are now kept or broken."""
    if promises.height == 0:
        return pl.DataFrame(schema={"promise_id": pl.String, "status": pl.String})
    last_day = pl.col("due_date") + pl.duration(days=grace_days)
    paid = (
        promises.select("promise_id", "account_id", "made_at", "due_date")
        .join(payments.select("account_id", "amount_minor", "paid_at"), on="account_id")
        .filter(
            (pl.col("paid_at").dt.date() >= pl.col("made_at").dt.date())
            & (pl.col("paid_at").dt.date() <= last_day)
            & (pl.col("paid_at").dt.date() <= as_of)
        )
        .group_by("promise_id")
        .agg(pl.col("amount_minor").sum().alias("paid_minor"))
    )
    # Integer arithmetic in basis points: money never passes through a float.
    keep = 10_000 - int(tolerance_percent * 100)
    needed = (pl.col("amount_minor") * keep + 9_999) // 10_000
    judged = (
        promises.join(paid, on="promise_id", how="left")
        .with_columns(pl.col("paid_minor").fill_null(0))
        .with_columns(
            pl.when(pl.col("paid_minor") >= needed)
            .then(pl.lit(KEPT))
            .when(pl.lit(as_of) > last_day)
            .then(pl.lit(BROKEN))
            .otherwise(pl.lit(PENDING))
            .alias("status")
        )
    )
    return judged.filter(pl.col("status") != PENDING).select("promise_id", "status")
