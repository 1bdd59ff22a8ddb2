"""The generator's world for one seed: every market with its pools, drawn once.

Speed comes from never calling Faker per row: for each seed, every naming culture, market
and city draws small pools once (names, companies, streets, postcodes; about a second in
all, whatever the portfolio size), and ``debtors`` then samples rows from them with numpy a
chunk at a time. The world also turns the markets' economics and the product catalogue into
the arrays that chunks index by country: shares of debtors, currencies' decimals,
cumulative product mixes and channel habits.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import numpy as np

from recoverly.domain.money import minor_units
from recoverly.simulate.arrays import FltA, IntA, StrA
from recoverly.simulate.contacts import PhonePlan, expand, phone_plan, streets
from recoverly.simulate.locales import Locale, locales, naming_cultures
from recoverly.simulate.markets import CHANNELS, ECONOMY, Economy
from recoverly.simulate.names import Culture, build_culture, company_names
from recoverly.simulate.products import PRODUCTS, product_weight

POSTCODES: Final = 40  # postcodes drawn per city


@dataclass(frozen=True, slots=True)
class Market:
    """Everything needed to make one country's debtors: its locale, economics and pools."""

    code: str
    economy: Economy
    locale: Locale
    decimals: int
    cultures: tuple[Culture, ...]
    culture_p: FltA
    culture_languages: tuple[tuple[tuple[str, ...], FltA], ...]
    streets: StrA
    companies: StrA
    city_p: FltA
    city_region: IntA
    city_names: StrA
    city_postcodes: StrA  # cities x POSTCODES expanded templates
    city_area_codes: tuple[tuple[str, ...], ...]
    region_codes: StrA
    region_names: StrA
    region_zones: StrA
    region_id_codes: StrA
    phones: PhonePlan


@dataclass(frozen=True, slots=True)
class World:
    """Every market, and their economics as arrays indexed by market."""

    countries: tuple[Market, ...]
    country_p: FltA
    company_share: FltA
    usd_factor: FltA
    income_scale: FltA
    decimals: IntA
    person_products: FltA  # countries x products, cumulative
    company_products: FltA
    channel_tilt: FltA  # countries x channels


@lru_cache(maxsize=2)
def build_world(seed: int) -> World:
    """Draw every pool for ``seed``; about a second, whatever the portfolio size.

    Memoised because the pools are immutable and a process (a test run, a simulation of
    several scenarios) often makes more than one portfolio from the same seed.
    """
    root = np.random.SeedSequence(seed, spawn_key=(0,))
    seeds = iter(np.random.default_rng(root).integers(0, 2**31, size=1000).tolist())
    raw_cultures = naming_cultures()
    cultures = {name: build_culture(raw, next(seeds)) for name, raw in raw_cultures.items()}
    countries = []
    for loc in locales():
        economy = ECONOMY[loc.country]
        people = [cultures[name] for name, _ in loc.people]
        weights = np.array([w for _, w in loc.people])
        languages = []
        for name, _ in loc.people:
            mix = loc.languages.get(name, {loc.language: 1.0})
            p = np.array(list(mix.values()), dtype=np.float64)
            languages.append((tuple(mix), p / p.sum()))
        cities = [(ri, city) for ri, region in enumerate(loc.regions) for city in region.cities]
        city_p = np.array(
            [loc.regions[ri].weight / len(loc.regions[ri].cities) for ri, _ in cities]
        )
        rng = np.random.default_rng(next(seeds))
        postcodes = np.array(
            [[expand(c.postcode, rng) for _ in range(POSTCODES)] for _, c in cities],
            dtype=np.str_,
        )
        countries.append(
            Market(
                code=loc.country,
                economy=economy,
                locale=loc,
                decimals=minor_units(economy.currency),
                cultures=tuple(people),
                culture_p=weights / weights.sum(),
                culture_languages=tuple(languages),
                streets=streets(loc.streets, next(seeds)),
                companies=company_names(loc.company, cultures, next(seeds)),
                city_p=city_p / city_p.sum(),
                city_region=np.array([ri for ri, _ in cities], dtype=np.int64),
                city_names=np.array([c.name for _, c in cities], dtype=np.str_),
                city_postcodes=postcodes,
                city_area_codes=tuple(c.area_codes for _, c in cities),
                region_codes=np.array([r.code for r in loc.regions], dtype=np.str_),
                region_names=np.array([r.name for r in loc.regions], dtype=np.str_),
                region_zones=np.array([r.zone for r in loc.regions], dtype=np.str_),
                region_id_codes=np.array([r.id_code for r in loc.regions], dtype=np.str_),
                phones=phone_plan(loc.country, loc.mobile_length),
            )
        )
    codes = [c.code for c in countries]
    person = np.array(
        [
            [product_weight(p, ECONOMY[c]) if not p.for_companies else 0.0 for p in PRODUCTS]
            for c in codes
        ]
    )
    company = np.array([[p.weight if p.for_companies else 0.0 for p in PRODUCTS] for _ in codes])
    weights = np.array([ECONOMY[c].weight for c in codes])
    return World(
        countries=tuple(countries),
        country_p=weights / weights.sum(),
        company_share=np.array([ECONOMY[c].company_share for c in codes]),
        usd_factor=np.array([ECONOMY[c].usd_factor for c in codes]),
        income_scale=np.array([ECONOMY[c].income_scale for c in codes]),
        decimals=np.array([c.decimals for c in countries], dtype=np.int64),
        person_products=np.cumsum(person / person.sum(axis=1, keepdims=True), axis=1),
        company_products=np.cumsum(company / company.sum(axis=1, keepdims=True), axis=1),
        channel_tilt=np.array(
            [[ECONOMY[c].channel_tilt.get(ch, 0.0) for ch in CHANNELS] for c in codes]
        ),
    )
