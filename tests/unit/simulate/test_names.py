"""Names: written in the local script, in the order and form of the debtor's culture."""

from __future__ import annotations

import re

import polars as pl


class TestNames:
    def test_names_are_in_the_local_script(self, debtors: pl.DataFrame) -> None:
        people = debtors.filter(pl.col("debtor_type") == "person")
        han, thai = re.compile(r"^[\u4e00-\u9fff]{2,4}$"), re.compile(r"^[\u0e00-\u0e7f ]+$")
        for country, pattern in (("CN", han), ("TW", han), ("HK", han), ("TH", thai)):
            names = people.filter(pl.col("country") == country)["debtor_name"]
            assert all(pattern.match(n) for n in names), country
        malay = people.filter(pl.col("language") == "ms")["debtor_name"]
        assert malay.len() > 0
        assert all(re.search(r" bin(ti)? ", n) for n in malay)
        viet = people.filter(pl.col("country") == "VN")["debtor_name"]
        assert all(len(n.split()) >= 3 for n in viet)
