"""Company registration and tax numbers of each market, in its format and with its checks.

One maker per market: China's unified social credit code, Hong Kong's business
registration number, Taiwan's unified business number, Singapore's UEN, Thailand's
juristic-person ID, Vietnam's tax code, Indonesia's NPWP, Malaysia's registration number,
the Philippines' TIN, India's corporate identity number, the US EIN, Companies House
numbers, German commercial-register numbers, Brazil's CNPJ and Mexico's RFC. Where the
real number has a check digit it is computed; where it encodes a region, it carries the
debtor's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import numpy as np

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

_USCC: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _cn_company(rng: np.random.Generator, x: IdInput) -> list[str]:
    """The 18-character unified social credit code, with its mod-31 check character."""
    head = np.concatenate(
        [
            np.tile([9, 1], (x.n, 1)),
            codes(x.id_code, 2).astype(np.int64) - 48,
            digits_of(rng.integers(100, 10_000, x.n), 4),
            rng.integers(0, 31, (x.n, 9)),
        ],
        axis=1,
    )
    weights = np.array([pow(3, i, 31) for i in range(17)])
    check = (31 - (head * weights).sum(axis=1) % 31) % 31
    return join(pick(_USCC, head), pick(_USCC, check))


def _hk_company(rng: np.random.Generator, x: IdInput) -> list[str]:
    return join(ascii_digits(random_digits(rng, x.n, 8)))  # business registration number


def _tw_company(rng: np.random.Generator, x: IdInput) -> list[str]:
    """The 8-digit unified business number; its seventh digit is kept off the special 7."""
    body = random_digits(rng, x.n, 7)
    body[:, 6] = np.where(body[:, 6] == 7, 8, body[:, 6])
    products = body * np.array([1, 2, 1, 2, 1, 2, 4])
    total = (products // 10 + products % 10).sum(axis=1)
    return join(ascii_digits(body), ascii_digits(((10 - total % 10) % 10)[:, None]))


def _sg_company(rng: np.random.Generator, x: IdInput) -> list[str]:
    year = rng.integers(1990, 2026, x.n)
    return join(
        ascii_digits(digits_of(year, 4)),
        ascii_digits(random_digits(rng, x.n, 5)),
        pick("CDEGHKMNRWZ", rng.integers(0, 11, x.n)),
    )


def _th_company(rng: np.random.Generator, x: IdInput) -> list[str]:
    body = np.concatenate([np.tile([0, 1, 0, 5], (x.n, 1)), random_digits(rng, x.n, 8)], axis=1)
    return join(ascii_digits(body), ascii_digits(thai_check(body)))


def _vn_company(rng: np.random.Generator, x: IdInput) -> list[str]:
    return join(literal("0", x.n), ascii_digits(random_digits(rng, x.n, 9)))  # tax code (MST)


def _id_company(rng: np.random.Generator, x: IdInput) -> list[str]:
    d = ascii_digits(random_digits(rng, x.n, 15))  # NPWP 99.999.999.9-999.999
    dot, dash = literal(".", x.n), literal("-", x.n)
    return join(
        d[:, :2], dot, d[:, 2:5], dot, d[:, 5:8], dot, d[:, 8:9], dash, d[:, 9:12], dot, d[:, 12:]
    )


def _my_company(rng: np.random.Generator, x: IdInput) -> list[str]:
    year = rng.integers(1990, 2026, x.n)
    return join(
        ascii_digits(digits_of(year, 4)),
        literal("01", x.n),
        ascii_digits(random_digits(rng, x.n, 6)),
    )


def _ph_company(rng: np.random.Generator, x: IdInput) -> list[str]:
    d = ascii_digits(random_digits(rng, x.n, 9))
    dash = literal("-", x.n)
    return join(d[:, :3], dash, d[:, 3:6], dash, d[:, 6:], literal("-000", x.n))  # TIN


def _in_company(rng: np.random.Generator, x: IdInput) -> list[str]:
    """Corporate identity number: listing, industry, state, year, 'PTC', serial."""
    industry = np.array(["72200", "74999", "51909", "15400", "45200", "65999"])
    return join(
        literal("U", x.n),
        codes(industry[rng.integers(0, 6, x.n)], 5),
        codes(x.id_code, 2),
        ascii_digits(digits_of(rng.integers(1990, 2026, x.n), 4)),
        literal("PTC", x.n),
        ascii_digits(random_digits(rng, x.n, 6)),
    )


_EIN_PREFIXES: Final = np.array(
    [p for p in range(10, 100) if p not in {17, 18, 19, 28, 29, 49, 69, 70, 78, 79, 89, 96, 97}]
)


def _us_company(rng: np.random.Generator, x: IdInput) -> list[str]:
    prefix = _EIN_PREFIXES[rng.integers(0, len(_EIN_PREFIXES), x.n)]
    return join(
        ascii_digits(digits_of(prefix, 2)),
        literal("-", x.n),
        ascii_digits(random_digits(rng, x.n, 7)),
    )


def _gb_company(rng: np.random.Generator, x: IdInput) -> list[str]:
    """Companies House number: 'SC' in Scotland, 'NI' in Northern Ireland, else 8 digits."""
    digits = np.char.add(
        rng.integers(0, 2, x.n).astype(np.str_), rng.integers(0, 10, x.n).astype(np.str_)
    )
    prefix = np.where(x.id_code == "S", "SC", np.where(x.id_code == "N", "NI", digits))
    return join(codes(prefix, 2), ascii_digits(random_digits(rng, x.n, 6)))


def _de_company(rng: np.random.Generator, x: IdInput) -> list[str]:
    return join(literal("HRB ", x.n), ascii_digits(digits_of(rng.integers(1000, 250_000, x.n), 6)))


def _br_company(rng: np.random.Generator, x: IdInput) -> list[str]:
    body = np.concatenate([random_digits(rng, x.n, 8), np.tile([0, 0, 0, 1], (x.n, 1))], axis=1)
    body = np.concatenate([body, mod11(body, [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])], axis=1)
    body = np.concatenate([body, mod11(body, [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])], axis=1)
    d, dot = ascii_digits(body), literal(".", x.n)
    return join(
        d[:, :2],
        dot,
        d[:, 2:5],
        dot,
        d[:, 5:8],
        literal("/", x.n),
        d[:, 8:12],
        literal("-", x.n),
        d[:, 12:],
    )  # CNPJ


def _mx_company(rng: np.random.Generator, x: IdInput) -> list[str]:
    founded = rng.integers(0, 100, x.n)
    return join(
        pick(LETTERS, rng.integers(0, 26, (x.n, 3))),
        ascii_digits(digits_of(founded, 2)),
        ascii_digits(digits_of(rng.integers(1, 13, x.n), 2)),
        ascii_digits(digits_of(rng.integers(1, 29, x.n), 2)),
        pick(LETTERS + "0123456789", rng.integers(0, 36, (x.n, 3))),
    )  # RFC


# The maker of each market's company numbers, by ISO 3166-1 country code.
COMPANY_IDS: Final[Mapping[str, IdMaker]] = {
    "CN": _cn_company,
    "HK": _hk_company,
    "TW": _tw_company,
    "SG": _sg_company,
    "TH": _th_company,
    "VN": _vn_company,
    "ID": _id_company,
    "MY": _my_company,
    "PH": _ph_company,
    "IN": _in_company,
    "US": _us_company,
    "GB": _gb_company,
    "DE": _de_company,
    "BR": _br_company,
    "MX": _mx_company,
}
