"""How debtors are reached: street addresses, email addresses and mobile numbers.

Every contact detail must pass the checks a real one would (the importer validates them)
while never reaching a real person:

* Addresses are laid out as each market writes them, from Faker's streets or local street
  templates, and local cities with postcodes drawn from their patterns.
* Emails use only subdomains of the RFC 2606 reserved names ``example.com``/``.net``/
  ``.org``, so they can never be delivered, and no two debtors share one (``email_tags``):
  a shared address would turn every email to one debtor into a disclosure to the other.
* Mobile numbers are valid E.164 numbers by ``phonenumbers``' own metadata, with the local
  area code where numbers carry one. Any match with a real subscriber is chance.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

import numpy as np
import phonenumbers

from recoverly.simulate.arrays import IntA, StrA
from recoverly.simulate.locales import POOL, faker
from recoverly.simulate.names import fold

# --- Addresses -------------------------------------------------------------------------------

_POSTCODE_LETTERS: Final = "ABDEFGHJLNPQRSTUWXYZ"  # letters used in UK inward codes


def expand(template: str, rng: np.random.Generator, names: Sequence[str] = ()) -> str:
    """Fill a template: '#' a digit, '$' a digit 1-9, '@' a letter, '^' a '#', '{s}' a name."""
    if "{s}" in template:
        template = template.replace("{s}", names[int(rng.integers(len(names)))])
    out = []
    for ch in template:
        if ch == "#":
            out.append(str(int(rng.integers(10))))
        elif ch == "$":
            out.append(str(int(rng.integers(1, 10))))
        elif ch == "@":
            out.append(_POSTCODE_LETTERS[int(rng.integers(len(_POSTCODE_LETTERS)))])
        elif ch == "^":
            out.append("#")
        else:
            out.append(ch)
    return "".join(out)


def streets(raw: Mapping[str, Any], seed: int) -> StrA:
    """Draw a market's pool of street addresses (its recipe ``raw``) for ``seed``."""
    if "faker" in raw:
        fake = faker(raw["faker"])
        fake.seed_instance(seed)
        return np.array(
            [fake.street_address().replace("\n", ", ") for _ in range(POOL)], dtype=np.str_
        )
    rng = np.random.default_rng(seed)
    templates, names = raw["templates"], raw["names"]
    return np.array(
        [expand(templates[int(rng.integers(len(templates)))], rng, names) for _ in range(POOL)],
        dtype=np.str_,
    )


def addresses(
    layout: str, street: StrA, city: StrA, region_name: StrA, region_code: StrA, postcode: StrA
) -> list[str]:
    """One address per row, in the market's ``layout`` (a ``str.format`` template)."""
    return [
        layout.format(street=s.replace("{city}", c), city=c, region=r, code=k, postcode=p)
        for s, c, r, k, p in zip(
            street.tolist(),
            city.tolist(),
            region_name.tolist(),
            region_code.tolist(),
            postcode.tolist(),
            strict=True,
        )
    ]


# --- Emails ----------------------------------------------------------------------------------

_TAG_MULTIPLIER: Final = 7_654_321  # odd and not a multiple of 5: a bijection modulo 10**k


def email_tags(numbers: IntA, accounts: int, seed: int) -> StrA:
    """A number per debtor, different for every debtor in the file, for its email address.

    Two debtors sharing an address would turn every email to one into a disclosure to the
    other, so addresses must be unique. Multiplying by a unit modulo ``10**k`` (with
    ``10**k`` above every debtor number) permutes the debtor numbers: unique, yet
    unrelated to the debtor id, and the same whatever the chunking.
    """
    modulus = 10 ** max(3, len(str(accounts)))
    tags: StrA = ((numbers * _TAG_MULTIPLIER + seed) % modulus).astype(np.str_)
    return tags


def person_emails(
    rng: np.random.Generator,
    user_names: StrA | None,
    given: StrA,
    family: StrA,
    tags: StrA,
    domains: Sequence[str],
) -> list[str]:
    """An address per person, from a Faker handle or the ASCII folds of the person's name.

    Args:
        user_names: the culture's handles, for scripts that do not fold to ASCII; else None.
        given, family: the ASCII folds of each person's names.
        tags: each person's ``email_tags`` number, which makes the address unique.
        domains: the market's reserved email domains.
    """
    n = len(tags)
    domain = np.array(domains)[rng.integers(0, len(domains), n)].tolist()
    style = rng.integers(0, 6, n).tolist()
    if user_names is not None:
        handles = user_names[rng.integers(0, len(user_names), n)].tolist()
        locals_ = [f"{h}{t}" for h, t in zip(handles, tags.tolist(), strict=True)]
    else:
        locals_ = [
            _local_part(a, b, s, t)
            for a, b, s, t in zip(
                given.tolist(), family.tolist(), style, tags.tolist(), strict=True
            )
        ]
    return [f"{loc}@{dom}" for loc, dom in zip(locals_, domain, strict=True)]


def _local_part(given: str, family: str, style: int, tag: str) -> str:
    given, family = given[:20] or "user", family[:20]
    if not family or style == 5:
        return f"{given}{tag}"
    if style == 0:
        return f"{given}.{family}{tag}"
    if style == 1:
        return f"{given}{family}{tag}"
    if style == 2:
        return f"{given[0]}{family}{tag}"
    if style == 3:
        return f"{family}.{given}{tag}"
    return f"{given}_{family}{tag}"


def company_emails(rng: np.random.Generator, names: list[str], tags: list[str]) -> list[str]:
    """A role address per company (``finance@``, ``ap@`` ...) on its own reserved subdomain."""
    roles = ["finance", "accounts", "ap", "info", "admin"]
    role = rng.integers(0, len(roles), len(names)).tolist()
    out = []
    for name, tag, r in zip(names, tags, role, strict=True):
        slug = fold(name)[:24]
        out.append(f"{roles[r]}@{slug if len(slug) >= 3 else 'biz'}-{tag}.example.com")
    return out


# --- Mobile numbers --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PhonePlan:
    """Valid mobile numbers of one country, from the ``phonenumbers`` metadata itself."""

    country: str
    calling_code: str
    length: int
    general: re.Pattern[str]
    mobile: re.Pattern[str]
    prefixes: tuple[str, ...]  # leading digits of valid numbers, as often as they occur

    def valid(self, nsn: str) -> bool:
        return bool(self.general.fullmatch(nsn) and self.mobile.fullmatch(nsn))


@cache
def phone_plan(country: str, length: int) -> PhonePlan:
    """A fact about the numbering plan, not about a seed: drawn once with a fixed stream."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region(country)
    general = meta.general_desc if meta is not None else None
    mobile = meta.mobile if meta is not None else None
    if meta is None or general is None or mobile is None:
        raise ValueError(f"phonenumbers has no mobile numbering plan for {country}")
    general_lengths = general.possible_length or (length,)
    if length not in general_lengths or length not in (mobile.possible_length or general_lengths):
        raise ValueError(f"{country} mobile numbers never have {length} digits")
    plan = PhonePlan(
        country,
        str(meta.country_code),
        length,
        re.compile(general.national_number_pattern or ""),
        re.compile(mobile.national_number_pattern or ""),
        (),
    )
    # Uniform candidates filtered by the metadata give the leading digits of valid numbers
    # in proportion to how much of the numbering plan they cover.
    rng = np.random.default_rng(length)
    candidates = rng.integers(10 ** (length - 1), 10**length, size=8000)
    prefixes = tuple(str(c)[:3] for c in candidates.tolist() if plan.valid(str(c)))
    if not prefixes:
        raise ValueError(f"found no valid {country} mobile numbers of {length} digits")
    return PhonePlan(country, plan.calling_code, length, plan.general, plan.mobile, prefixes)


def mobiles(
    rng: np.random.Generator,
    plan: PhonePlan,
    area_codes: Sequence[tuple[str, ...]],
    city: IntA,
) -> list[str]:
    """Valid E.164 mobile numbers: local area codes where numbers carry them, checked.

    Args:
        area_codes: per city of the market, the area codes its numbers start with.
        city: each debtor's city, an index into ``area_codes``.
    """
    n = len(city)
    learned = np.array(plan.prefixes)
    prefixes: list[str] = learned[rng.integers(0, len(learned), n)].tolist()
    choice = rng.random(n).tolist()
    for i, c in enumerate(city.tolist()):
        codes = area_codes[c]
        if codes:
            prefixes[i] = codes[int(choice[i] * len(codes))]
    numbers = [""] * n
    pending = list(range(n))
    for attempt in range(200):
        tails = rng.integers(0, 10**15, size=len(pending)).tolist()
        retry = []
        for i, tail in zip(pending, tails, strict=True):
            width = plan.length - len(prefixes[i])
            nsn = f"{prefixes[i]}{tail % 10**width:0{width}d}"
            if plan.valid(nsn):
                numbers[i] = f"+{plan.calling_code}{nsn}"
            else:
                retry.append(i)
        if not retry:
            return numbers
        if attempt == 50:  # an area code that never validates: fall back to learned digits
            for i in retry:
                prefixes[i] = str(learned[int(rng.integers(len(learned)))])
        pending = retry
    raise RuntimeError(f"could not make valid {plan.country} mobile numbers")
