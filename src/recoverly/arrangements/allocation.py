"""Payment allocation: which part of a balance each payment pays off. Pure and columnar.

Payments on an account are applied in the order they were made, and each fills the
balance's parts in the configured order (by default fees, then interest, then
principal: the common contractual waterfall, which also stops interest accruing on
unpaid fees). What is paid beyond the whole balance is an excess, kept for refund or
reallocation, never a negative balance.

The trick that keeps it columnar: lay the parts end to end on a line (fees from 0,
interest after the fees, principal after that) and lay the payments end to end on the
same line (each from the running total before it to the running total after it). A
payment pays a part exactly where their intervals overlap.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

PARTS = ("fees", "interest", "principal")
DEFAULT_ORDER: tuple[str, ...] = PARTS


def check_order(order: Sequence[str]) -> tuple[str, ...]:
    if sorted(order) != sorted(PARTS):
        raise ValueError(f"allocation order must name each of {', '.join(PARTS)} once; got {order}")
    return tuple(order)


def allocate(
    payments: pl.DataFrame, balances: pl.DataFrame, order: Sequence[str] = DEFAULT_ORDER
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Allocate ``payments`` (``payment_id, account_id, amount_minor, paid_at``) against
    ``balances`` (``account_id, fees_minor, interest_minor, principal_minor``).

    Returns the allocations (``payment_id, account_id``, one ``<part>_minor`` per part,
    ``excess_minor``) and the balances after them (same columns as ``balances``, for the
    accounts paid).
    """
    order = check_order(order)
    ranged = (
        payments.sort("account_id", "paid_at", "payment_id")
        .with_columns(pl.col("amount_minor").cum_sum().over("account_id").alias("_to"))
        .with_columns((pl.col("_to") - pl.col("amount_minor")).alias("_from"))
        .join(balances, on="account_id", how="left")
        .with_columns(pl.col(f"{p}_minor").fill_null(0) for p in PARTS)
    )
    start: pl.Expr = pl.lit(0, pl.Int64)
    shares = []
    for part in order:
        end = start + pl.col(f"{part}_minor")
        shares.append(_overlap(start, end).alias(f"alloc_{part}"))
        start = end
    excess = (pl.col("_to") - pl.max_horizontal(pl.col("_from"), start)).clip(lower_bound=0)
    allocated = ranged.with_columns(*shares, excess.alias("excess_minor"))
    allocations = allocated.select(
        "payment_id",
        "account_id",
        *[pl.col(f"alloc_{p}").alias(f"{p}_minor") for p in PARTS],
        "excess_minor",
    )
    after = (
        allocated.group_by("account_id")
        .agg(
            *[
                (pl.col(f"{p}_minor").first() - pl.col(f"alloc_{p}").sum()).alias(f"{p}_minor")
                for p in PARTS
            ]
        )
        .sort("account_id")
    )
    return allocations, after


def _overlap(lo: pl.Expr, hi: pl.Expr) -> pl.Expr:
    return (pl.min_horizontal(pl.col("_to"), hi) - pl.max_horizontal(pl.col("_from"), lo)).clip(
        lower_bound=0
    )
