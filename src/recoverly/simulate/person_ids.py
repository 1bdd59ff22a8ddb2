"""Personal national IDs of each market, in its format and with its check digits.

One maker per market turns an ``IdInput`` (birth date, sex, region code) into ID strings
as the market issues them: China's resident ID, Hong Kong's HKID, Taiwan's national ID,
Singapore's NRIC, Thailand's citizen ID, Vietnam's citizen ID, Indonesia's NIK, Malaysia's
MyKad, the Philippines' PhilSys number, India's Aadhaar, the US SSN, the UK's National
Insurance number, Germany's identity card number, Brazil's CPF and Mexico's CURP. Where
the real ID encodes birth date, sex or region, these do too; where it has a check digit,
it is computed, so that importer validation and downstream matching see realistic IDs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import numpy as np

from recoverly.simulate.arrays import IntA
from recoverly.simulate.identifiers import (
    LETTERS,
    IdInput,
    IdMaker,
    ascii_digits,
    codes,
    digits_of,
    join,
    literal,
    mod11,
    pick,
    random_digits,
    thai_check,
)


def _cn_person(rng: np.random.Generator, x: IdInput) -> list[str]:
    area = np.concatenate(
        [
            codes(x.id_code, 2).astype(np.int64) - 48,
            digits_of(rng.integers(1, 21, x.n), 2),
            digits_of(rng.integers(1, 31, x.n), 2),
        ],
        axis=1,
    )
    seq = rng.integers(0, 100, x.n) * 10 + np.where(x.male, 1, 0) + 2 * rng.integers(0, 5, x.n)
    body = np.concatenate(
        [area, digits_of(x.year, 4), digits_of(x.month, 2), digits_of(x.day, 2), digits_of(seq, 3)],
        axis=1,
    )
    weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
    return join(ascii_digits(body), pick("10X98765432", (body * weights).sum(axis=1) % 11))


def _hk_person(rng: np.random.Generator, x: IdInput) -> list[str]:
    letters = rng.integers(0, 12, x.n)
    value = np.frombuffer(b"ACDEGHKPRVYZ", dtype=np.uint8)[letters].astype(np.int64) - 55
    body = random_digits(rng, x.n, 6)
    total = 36 * 9 + value * 8 + (body * np.array([7, 6, 5, 4, 3, 2])).sum(axis=1)
    check = (11 - total % 11) % 11
    return join(
        pick("ACDEGHKPRVYZ", letters),
        ascii_digits(body),
        literal("(", x.n),
        pick("0123456789A", check),
        literal(")", x.n),
    )


_TW_LETTER_VALUE: Final = {
    "A": 10, "B": 11, "C": 12, "D": 13, "E": 14, "F": 15, "G": 16, "H": 17, "I": 34, "J": 18,
    "K": 19, "L": 20, "M": 21, "N": 22, "O": 35, "P": 23, "Q": 24, "R": 25, "S": 26, "T": 27,
    "U": 28, "V": 29, "W": 32, "X": 30, "Y": 31, "Z": 33,
}  # fmt: skip


def _tw_person(rng: np.random.Generator, x: IdInput) -> list[str]:
    value = np.array([_TW_LETTER_VALUE[c] for c in x.id_code.tolist()], dtype=np.int64)
    body = np.concatenate([np.where(x.male, 1, 2)[:, None], random_digits(rng, x.n, 7)], axis=1)
    total = value // 10 + (value % 10) * 9 + (body * np.arange(8, 0, -1)).sum(axis=1)
    return join(
        codes(x.id_code, 1), ascii_digits(body), ascii_digits(((10 - total % 10) % 10)[:, None])
    )


def _sg_person(rng: np.random.Generator, x: IdInput) -> list[str]:
    young = x.year >= 2000
    body = random_digits(rng, x.n, 7)
    total = (body * np.array([2, 7, 6, 5, 4, 3, 2])).sum(axis=1) + np.where(young, 4, 0)
    return join(
        pick("ST", young.astype(np.int64)), ascii_digits(body), pick("JZIHGFEDCBA", total % 11)
    )


def _th_person(rng: np.random.Generator, x: IdInput) -> list[str]:
    first = np.array([1, 1, 1, 3, 3, 5, 8])[rng.integers(0, 7, x.n)][:, None]
    body = np.concatenate([first, random_digits(rng, x.n, 11)], axis=1)
    d = ascii_digits(np.concatenate([body, thai_check(body)], axis=1))
    dash = literal("-", x.n)
    return join(d[:, :1], dash, d[:, 1:5], dash, d[:, 5:10], dash, d[:, 10:12], dash, d[:, 12:])


def _vn_person(rng: np.random.Generator, x: IdInput) -> list[str]:
    century = np.where(x.year >= 2000, 2, 0) + np.where(x.male, 0, 1)
    return join(
        codes(x.id_code, 3),
        ascii_digits(century[:, None]),
        ascii_digits(digits_of(x.year % 100, 2)),
        ascii_digits(random_digits(rng, x.n, 6)),
    )


def _id_person(rng: np.random.Generator, x: IdInput) -> list[str]:
    """NIK: area, birth date (day + 40 for women), then a serial."""
    day = x.day + np.where(x.male, 0, 40)
    return join(
        codes(x.id_code, 2),
        ascii_digits(digits_of(rng.integers(1, 30, x.n), 2)),
        ascii_digits(digits_of(rng.integers(1, 30, x.n), 2)),
        ascii_digits(digits_of(day, 2)),
        ascii_digits(digits_of(x.month, 2)),
        ascii_digits(digits_of(x.year % 100, 2)),
        ascii_digits(digits_of(rng.integers(1, 10_000, x.n), 4)),
    )


def _my_person(rng: np.random.Generator, x: IdInput) -> list[str]:
    """MyKad: birth date, state of birth, serial, last digit odd for men."""
    last = rng.integers(0, 5, x.n) * 2 + np.where(x.male, 1, 0)
    dash = literal("-", x.n)
    return join(
        ascii_digits(digits_of(x.year % 100, 2)),
        ascii_digits(digits_of(x.month, 2)),
        ascii_digits(digits_of(x.day, 2)),
        dash,
        codes(x.id_code, 2),
        dash,
        ascii_digits(random_digits(rng, x.n, 3)),
        ascii_digits(last[:, None]),
    )


def _ph_person(rng: np.random.Generator, x: IdInput) -> list[str]:
    d = ascii_digits(
        np.concatenate([random_digits(rng, x.n, 1, 1), random_digits(rng, x.n, 15)], axis=1)
    )
    dash = literal("-", x.n)
    return join(d[:, :4], dash, d[:, 4:8], dash, d[:, 8:12], dash, d[:, 12:])  # PhilSys


_VERHOEFF_D: Final = np.array(
    [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
     [2, 3, 4, 0, 1, 7, 8, 9, 5, 6], [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
     [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
     [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
     [8, 7, 6, 5, 9, 3, 2, 1, 0, 4], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]])  # fmt: skip


_VERHOEFF_P: Final = np.array(
    [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
     [5, 8, 0, 3, 7, 9, 6, 1, 4, 2], [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
     [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
     [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]])  # fmt: skip


_VERHOEFF_INV: Final = np.array([0, 4, 3, 2, 1, 5, 6, 7, 8, 9])


def _verhoeff(body: IntA) -> IntA:
    """The Verhoeff check digit of each row (Aadhaar's checksum)."""
    c = np.zeros(len(body), dtype=np.int64)
    for i, column in enumerate(body[:, ::-1].T):
        c = _VERHOEFF_D[c, _VERHOEFF_P[(i + 1) % 8, column]]
    check: IntA = _VERHOEFF_INV[c]
    return check


def _in_person(rng: np.random.Generator, x: IdInput) -> list[str]:
    body = np.concatenate([random_digits(rng, x.n, 1, 2), random_digits(rng, x.n, 10)], axis=1)
    d = ascii_digits(np.concatenate([body, _verhoeff(body)[:, None]], axis=1))
    space = literal(" ", x.n)
    return join(d[:, :4], space, d[:, 4:8], space, d[:, 8:])


def _us_person(rng: np.random.Generator, x: IdInput) -> list[str]:
    area = rng.integers(1, 900, x.n)
    area = np.where(area == 666, 667, area)  # never issued
    dash = literal("-", x.n)
    return join(
        ascii_digits(digits_of(area, 3)),
        dash,
        ascii_digits(digits_of(rng.integers(1, 100, x.n), 2)),
        dash,
        ascii_digits(digits_of(rng.integers(1, 10_000, x.n), 4)),
    )


def _gb_person(rng: np.random.Generator, x: IdInput) -> list[str]:
    """National Insurance number: two prefix letters (never-used pairs avoided), six digits."""
    first = np.array(list("ABCEGHJKLMNOPRSTWXYZ"))[rng.integers(0, 20, x.n)]
    second = np.array(list("ABCEGHJKLMNPRSTWXYZ"))[rng.integers(0, 19, x.n)]
    pair = np.char.add(first, second)
    banned = np.isin(pair, ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"])
    first = np.where(banned, "A", first)
    return join(
        codes(first, 1),
        codes(second, 1),
        ascii_digits(random_digits(rng, x.n, 6)),
        pick("ABCD", rng.integers(0, 4, x.n)),
    )


_DE_LETTERS: Final = "CFGHJKLMNPRTVWXYZ"


def _de_person(rng: np.random.Generator, x: IdInput) -> list[str]:
    """Identity card number: nine characters and a 7-3-1 weighted check digit."""
    alphabet = _DE_LETTERS + "0123456789"
    first = rng.integers(0, len(_DE_LETTERS), (x.n, 1))
    rest = rng.integers(0, len(alphabet), (x.n, 8))
    chars = np.concatenate([pick(alphabet, first), pick(alphabet, rest)], axis=1)
    values = np.where(chars >= 65, chars.astype(np.int64) - 55, chars.astype(np.int64) - 48)
    check = (values * np.resize([7, 3, 1], 9)).sum(axis=1) % 10
    return join(chars, ascii_digits(check[:, None]))


def _br_person(rng: np.random.Generator, x: IdInput) -> list[str]:
    body = random_digits(rng, x.n, 9)
    body = np.concatenate([body, mod11(body, range(10, 1, -1))], axis=1)
    body = np.concatenate([body, mod11(body, range(11, 1, -1))], axis=1)
    d, dot = ascii_digits(body), literal(".", x.n)
    return join(d[:, :3], dot, d[:, 3:6], dot, d[:, 6:9], literal("-", x.n), d[:, 9:])  # CPF


_CONSONANTS: Final = "BCDFGHJKLMNPQRSTVWXYZ"


def _mx_person(rng: np.random.Generator, x: IdInput) -> list[str]:
    """CURP: name letters, birth date, sex, state, consonants, homoclave, check digit."""
    head = np.concatenate(
        [
            pick(LETTERS, rng.integers(0, 26, (x.n, 1))),
            pick("AEIOU", rng.integers(0, 5, (x.n, 1))),
            pick(LETTERS, rng.integers(0, 26, (x.n, 2))),
            ascii_digits(digits_of(x.year % 100, 2)),
            ascii_digits(digits_of(x.month, 2)),
            ascii_digits(digits_of(x.day, 2)),
            pick("MH", x.male.astype(np.int64)),
            codes(x.id_code, 2),
            pick(_CONSONANTS, rng.integers(0, 21, (x.n, 3))),
            np.where(
                (x.year >= 2000)[:, None],
                pick(LETTERS, rng.integers(0, 26, (x.n, 1))),
                ascii_digits(random_digits(rng, x.n, 1)),
            ),
        ],
        axis=1,
    )
    code = head.astype(np.int64)
    # Values of the CURP alphabet 0-9A-NÑO-Z: digits 0-9, A-N 10-23, (Ñ 24), O-Z 25-36.
    values = np.where(code < 65, code - 48, np.where(code <= 78, code - 55, code - 54))
    check = (10 - (values * np.arange(18, 1, -1)).sum(axis=1) % 10) % 10
    return join(head, ascii_digits(check[:, None]))


# The maker of each market's personal IDs, by ISO 3166-1 country code.
PERSON_IDS: Final[Mapping[str, IdMaker]] = {
    "CN": _cn_person,
    "HK": _hk_person,
    "TW": _tw_person,
    "SG": _sg_person,
    "TH": _th_person,
    "VN": _vn_person,
    "ID": _id_person,
    "MY": _my_person,
    "PH": _ph_person,
    "IN": _in_person,
    "US": _us_person,
    "GB": _gb_person,
    "DE": _de_person,
    "BR": _br_person,
    "MX": _mx_person,
}
