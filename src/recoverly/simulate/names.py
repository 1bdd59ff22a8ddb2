"""Names of people and companies in each market's own naming culture.

Names are never drawn from Faker row by row (that would take minutes for a million rows):
each naming culture draws small seeded pools once per seed (Faker's own names, with the
local names ``locales.json`` adds where Faker has none or too few), and rows then sample
from the pools with numpy. A repeated name in a pool keeps Faker's frequencies. How the
parts are put together (family name first, a Vietnamese middle name, a Malay patronymic,
an English name before a Singaporean-Chinese one) is the culture's ``order``.

Every name keeps its ASCII fold beside it, because emails are built from names and must be
plain ASCII. Company names come from Faker's companies with a local legal form, or from a
recipe (a stem, a line of business, a legal form) where Faker's companies do not fit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from recoverly.simulate.arrays import BoolA, StrA
from recoverly.simulate.locales import POOL, faker


def fold(text: str) -> str:
    """Lower-case ASCII letters and digits of ``text``, for email local parts and slugs."""
    text = text.replace("đ", "d").replace("Đ", "D").replace("ß", "ss")
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text).lower() if ch.isascii() and ch.isalnum()
    )


@dataclass(frozen=True, slots=True)
class Names:
    """One list of names, with the ASCII fold of each for building email addresses."""

    text: StrA
    ascii: StrA

    @classmethod
    def of(cls, names: Sequence[str]) -> Names:
        return cls(np.array(names, dtype=np.str_), np.array([fold(n) for n in names]))

    def __len__(self) -> int:
        return len(self.text)


@dataclass(frozen=True, slots=True)
class Culture:
    """A naming culture's pools for one seed, and the order its names are written in."""

    order: str
    given_male: Names
    given_female: Names
    family: Names
    middle_male: Names | None
    middle_female: Names | None
    english: Names | None
    english_share: float
    user_names: StrA | None  # ASCII handles from Faker, for scripts that do not fold to ASCII


def _weighted(names: Sequence[str] | Mapping[str, float]) -> list[str]:
    if isinstance(names, Mapping):
        return [name for name, weight in names.items() for _ in range(round(weight))]
    return list(names)


def build_culture(raw: Mapping[str, Any], seed: int) -> Culture:
    """Draw a naming culture's pools (``locales.json``'s recipe ``raw``) for ``seed``."""
    locale = raw.get("faker")
    fake = faker(locale) if locale else None
    if fake is not None:
        fake.seed_instance(seed)
    drawn: dict[str, list[str]] = {"given_male": [], "given_female": [], "family": []}
    if fake is not None:
        drawn["given_male"] = [fake.first_name_male() for _ in range(POOL)]
        drawn["given_female"] = [fake.first_name_female() for _ in range(POOL)]
        drawn["family"] = [fake.last_name() for _ in range(POOL)]
    for key in ("given_male", "given_female"):
        if key in raw:  # local extras, given about a third of the pool next to Faker's
            extra = _weighted(raw[key])
            repeat = max(1, len(drawn[key]) // (2 * len(extra)))
            drawn[key] += extra * repeat
    if "family" in raw:
        drawn["family"] = _weighted(raw["family"])
    elif raw["order"] == "patronymic":  # the second name is the father's given name
        drawn["family"] = drawn["given_male"]
    english = None
    if raw.get("english_prefix"):
        en = faker(raw["english_faker"])
        en.seed_instance(seed + 1)
        english = Names.of([en.first_name() for _ in range(POOL)])
    user_names = None
    if raw["email"] == "faker" and fake is not None:
        handles = [re.sub(r"[^a-z0-9]", "", fake.user_name().lower()) for _ in range(POOL)]
        user_names = np.array([h for h in handles if len(h) >= 3] or ["user"], dtype=np.str_)
    return Culture(
        order=raw["order"],
        given_male=Names.of(drawn["given_male"]),
        given_female=Names.of(drawn["given_female"]),
        family=Names.of(drawn["family"]),
        middle_male=Names.of(_weighted(raw["middle_male"])) if "middle_male" in raw else None,
        middle_female=(
            Names.of(_weighted(raw["middle_female"])) if "middle_female" in raw else None
        ),
        english=english,
        english_share=float(raw.get("english_prefix", 0.0)),
        user_names=user_names,
    )


_LEGAL_FORMS: Final = re.compile(
    r"(Inc\.?|LLC|Ltd\.?|Limited|PLC|plc|Group|Sons|Corp\.?|Co\.|GmbH|AG|KG|e\.G\.|OHG|"
    r"S\.A\.?|Ltda\.?|ME|C\.V\.|S\.C\.|Tbk|Pvt\.? Ltd\.?|公司|จำกัด)$"
)


def company_names(raw: Mapping[str, Any], cultures: Mapping[str, Culture], seed: int) -> StrA:
    """Draw a market's pool of company names (its recipe ``raw``) for ``seed``."""
    rng = np.random.default_rng(seed)
    if "faker" in raw:
        fake = faker(raw["faker"])
        fake.seed_instance(seed)
        names = []
        suffixes = raw.get("suffixes", [])
        for _ in range(POOL):
            name = fake.company().replace("Corporacin", "Corporación")  # a Faker es_MX typo
            if suffixes and not _LEGAL_FORMS.search(name):
                name = f"{name} {suffixes[int(rng.integers(len(suffixes)))]}"
            names.append(name)
        return np.array(names, dtype=np.str_)
    stems = list(raw.get("stems", []))
    if "stems_from" in raw:
        stems += sorted(set(cultures[raw["stems_from"]].family.text.tolist()))
    kinds = raw["kinds"]
    prefixes = raw.get("prefixes", [""])
    suffixes = raw.get("suffixes", [""])
    names = [
        raw["format"]
        .format(
            stem=stems[int(rng.integers(len(stems)))],
            kind=kinds[int(rng.integers(len(kinds)))],
            prefix=prefixes[int(rng.integers(len(prefixes)))],
            suffix=suffixes[int(rng.integers(len(suffixes)))],
        )
        .strip()
        for _ in range(POOL)
    ]
    return np.array(names, dtype=np.str_)


def _draw(rng: np.random.Generator, names: Names, n: int) -> tuple[StrA, StrA]:
    index = rng.integers(0, len(names), n)
    return names.text[index], names.ascii[index]


def person_names(
    rng: np.random.Generator, pool: Culture, male: BoolA
) -> tuple[list[str], StrA, StrA]:
    """A name per person of ``pool``'s culture, with the ASCII folds emails are made from.

    Returns:
        The names as written, the ASCII given names (the English name where one was put
        first) and the ASCII family names.
    """
    n = len(male)
    gm, gm_a = _draw(rng, pool.given_male, n)
    gf, gf_a = _draw(rng, pool.given_female, n)
    given, given_a = np.where(male, gm, gf), np.where(male, gm_a, gf_a)
    family, family_a = _draw(rng, pool.family, n)
    g, f = given.tolist(), family.tolist()
    if pool.order == "family_given":
        names = [a + b for a, b in zip(f, g, strict=True)]
    elif pool.order == "given_family":
        names = [f"{a} {b}" for a, b in zip(g, f, strict=True)]
    elif pool.order == "given_family_family":
        second, _ = _draw(rng, pool.family, n)
        names = [f"{a} {b} {c}" for a, b, c in zip(g, f, second.tolist(), strict=True)]
    elif pool.order == "family_middle_given":
        assert pool.middle_male is not None
        assert pool.middle_female is not None
        middle = np.where(
            male, _draw(rng, pool.middle_male, n)[0], _draw(rng, pool.middle_female, n)[0]
        )
        names = [f"{a} {b} {c}" for a, b, c in zip(f, middle.tolist(), g, strict=True)]
    elif pool.order == "family_given_spaced":
        names = [f"{a} {b}" for a, b in zip(f, g, strict=True)]
        if pool.english is not None:
            english, english_a = _draw(rng, pool.english, n)
            use = rng.random(n) < pool.english_share
            names = [
                f"{e} {x}" if u else x
                for e, x, u in zip(english.tolist(), names, use.tolist(), strict=True)
            ]
            given_a = np.where(use, english_a, given_a)
    elif pool.order == "patronymic":
        link = np.where(male, "bin", "binti").tolist()
        names = [f"{a} {b} {c}" for a, b, c in zip(g, link, f, strict=True)]
    else:
        raise ValueError(f"unknown name order {pool.order!r}")
    return names, given_a, family_a
