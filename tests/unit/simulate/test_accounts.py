"""Accounts: products, money in each currency's decimals, and dates that agree with arrears."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import polars as pl

from recoverly.domain.accounts import DelinquencyBucket, Product
from recoverly.domain.money import Money, minor_units

COMPANY_PRODUCTS = {Product.SME_INVOICE.value, Product.SUPPLY_CHAIN_RECEIVABLE.value}


class TestProducts:
    def test_every_product_but_mortgages_and_others_occurs(self, rows: pl.DataFrame) -> None:
        expected = {p.value for p in Product} - {Product.MORTGAGE.value, Product.OTHER.value}
        assert set(rows["product"]) == expected

    def test_companies_hold_exactly_the_business_products(self, rows: pl.DataFrame) -> None:
        company = rows["debtor_type"] == "company"
        business = rows["product"].is_in(list(COMPANY_PRODUCTS))
        assert (company == business).all()
        assert 0.03 < company.mean() < 0.2  # type: ignore[operator]


def _decimals_ok(text: str | None, currency: str) -> bool:
    if text is None:
        return True
    places = minor_units(currency)
    pattern = r"\d+" if places == 0 else rf"\d+\.\d{{{places}}}"
    return re.fullmatch(pattern, text) is not None and Money.parse(text, currency).amount >= 0


AMOUNTS = ("principal_outstanding", "interest_outstanding", "fees_outstanding",
           "original_amount", "credit_limit", "last_payment_amount")  # fmt: skip


class TestMoney:
    def test_amounts_have_exactly_the_currencys_decimals_and_are_not_negative(
        self, rows: pl.DataFrame
    ) -> None:
        for row in rows.select("currency", *AMOUNTS).iter_rows(named=True):
            for column in AMOUNTS:
                assert _decimals_ok(row[column], row["currency"]), (column, row)
        assert set(rows.filter(pl.col("currency") == "VND")["principal_outstanding"].str.contains(
            r"\.").to_list()) == {False}  # fmt: skip

    def test_cards_have_a_limit_and_no_original_amount_and_loans_the_reverse(
        self, rows: pl.DataFrame
    ) -> None:
        cards = rows.filter(pl.col("product") == "credit_card")
        others = rows.filter(pl.col("product") != "credit_card")
        assert cards["credit_limit"].null_count() == 0
        assert cards["original_amount"].null_count() == cards.height
        assert others["credit_limit"].null_count() == others.height
        assert others["original_amount"].null_count() == 0
        for original, principal in others.select("original_amount", "principal_outstanding").rows():
            assert Decimal(original) >= Decimal(principal) > 0

    def test_balances_differ_by_product_as_in_life(self, rows: pl.DataFrame) -> None:
        usd = rows.filter(pl.col("currency") == "USD").with_columns(
            pl.col("principal_outstanding").cast(pl.Float64)
        )
        median = dict(usd.group_by("product").agg(pl.col("principal_outstanding").median()).rows())
        assert median["bnpl"] < median["credit_card"] < median["auto_loan"]


class TestDates:
    def test_due_date_agrees_with_days_past_due(self, rows: pl.DataFrame, as_of: date) -> None:
        for dpd, due in rows.select(pl.col("days_past_due").cast(int), "due_date").rows():
            due_day = date.fromisoformat(due)
            if dpd > 0:
                assert due_day == as_of - timedelta(days=dpd)
            else:
                assert as_of < due_day <= as_of + timedelta(days=28)

    def test_payments_fall_between_opening_and_the_as_of_date(
        self, rows: pl.DataFrame, as_of: date
    ) -> None:
        for opened, due, paid_on, paid in rows.select(
            "open_date", "due_date", "last_payment_date", "last_payment_amount"
        ).rows():
            assert date.fromisoformat(opened) < date.fromisoformat(due)
            assert (paid_on is None) == (paid is None)
            if paid_on is not None:
                assert date.fromisoformat(opened) <= date.fromisoformat(paid_on) <= as_of
                assert Decimal(paid) > 0

    def test_every_arrears_bucket_occurs_early_ones_most(self, rows: pl.DataFrame) -> None:
        buckets = [DelinquencyBucket.for_days(int(d)) for d in rows["days_past_due"]]
        count = {b: buckets.count(b) for b in DelinquencyBucket}
        assert min(count.values()) > 50
        b = DelinquencyBucket
        assert count[b.DPD_1_29] == max(count.values())
        assert count[b.DPD_1_29] > count[b.DPD_30_59] > count[b.DPD_60_89] > count[b.DPD_90_119]
        assert count[b.DPD_90_119] > count[b.DPD_150_179]
        assert max(int(d) for d in rows["days_past_due"]) <= 1095
