"""Markets: all fifteen occur in their shares, each with its own currency."""

from __future__ import annotations

import polars as pl

CURRENCY = {
    "CN": "CNY", "HK": "HKD", "TW": "TWD", "SG": "SGD", "TH": "THB", "VN": "VND",
    "ID": "IDR", "MY": "MYR", "PH": "PHP", "IN": "INR", "US": "USD", "GB": "GBP",
    "DE": "EUR", "BR": "BRL", "MX": "MXN",
}  # fmt: skip


class TestMarkets:
    def test_all_fifteen_markets_occur_china_most(self, rows: pl.DataFrame) -> None:
        assert set(rows["country"]) == set(CURRENCY)
        shares = rows["country"].value_counts(normalize=True)
        assert shares.filter(pl.col("country") == "CN")["proportion"].item() > 0.15

    def test_currency_is_the_countrys(self, rows: pl.DataFrame) -> None:
        assert all(CURRENCY[c] == cur for c, cur in rows.select("country", "currency").iter_rows())
