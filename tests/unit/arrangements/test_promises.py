"""Promises to pay: kept when paid (less the tolerance) by the due date plus grace."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import polars as pl

from recoverly.arrangements.promises import settle

PROMISES = pl.DataFrame(
    {
        "promise_id": ["K", "B", "W", "E"],
        "account_id": ["A1", "A2", "A3", "A4"],
        "amount_minor": [10_000, 10_000, 10_000, 10_000],
        "due_date": [date(2026, 3, 10)] * 4,
        "made_at": [datetime(2026, 3, 5, 12, tzinfo=UTC)] * 4,
    }
)


def _payments(rows: list[tuple[str, int, datetime]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "account_id": pl.String,
            "amount_minor": pl.Int64,
            "paid_at": pl.Datetime("us", "UTC"),
        },
        orient="row",
    )


PAID = _payments(
    [
        ("A1", 6_000, datetime(2026, 3, 6, tzinfo=UTC)),
        ("A1", 4_000, datetime(2026, 3, 11, 9, tzinfo=UTC)),  # inside the day of grace
        ("A2", 9_900, datetime(2026, 3, 9, tzinfo=UTC)),
        ("A3", 10_000, datetime(2026, 3, 4, tzinfo=UTC)),  # before the promise: not for it
        ("A4", 10_000, datetime(2026, 3, 7, tzinfo=UTC)),
    ]
)


def test_kept_broken_and_still_open_on_each_side_of_the_grace() -> None:
    on_due = dict(settle(PROMISES, PAID, date(2026, 3, 10)).iter_rows())
    assert on_due == {"E": "kept"}  # paid in full early: kept at once
    after_grace = dict(settle(PROMISES, PAID, date(2026, 3, 12)).iter_rows())
    assert after_grace == {"K": "kept", "B": "broken", "W": "broken", "E": "kept"}


def test_a_tolerance_forgives_a_small_shortfall() -> None:
    decided = dict(
        settle(PROMISES, PAID, date(2026, 3, 12), tolerance_percent=Decimal(1)).iter_rows()
    )
    assert decided["B"] == "kept"  # 9,900 of 10,000 is within 1 %
    assert decided["W"] == "broken"


def test_no_grace_breaks_a_promise_paid_the_day_after() -> None:
    decided = dict(settle(PROMISES, PAID, date(2026, 3, 11), grace_days=0).iter_rows())
    assert decided["K"] == "broken"
