"""National IDs: each market's format and check digits, for people and for companies.

The check digits are recomputed here independently, digit by digit in plain Python, from
each scheme's published definition rather than from the generator's vectorised code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import polars as pl
import pytest


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
        self, debtors: pl.DataFrame, as_of: date
    ) -> None:
        province = {"GD": "44", "BJ": "11", "SH": "31", "SC": "51"}
        people = debtors.filter((pl.col("country") == "CN") & (pl.col("debtor_type") == "person"))
        for region, national_id in people.select("region", "national_id").iter_rows():
            assert region not in province or national_id[:2] == province[region]
            born = date(int(national_id[6:10]), int(national_id[10:12]), int(national_id[12:14]))
            assert 20 <= (as_of - born).days / 365.25 <= 76
