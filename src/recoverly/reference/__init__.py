"""Reference data shared by import and simulation: ISO 3166, ISO 4217, IANA zones.

Loaded once per process. Time-zone derivation lives here too, because it is a question of
reference data: which zones a country, a subdivision or a phone prefix lies in.
"""

from __future__ import annotations

import json
from collections import defaultdict
from functools import cache
from importlib.resources import files
from zoneinfo import available_timezones

import pycountry

from recoverly.domain.money import currency_codes


@cache
def countries() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


@cache
def subdivisions() -> dict[str, frozenset[str]]:
    """Country code to the codes of its ISO 3166-2 subdivisions, without the prefix."""
    out: dict[str, set[str]] = defaultdict(set)
    for sub in pycountry.subdivisions:
        out[sub.country_code].add(sub.code.split("-", 1)[1])
    return {k: frozenset(v) for k, v in out.items()}


@cache
def timezones() -> frozenset[str]:
    return frozenset(available_timezones())


@cache
def country_zones() -> dict[str, tuple[str, ...]]:
    """Country to its zones, from the IANA database's own ``zone.tab``."""
    out: dict[str, list[str]] = defaultdict(list)
    text = files("tzdata").joinpath("zoneinfo/zone.tab").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, _coords, zone, *_ = line.split("\t")
            out[code].append(zone)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _zone_data() -> dict[str, dict[str, object]]:
    data: dict[str, dict[str, object]] = json.loads(
        files("recoverly.reference").joinpath("zones.json").read_text(encoding="utf-8")
    )
    return data


def zone_for_country(country: str) -> str | None:
    """The zone of a country that has one (or one where nearly everyone lives)."""
    zones = country_zones().get(country, ())
    if len(zones) == 1:
        return zones[0]
    primary = _zone_data()["primary"]
    value = primary.get(country)
    return value if isinstance(value, str) else None


def zone_for_region(country: str, region: str) -> str | None:
    regions = _zone_data()["regions"].get(country)
    if isinstance(regions, dict):
        value = regions.get(region)
        return value if isinstance(value, str) else None
    return None


def language_for_country(country: str) -> str | None:
    value = _zone_data()["languages"].get(country)
    return value if isinstance(value, str) else None


__all__ = [
    "countries",
    "country_zones",
    "currency_codes",
    "language_for_country",
    "subdivisions",
    "timezones",
    "zone_for_country",
    "zone_for_region",
]
