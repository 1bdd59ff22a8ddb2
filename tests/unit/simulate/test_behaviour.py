"""The hidden behaviour profile: one row per debtor, in range, and coherent with arrears."""

from __future__ import annotations

import polars as pl

from recoverly.simulate.portfolio import BEHAVIOUR_COLUMNS


class TestBehaviour:
    def test_one_row_per_debtor_with_values_in_range(
        self, rows: pl.DataFrame, behaviour: pl.DataFrame
    ) -> None:
        assert tuple(behaviour.columns) == BEHAVIOUR_COLUMNS
        assert (
            behaviour["debtor_id"].to_list()
            == rows["debtor_id"].unique(maintain_order=True).to_list()
        )
        for column in ("willingness", "capacity", "contactability"):
            assert behaviour[column].is_between(0, 1).all(), column
        assert set(behaviour["channel_preference"]) == {"sms", "email", "call", "letter", "push"}

    def test_debtors_without_email_never_prefer_it(
        self, debtors: pl.DataFrame, behaviour: pl.DataFrame
    ) -> None:
        joined = debtors.join(behaviour, on="debtor_id")
        assert joined.filter(
            pl.col("email").is_null() & (pl.col("channel_preference") == "email")
        ).is_empty()

    def test_debtors_deep_in_arrears_are_less_willing_able_and_reachable(
        self, rows: pl.DataFrame, behaviour: pl.DataFrame
    ) -> None:
        worst = rows.group_by("debtor_id").agg(pl.col("days_past_due").cast(int).max().alias("dpd"))
        joined = worst.join(behaviour, on="debtor_id")
        early = joined.filter(pl.col("dpd") < 30).mean()
        late = joined.filter(pl.col("dpd") >= 180).mean()
        for column in ("willingness", "capacity", "contactability"):
            assert late[column].item() < early[column].item() - 0.05, column
