"""What national IDs are made of: birth data, region codes, check digits, and fast text.

Each market's personal IDs (``person_ids``) and company numbers (``company_ids``) are random
numbers in the right format with the right check digits; any match with a real one is
chance (in a million accounts a few dozen pairs of debtors share one, as a few share a
phone number). This module holds what both kinds share:

* ``IdInput``: the facts an ID may encode about its holder (birth date, sex, the code of
  the region it was issued in).
* The check-digit schemes that personal and company IDs of the same market share.
* Vectorised text: an ID is built as a byte matrix, one row per debtor and one column per
  character, and decoded to strings once, which is what makes a million IDs take
  milliseconds instead of seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from recoverly.simulate.arrays import U8A, BoolA, IntA, StrA

LETTERS: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True, slots=True)
class IdInput:
    """What an ID may encode about each of ``n`` holders."""

    n: int
    year: IntA
    month: IntA
    day: IntA
    male: BoolA
    id_code: StrA  # the region's code for IDs (province digits, a letter, ...)

    @classmethod
    def born(cls, birth: npt.NDArray[np.datetime64], male: BoolA, id_code: StrA) -> IdInput:
        """The input for holders born on ``birth`` (days), of sex ``male``, from ``id_code``."""
        months = birth.astype("datetime64[M]")
        return cls(
            n=len(birth),
            year=birth.astype("datetime64[Y]").astype(np.int64) + 1970,
            month=months.astype(np.int64) % 12 + 1,
            day=(birth - months.astype("datetime64[D]")).astype(np.int64) + 1,
            male=male,
            id_code=id_code,
        )

    def subset(self, mask: BoolA) -> IdInput:
        return IdInput(
            int(mask.sum()),
            self.year[mask],
            self.month[mask],
            self.day[mask],
            self.male[mask],
            self.id_code[mask],
        )


IdMaker = Callable[[np.random.Generator, IdInput], list[str]]


# --- Byte matrices: one row per holder, one column per character ----------------------------


def random_digits(rng: np.random.Generator, n: int, width: int, low: int = 0) -> IntA:
    return rng.integers(low, 10, size=(n, width), dtype=np.int64)


def digits_of(values: IntA, width: int) -> IntA:
    """The decimal digits of ``values``, zero-padded to ``width`` columns."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values[:, None] // powers) % 10


def ascii_digits(digits: IntA) -> U8A:
    return (digits + 48).astype(np.uint8)


def literal(text: str, n: int) -> U8A:
    return np.tile(np.frombuffer(text.encode("ascii"), dtype=np.uint8), (n, 1))


def pick(alphabet: str, index: IntA) -> U8A:
    """The characters of ``alphabet`` at ``index`` (one column, or one per index column)."""
    table = np.frombuffer(alphabet.encode("ascii"), dtype=np.uint8)
    picked: U8A = table[index]
    return picked if picked.ndim == 2 else picked[:, None]


def codes(values: StrA, width: int) -> U8A:
    """ASCII strings of exactly ``width`` characters as ``width`` byte columns."""
    return np.array(values, dtype=f"S{width}").view(np.uint8).reshape(-1, width)


def join(*parts: U8A) -> list[str]:
    """Put byte columns side by side and decode each row to one string."""
    matrix = np.ascontiguousarray(np.concatenate(parts, axis=1))
    as_bytes = matrix.view(f"S{matrix.shape[1]}").ravel()
    text: list[str] = as_bytes.astype(np.str_).tolist()
    return text


# --- Check digits shared by a market's personal and company IDs -----------------------------


def thai_check(body: IntA) -> IntA:
    """The check digit of a Thai 13-digit ID (people and juristic persons alike)."""
    total = (body * np.arange(13, 1, -1)).sum(axis=1)
    check: IntA = ((11 - total % 11) % 10)[:, None]
    return check


def mod11(body: IntA, weights: Sequence[int]) -> IntA:
    """A Brazilian mod-11 check digit (CPF and CNPJ): 0 for remainders below 2."""
    remainder = (body * np.array(weights)).sum(axis=1) % 11
    check: IntA = np.where(remainder < 2, 0, 11 - remainder)[:, None]
    return check
