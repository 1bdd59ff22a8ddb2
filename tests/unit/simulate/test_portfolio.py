"""The synthetic portfolio: every row valid for its country, coherent, and reproducible.

One 5,000-account portfolio is generated once and read back from its CSV, because the
file is the contract: the importer, the simulator and the demo only ever see the file.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import email_validator
import phonenumbers
import polars as pl
import pytest

from recoverly.domain.accounts import DelinquencyBucket, Product
from recoverly.domain.errors import InvalidInput
from recoverly.domain.money import Money, minor_units
from recoverly.reference import (
    country_zones,
    language_for_country,
    subdivisions,
    zone_for_country,
    zone_for_region,
)
from recoverly.simulate import portfolio
from recoverly.simulate.portfolio import (
    BEHAVIOUR_COLUMNS,
    PORTFOLIO_COLUMNS,
    PortfolioSpec,
    behaviour_path_for,
    write_portfolio,
)

AS_OF = date(2026, 3, 9)
CURRENCY = {
    "CN": "CNY", "HK": "HKD", "TW": "TWD", "SG": "SGD", "TH": "THB", "VN": "VND",
    "ID": "IDR", "MY": "MYR", "PH": "PHP", "IN": "INR", "US": "USD", "GB": "GBP",
    "DE": "EUR", "BR": "BRL", "MX": "MXN",
}  # fmt: skip
LANGUAGES = {"zh-Hans", "zh-Hant", "en", "th", "vi", "id", "ms", "de", "pt", "es"}
COMPANY_PRODUCTS = {Product.SME_INVOICE.value, Product.SUPPLY_CHAIN_RECEIVABLE.value}
DEBTOR_COLUMNS = PORTFOLIO_COLUMNS[1:12]  # debtor_id .. address


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("portfolio") / "p.csv"
    summary = write_portfolio(PortfolioSpec(accounts=5000, seed=11, as_of=AS_OF), out)
    assert summary.behaviour_path == out.parent / "p.behaviour.csv"
    return summary.portfolio_path, summary.behaviour_path


@pytest.fixture(scope="module")
def rows(files: tuple[Path, Path]) -> pl.DataFrame:
    return pl.read_csv(files[0], infer_schema=False)


@pytest.fixture(scope="module")
def debtors(rows: pl.DataFrame) -> pl.DataFrame:
    return rows.unique("debtor_id", keep="first", maintain_order=True)


@pytest.fixture(scope="module")
def behaviour(files: tuple[Path, Path]) -> pl.DataFrame:
    return pl.read_csv(files[1])


class TestShape:
    def test_the_header_is_the_contract_and_every_account_has_a_row(
        self, files: tuple[Path, Path], rows: pl.DataFrame
    ) -> None:
        header = files[0].read_text(encoding="utf-8").split("\n", 1)[0]
        assert header == ",".join(PORTFOLIO_COLUMNS)
        assert rows.height == 5000
        assert rows["account_id"].to_list() == [f"A{i:07d}" for i in range(1, 5001)]

    def test_every_field_is_one_line(self, rows: pl.DataFrame) -> None:
        multiline = rows.select(pl.any_horizontal(pl.all().str.contains("\n"))).to_series()
        assert not multiline.any()

    def test_fields_that_every_row_has_are_filled(self, rows: pl.DataFrame) -> None:
        always = [c for c in PORTFOLIO_COLUMNS if c not in {
            "region", "email", "original_amount", "credit_limit", "last_payment_date",
            "last_payment_amount"}]  # fmt: skip
        assert rows.select(pl.col(always).null_count()).row(0) == (0,) * len(always)

    def test_debtors_own_one_to_three_consecutive_accounts_with_the_same_details(
        self, rows: pl.DataFrame, debtors: pl.DataFrame
    ) -> None:
        per = rows.group_by("debtor_id").agg(
            pl.len().alias("n"), *(pl.col(c).n_unique().alias(c) for c in DEBTOR_COLUMNS[1:])
        )
        assert (per["n"].min(), per["n"].max()) == (1, 3)
        assert per.filter(pl.col("n") > 1).height > 500
        assert all(per[c].max() == 1 for c in DEBTOR_COLUMNS[1:])
        assert debtors["debtor_id"].to_list() == [f"D{i:07d}" for i in range(1, debtors.height + 1)]

    def test_all_fifteen_markets_and_every_product_occur(self, rows: pl.DataFrame) -> None:
        assert set(rows["country"]) == set(CURRENCY)
        shares = rows["country"].value_counts(normalize=True)
        assert shares.filter(pl.col("country") == "CN")["proportion"].item() > 0.15
        expected = {p.value for p in Product} - {Product.MORTGAGE.value, Product.OTHER.value}
        assert set(rows["product"]) == expected


class TestPlaces:
    def test_currency_is_the_countrys(self, rows: pl.DataFrame) -> None:
        assert all(CURRENCY[c] == cur for c, cur in rows.select("country", "currency").iter_rows())

    def test_every_region_is_an_iso_subdivision_of_its_country(self, debtors: pl.DataFrame) -> None:
        for country, region in debtors.select("country", "region").iter_rows():
            if country == "HK":  # ISO 3166-2 defines no subdivisions of Hong Kong
                assert region is None
                assert "HK" not in subdivisions()
            else:
                assert region in subdivisions()[country], (country, region)

    def test_time_zone_is_the_regions_and_belongs_to_the_country(
        self, debtors: pl.DataFrame
    ) -> None:
        for country, region, zone in debtors.select("country", "region", "timezone").iter_rows():
            assert zone in country_zones()[country], (country, zone)
            if country in {"US", "MX", "BR", "ID"}:
                assert zone == zone_for_region(country, region), (country, region, zone)
            else:
                assert zone == zone_for_country(country), (country, zone)
        zones = set(debtors.filter(pl.col("country") == "US")["timezone"])
        assert {"America/New_York", "America/Chicago", "America/Los_Angeles"} <= zones

    def test_language_is_a_supported_bcp47_tag_mostly_the_countrys(
        self, debtors: pl.DataFrame
    ) -> None:
        assert set(debtors["language"]) <= LANGUAGES
        default = debtors.filter(
            pl.col("language")
            == pl.col("country").replace_strict({c: language_for_country(c) for c in CURRENCY})
        )
        assert default.height > 0.85 * debtors.height
        assert "es" in set(debtors.filter(pl.col("country") == "US")["language"])

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


class TestContacts:
    def test_every_phone_is_a_valid_e164_mobile_number_of_the_debtors_country(
        self, rows: pl.DataFrame
    ) -> None:
        mobile = {phonenumbers.PhoneNumberType.MOBILE,
                  phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}  # fmt: skip
        for country, phone in rows.select("country", "phone").iter_rows():
            parsed = phonenumbers.parse(phone)
            assert phonenumbers.is_valid_number(parsed), (country, phone)
            assert phonenumbers.region_code_for_number(parsed) == country, (country, phone)
            assert phonenumbers.number_type(parsed) in mobile, (country, phone)
            e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            assert phone == e164

    def test_phones_are_not_shared_between_debtors(self, debtors: pl.DataFrame) -> None:
        assert debtors["phone"].n_unique() == debtors.height

    def test_us_and_brazilian_mobiles_carry_a_local_area_code(self, debtors: pl.DataFrame) -> None:
        ny = debtors.filter(pl.col("region") == "NY")["phone"]
        sp = debtors.filter((pl.col("country") == "BR") & (pl.col("region") == "SP"))["phone"]
        assert all(p[2:5] in {"212", "646", "917", "718", "347", "929", "716", "585"} for p in ny)
        assert all(p[3:5] in {"11", "13", "16", "19"} for p in sp)

    def test_every_email_is_valid_ascii_and_undeliverable_by_design(
        self, debtors: pl.DataFrame
    ) -> None:
        emails = debtors["email"].drop_nulls()
        assert 0.80 * debtors.height < emails.len() < 0.97 * debtors.height
        for email in emails:
            assert email.isascii()
            email_validator.validate_email(email, check_deliverability=False)
            assert re.search(r"\.example\.(com|net|org)$", email), email

    def test_no_two_debtors_share_an_email_address(self, debtors: pl.DataFrame) -> None:
        emails = debtors["email"].drop_nulls()
        assert emails.n_unique() == emails.len()

    def test_addresses_are_one_line_and_name_the_city_of_the_region(
        self, debtors: pl.DataFrame
    ) -> None:
        assert not any("\n" in a or "{" in a for a in debtors["address"])
        us = debtors.filter(pl.col("country") == "US")
        assert all(a.endswith(f", {r} " + a[-5:]) for a, r in us.select("address", "region").rows())


def _cn_check(s: str) -> bool:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return (
        "10X98765432"[sum(int(c) * w for c, w in zip(s[:17], weights, strict=True)) % 11] == s[17]
    )


def _uscc_check(s: str) -> bool:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    total = sum(alphabet.index(c) * pow(3, i, 31) for i, c in enumerate(s[:17]))
    return alphabet[(31 - total % 31) % 31] == s[17]


def _hk_check(s: str) -> bool:
    total = (
        36 * 9
        + (ord(s[0]) - 55) * 8
        + sum(int(c) * w for c, w in zip(s[1:7], range(7, 1, -1), strict=True))
    )
    return "0123456789A"[(11 - total % 11) % 11] == s[8]


def _tw_check(s: str) -> bool:
    letters = "ABCDEFGHJKLMNPQRSTUVXYWZIO"  # the official order of values 10..35
    value = letters.index(s[0]) + 10
    digits = [value // 10, value % 10, *map(int, s[1:])]
    return (
        sum(d * w for d, w in zip(digits, [1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1], strict=True)) % 10 == 0
    )


def _tw_company_check(s: str) -> bool:
    products = [int(c) * w for c, w in zip(s, [1, 2, 1, 2, 1, 2, 4, 1], strict=True)]
    return sum(p // 10 + p % 10 for p in products) % 10 == 0


def _sg_check(s: str) -> bool:
    total = sum(int(c) * w for c, w in zip(s[1:8], [2, 7, 6, 5, 4, 3, 2], strict=True))
    return "JZIHGFEDCBA"[(total + (4 if s[0] == "T" else 0)) % 11] == s[8]


def _th_check(s: str) -> bool:
    d = [int(c) for c in s.replace("-", "")]
    return (11 - sum(x * w for x, w in zip(d[:12], range(13, 1, -1), strict=True)) % 11) % 10 == d[
        12
    ]


def _verhoeff_ok(s: str) -> bool:
    d = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
         [2, 3, 4, 0, 1, 7, 8, 9, 5, 6], [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
         [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
         [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
         [8, 7, 6, 5, 9, 3, 2, 1, 0, 4], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]]  # fmt: skip
    p = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
         [5, 8, 0, 3, 7, 9, 6, 1, 4, 2], [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
         [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
         [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]]  # fmt: skip
    c = 0
    for i, ch in enumerate(reversed(s.replace(" ", ""))):
        c = d[c][p[i % 8][int(ch)]]
    return c == 0


def _mod11_digits(digits: list[int], weights: list[int]) -> int:
    r = sum(x * w for x, w in zip(digits, weights, strict=True)) % 11
    return 0 if r < 2 else 11 - r


def _cpf_check(s: str) -> bool:
    d = [int(c) for c in re.sub(r"\D", "", s)]
    return d[9] == _mod11_digits(d[:9], list(range(10, 1, -1))) and d[10] == _mod11_digits(
        d[:10], list(range(11, 1, -1))
    )


def _cnpj_check(s: str) -> bool:
    d = [int(c) for c in re.sub(r"\D", "", s)]
    w1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]
    return d[12] == _mod11_digits(d[:12], w1) and d[13] == _mod11_digits(d[:13], [6, *w1])


def _curp_check(s: str) -> bool:
    alphabet = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"
    total = sum(alphabet.index(c) * (18 - i) for i, c in enumerate(s[:17]))
    return (10 - total % 10) % 10 == int(s[17])


def _de_check(s: str) -> bool:
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in s[:9]]
    return sum(v * w for v, w in zip(values, [7, 3, 1] * 3, strict=True)) % 10 == int(s[9])


_PERSON_IDS: dict[str, tuple[str, Callable[[str], bool] | None]] = {
    "CN": (r"\d{17}[\dX]", _cn_check),
    "HK": (r"[A-Z]\d{6}\([\dA]\)", _hk_check),
    "TW": (r"[A-Z][12]\d{8}", _tw_check),
    "SG": (r"[ST]\d{7}[A-Z]", _sg_check),
    "TH": (r"\d-\d{4}-\d{5}-\d{2}-\d", _th_check),
    "VN": (r"\d{12}", None),
    "ID": (r"\d{6}([0-6]\d|7[01])[01]\d{7}", None),
    "MY": (r"\d{6}-\d{2}-\d{4}", None),
    "PH": (r"\d{4}-\d{4}-\d{4}-\d{4}", None),
    "IN": (r"[2-9]\d{3} \d{4} \d{4}", _verhoeff_ok),
    "US": (r"(?!000|666|9)\d{3}-(?!00)\d{2}-(?!0000)\d{4}", None),
    "GB": (r"(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]", None),
    "DE": (r"[CFGHJKLMNPRTVWXYZ][CFGHJKLMNPRTVWXYZ0-9]{8}\d", _de_check),
    "BR": (r"\d{3}\.\d{3}\.\d{3}-\d{2}", _cpf_check),
    "MX": (r"[A-Z][AEIOU][A-Z]{2}\d{6}[HM][A-Z]{2}[B-DF-HJ-NP-TV-Z]{3}[0-9A-Z]\d", _curp_check),
}
_COMPANY_IDS: dict[str, tuple[str, Callable[[str], bool] | None]] = {
    "CN": (r"91\d{6}[0-9A-HJ-NPQRTUWXY]{10}", _uscc_check),
    "HK": (r"\d{8}", None),
    "TW": (r"\d{8}", _tw_company_check),
    "SG": (r"(19|20)\d{7}[A-Z]", None),
    "TH": (r"0105\d{9}", _th_check),
    "VN": (r"0\d{9}", None),
    "ID": (r"\d{2}\.\d{3}\.\d{3}\.\d-\d{3}\.\d{3}", None),
    "MY": (r"(19|20)\d{2}01\d{6}", None),
    "PH": (r"\d{3}-\d{3}-\d{3}-000", None),
    "IN": (r"U\d{5}[A-Z]{2}\d{4}PTC\d{6}", None),
    "US": (r"\d{2}-\d{7}", None),
    "GB": (r"(SC|NI|[01]\d)\d{6}", None),
    "DE": (r"HRB \d{6}", None),
    "BR": (r"\d{2}\.\d{3}\.\d{3}/0001-\d{2}", _cnpj_check),
    "MX": (r"[A-Z]{3}\d{6}[A-Z0-9]{3}", None),
}


class TestNationalIds:
    @pytest.mark.parametrize("kind", ["person", "company"])
    def test_each_country_has_its_format_and_check_digit(
        self, debtors: pl.DataFrame, kind: str
    ) -> None:
        table = _PERSON_IDS if kind == "person" else _COMPANY_IDS
        of_kind = debtors.filter(pl.col("debtor_type") == kind)
        for country, national_id in of_kind.select("country", "national_id").iter_rows():
            pattern, check = table[country]
            assert re.fullmatch(pattern, national_id), (country, national_id)
            assert check is None or check(national_id), (country, national_id)

    def test_chinese_ids_carry_the_province_and_an_adults_birth_date(
        self, debtors: pl.DataFrame
    ) -> None:
        province = {"GD": "44", "BJ": "11", "SH": "31", "SC": "51"}
        people = debtors.filter((pl.col("country") == "CN") & (pl.col("debtor_type") == "person"))
        for region, national_id in people.select("region", "national_id").iter_rows():
            assert region not in province or national_id[:2] == province[region]
            born = date(int(national_id[6:10]), int(national_id[10:12]), int(national_id[12:14]))
            assert 20 <= (AS_OF - born).days / 365.25 <= 76


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
    def test_due_date_agrees_with_days_past_due(self, rows: pl.DataFrame) -> None:
        for dpd, due in rows.select(pl.col("days_past_due").cast(int), "due_date").rows():
            due_day = date.fromisoformat(due)
            if dpd > 0:
                assert due_day == AS_OF - timedelta(days=dpd)
            else:
                assert AS_OF < due_day <= AS_OF + timedelta(days=28)

    def test_payments_fall_between_opening_and_the_as_of_date(self, rows: pl.DataFrame) -> None:
        for opened, due, paid_on, paid in rows.select(
            "open_date", "due_date", "last_payment_date", "last_payment_amount"
        ).rows():
            assert date.fromisoformat(opened) < date.fromisoformat(due)
            assert (paid_on is None) == (paid is None)
            if paid_on is not None:
                assert date.fromisoformat(opened) <= date.fromisoformat(paid_on) <= AS_OF
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


class TestDebtorTypes:
    def test_companies_hold_exactly_the_business_products(self, rows: pl.DataFrame) -> None:
        company = rows["debtor_type"] == "company"
        business = rows["product"].is_in(list(COMPANY_PRODUCTS))
        assert (company == business).all()
        assert 0.03 < company.mean() < 0.2  # type: ignore[operator]


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


class TestReproducibility:
    def test_the_same_seed_gives_byte_identical_files_and_another_seed_does_not(
        self, tmp_path: Path
    ) -> None:
        def make(name: str, seed: int) -> tuple[bytes, bytes]:
            out = tmp_path / f"{name}.csv"
            write_portfolio(PortfolioSpec(accounts=1200, seed=seed, chunk_rows=500), out)
            return out.read_bytes(), behaviour_path_for(out).read_bytes()

        first, again, other = make("a", 11), make("b", 11), make("c", 12)
        assert first == again
        assert first[0] != other[0]
        assert first[1] != other[1]

    def test_a_fresh_process_with_another_hash_seed_writes_the_same_bytes(
        self, tmp_path: Path
    ) -> None:
        here = write_portfolio(PortfolioSpec(accounts=300, seed=11), tmp_path / "here.csv")
        script = (
            "import sys; from pathlib import Path;"
            "from recoverly.simulate.portfolio import PortfolioSpec, write_portfolio;"
            "write_portfolio(PortfolioSpec(accounts=300, seed=11), Path(sys.argv[1]))"
        )
        env = {**os.environ, "PYTHONHASHSEED": "4242"}
        there = tmp_path / "there.csv"
        subprocess.run([sys.executable, "-c", script, there], check=True, env=env, timeout=120)
        assert there.read_bytes() == here.portfolio_path.read_bytes()
        assert behaviour_path_for(there).read_bytes() == here.behaviour_path.read_bytes()

    def test_chunks_hold_whole_debtors_and_add_up_to_the_accounts_asked_for(self) -> None:
        chunks = list(portfolio.generate(PortfolioSpec(accounts=1234, seed=11, chunk_rows=300)))
        assert [c.accounts.height for c in chunks] == [300, 300, 300, 300, 34]
        for chunk in chunks:
            assert chunk.behaviour["debtor_id"].to_list() == chunk.accounts["debtor_id"].unique(
                maintain_order=True).to_list()  # fmt: skip


class TestRefusals:
    @pytest.mark.parametrize(("field", "value"), [("accounts", 0), ("seed", -1), ("chunk_rows", 0)])
    def test_bad_numbers_are_refused_with_what_was_given(self, field: str, value: int) -> None:
        given = {"accounts": 10, "seed": 0, "chunk_rows": 100, field: value}
        with pytest.raises(InvalidInput, match=f"got {value}"):
            PortfolioSpec(given["accounts"], given["seed"], chunk_rows=given["chunk_rows"])

    def test_an_unwritable_path_is_refused_and_nothing_is_left_behind(self, tmp_path: Path) -> None:
        with pytest.raises(InvalidInput, match="cannot write"):
            write_portfolio(PortfolioSpec(accounts=10), tmp_path / "missing" / "p.csv")
        with pytest.raises(InvalidInput, match="is a directory"):
            write_portfolio(PortfolioSpec(accounts=10), tmp_path)
        with pytest.raises(InvalidInput, match="cannot write"):
            write_portfolio(PortfolioSpec(accounts=10), tmp_path / "p.csv", tmp_path / "no" / "b")
        with pytest.raises(InvalidInput, match="both go to"):
            write_portfolio(PortfolioSpec(accounts=10), tmp_path / "p.csv", tmp_path / "p.csv")
        assert list(tmp_path.iterdir()) == []

    def test_a_failure_midway_leaves_no_file(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        real = portfolio.generate

        def failing(spec: PortfolioSpec):  # type: ignore[no-untyped-def]
            yield next(real(spec))
            raise KeyboardInterrupt

        monkeypatch.setattr(portfolio, "generate", failing)
        with pytest.raises(KeyboardInterrupt):
            write_portfolio(PortfolioSpec(accounts=100, seed=11, chunk_rows=50), tmp_path / "p.csv")
        assert list(tmp_path.iterdir()) == []
