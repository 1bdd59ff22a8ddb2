"""Delinquency is derived for an as-of date, never stored."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from recoverly.domain.accounts import Account, Balance, DelinquencyBucket, past_due_since
from recoverly.domain.money import Money
from recoverly.ingest.portfolio import _past_due_since


def _account(since: date | None, principal: str = "100.00") -> Account:
    zero = Money.zero("USD")
    return Account(
        account_id="A1",
        debtor_id="D1",
        product="credit_card",
        balance=Balance(Money.parse(principal, "USD"), zero, zero),
        due_date=date(2026, 1, 1),
        past_due_since=since,
    )


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (0, "current"),
        (1, "1-29"),
        (29, "1-29"),
        (30, "30-59"),
        (89, "60-89"),
        (90, "90-119"),
        (179, "150-179"),
        (180, "180+"),
        (2000, "180+"),
    ],
)
def test_buckets_are_thirty_days_wide(days: int, bucket: str) -> None:
    assert DelinquencyBucket.for_days(days) == bucket


def test_the_same_account_ages_with_the_as_of_date() -> None:
    account = _account(date(2026, 1, 1))
    assert account.past_due_days(date(2025, 12, 31)) == 0
    assert account.bucket(date(2026, 1, 15)) == DelinquencyBucket.DPD_1_29
    assert account.bucket(date(2026, 3, 9)) == DelinquencyBucket.DPD_60_89
    assert account.delinquent_days(date(2026, 1, 15), grace_days=15) == 0


def test_a_settled_account_is_not_past_due() -> None:
    assert _account(date(2026, 1, 1), principal="0.00").past_due_days(date(2026, 3, 9)) == 0


@given(
    due=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
    reported=st.one_of(st.none(), st.integers(min_value=0, max_value=3000)),
    as_of=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
)
def test_the_vectorised_import_rule_agrees_with_the_domain_rule(
    due: date, reported: int | None, as_of: date
) -> None:
    frame = pl.DataFrame(
        {"due": [due], "dpd": [reported]}, schema={"due": pl.Date, "dpd": pl.Int64}
    )
    vectorised = frame.select(_past_due_since(pl.col("due"), pl.col("dpd"), as_of)).item()
    assert vectorised == past_due_since(due, reported, as_of)
    if reported:
        assert as_of - vectorised == timedelta(days=reported)
