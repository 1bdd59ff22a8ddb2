"""What the generator knows about each market's places and people, and where it comes from.

Three sources, each used for what only it knows:

* ``recoverly.reference``: the IANA zone of each region (or of the whole country, where it
  has one) and the country's default language; the same derivation the importer uses to
  fill a debtor's zone and language, so the two can never disagree.
* ``locales.json`` (beside this module): what neither reference data nor Faker has, namely
  the regions debtors live in with their local names and population weights, the code
  national IDs carry for each, cities with postcode patterns and mobile area codes,
  address layouts, reserved email domains, mobile number lengths, company-name recipes,
  and the naming cultures Faker lacks (Vietnamese, Malay, Singaporean-Chinese, Filipino).
* Faker: seeded draws of names, streets and companies; ``faker`` hands out one instance
  per Faker locale, and ``POOL`` is how many names each list draws from it.

Markets are generated in the order ``locales.json`` lists them; that order is part of what
makes a seed reproduce the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, Final

from recoverly.reference import language_for_country, zone_for_country, zone_for_region

POOL: Final = 300  # draws per list from Faker; repeats keep Faker's frequencies


@dataclass(frozen=True, slots=True)
class City:
    name: str
    postcode: str  # a template: see ``contacts.expand``
    area_codes: tuple[str, ...]  # the mobile area codes used there; () where none


@dataclass(frozen=True, slots=True)
class Region:
    code: str  # ISO 3166-2 without the country prefix; "" where there is none (HK)
    name: str  # as written in a local address
    id_code: str  # the code national IDs carry for the region
    weight: float  # population weight within the country
    zone: str  # IANA zone, from ``recoverly.reference``
    cities: tuple[City, ...]


@dataclass(frozen=True, slots=True)
class Locale:
    """One market's places and the recipes for its debtors' names, addresses and contacts."""

    country: str
    language: str  # the default language (BCP 47), from ``recoverly.reference``
    people: tuple[tuple[str, float], ...]  # naming culture and its share of people
    languages: Mapping[str, Mapping[str, float]]  # a culture's own language mix, if not default
    company: Mapping[str, Any]
    streets: Mapping[str, Any]
    address: str
    email_domains: tuple[str, ...]
    mobile_length: int
    regions: tuple[Region, ...]


@cache
def _locale_file() -> dict[str, Any]:
    text = files("recoverly.simulate").joinpath("locales.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def naming_cultures() -> Mapping[str, Mapping[str, Any]]:
    """How each naming culture builds names, as ``locales.json`` writes it."""
    cultures: Mapping[str, Mapping[str, Any]] = _locale_file()["cultures"]
    return cultures


@cache
def locales() -> tuple[Locale, ...]:
    """Every market, in file order, with its zones and default language from reference data.

    Raises:
        ValueError: reference data gives no zone for a region or no language for a country.
    """
    return tuple(_locale(country, raw) for country, raw in _locale_file()["countries"].items())


def _locale(country: str, raw: Mapping[str, Any]) -> Locale:
    language = language_for_country(country)
    if language is None:
        raise ValueError(f"recoverly.reference gives no default language for {country}")
    return Locale(
        country=country,
        language=language,
        people=tuple((k, float(v)) for k, v in raw["people"].items()),
        languages=raw.get("languages", {}),
        company=raw["company"],
        streets=raw["streets"],
        address=raw["address"],
        email_domains=tuple(raw["email_domains"]),
        mobile_length=int(raw["mobile_length"]),
        regions=tuple(_region(country, r) for r in raw["regions"]),
    )


def _region(country: str, raw: Mapping[str, Any]) -> Region:
    # The region's own zone where the country spans several offsets, else the country's.
    zone = zone_for_region(country, raw["code"]) or zone_for_country(country)
    if zone is None:
        raise ValueError(
            f"recoverly.reference gives no time zone for region {raw['code']!r} of {country}"
        )
    return Region(
        raw["code"],
        raw["name"],
        raw["id_code"],
        float(raw["weight"]),
        zone,
        tuple(City(c[0], c[1], tuple(c[2]) if len(c) > 2 else ()) for c in raw["cities"]),
    )


@cache
def faker(locale: str) -> Any:
    """The Faker instance of a Faker locale; callers seed it before every use."""
    from faker import Faker  # imported here: it is slow to import and only pools need it

    return Faker(locale)
