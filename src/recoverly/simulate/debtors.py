"""The debtors of a chunk: who they are, where they live, and how to reach them.

Each debtor gets a market (drawn by the markets' shares), is a person or a company, and
has the latent factors the rest of the generator reads: two correlated normal scores for
capacity and willingness to pay (they push the debtor's accounts into later arrears and
set the hidden behaviour profile) and an age. Then, market by market, each gets a city
and its region (and so its time zone), an address, a mobile number, a national ID that
encodes their birth date, sex and region where the real one does, a name from one of the
market's naming cultures with the language that goes with it, and, for most, an email.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np

from recoverly.simulate.arrays import BoolA, FltA, IntA, ObjA, StrA
from recoverly.simulate.company_ids import COMPANY_IDS
from recoverly.simulate.contacts import (
    addresses,
    company_emails,
    mobiles,
    person_emails,
)
from recoverly.simulate.identifiers import IdInput
from recoverly.simulate.names import person_names
from recoverly.simulate.person_ids import PERSON_IDS
from recoverly.simulate.world import POSTCODES, Market, World

_EMAIL_SHARE: Final = {False: 0.90, True: 0.97}  # by "is a company"


@dataclass(slots=True)
class Debtors:
    """One element per debtor of a chunk: latent factors, then the portfolio's columns."""

    country: IntA  # index into ``World.countries``
    company: BoolA
    male: BoolA
    age: FltA
    z_capacity: FltA
    z_willingness: FltA
    has_email: BoolA
    name: ObjA
    region: ObjA
    timezone: ObjA
    language: ObjA
    national_id: ObjA
    phone: ObjA
    email: ObjA
    address: ObjA


def make_debtors(
    rng: np.random.Generator,
    world: World,
    country: IntA,
    company: BoolA,
    tags: StrA,
    as_of: np.datetime64,
) -> Debtors:
    """Make the debtors of ``country`` (market indices) and ``company`` (flags).

    Args:
        tags: each debtor's ``email_tags`` number.
        as_of: the business date ages and birth dates count back from.
    """
    n = len(country)
    z = rng.standard_normal((n, 2))
    debtors = Debtors(
        country=country,
        company=company,
        male=rng.random(n) < 0.5,
        age=np.clip(rng.normal(39.0, 11.0, n), 21.0, 75.0),
        z_capacity=z[:, 0],
        z_willingness=0.35 * z[:, 0] + math.sqrt(1 - 0.35**2) * z[:, 1],
        has_email=rng.random(n) < np.where(company, _EMAIL_SHARE[True], _EMAIL_SHARE[False]),
        name=np.empty(n, dtype=object),
        region=np.empty(n, dtype=object),
        timezone=np.empty(n, dtype=object),
        language=np.empty(n, dtype=object),
        national_id=np.empty(n, dtype=object),
        phone=np.empty(n, dtype=object),
        email=np.empty(n, dtype=object),
        address=np.empty(n, dtype=object),
    )
    for index, place in enumerate(world.countries):
        rows = np.flatnonzero(country == index)
        if rows.size:
            _fill_market(rng, place, rows, tags[rows], debtors, as_of)
    return debtors


def _fill_market(
    rng: np.random.Generator,
    place: Market,
    rows: IntA,
    tags: StrA,
    out: Debtors,
    as_of: np.datetime64,
) -> None:
    n = len(rows)
    company, male, age = out.company[rows], out.male[rows], out.age[rows]
    city = rng.choice(len(place.city_p), size=n, p=place.city_p)
    region = place.city_region[city]
    out.region[rows] = place.region_codes[region]
    out.timezone[rows] = place.region_zones[region]

    postcode = place.city_postcodes[city, rng.integers(0, POSTCODES, n)]
    street = place.streets[rng.integers(0, len(place.streets), n)]
    out.address[rows] = addresses(
        place.locale.address,
        street,
        place.city_names[city],
        place.region_names[region],
        place.region_codes[region],
        postcode,
    )

    out.phone[rows] = mobiles(rng, place.phones, place.city_area_codes, city)

    birth = as_of - (age * 365.25).astype(np.int64).astype("timedelta64[D]")
    ids = IdInput.born(birth, male, place.region_id_codes[region])
    national_id = np.empty(n, dtype=object)
    for maker, mask in ((PERSON_IDS[place.code], ~company), (COMPANY_IDS[place.code], company)):
        if mask.any():
            national_id[mask] = maker(rng, ids.subset(mask))
    out.national_id[rows] = national_id

    name, email, language = (np.empty(n, dtype=object) for _ in range(3))
    culture = rng.choice(len(place.cultures), size=n, p=place.culture_p)
    for ci, pool in enumerate(place.cultures):
        mask = (culture == ci) & ~company
        if not mask.any():
            continue
        names, given, family = person_names(rng, pool, male[mask])
        name[mask] = names
        email[mask] = person_emails(
            rng, pool.user_names, given, family, tags[mask], place.locale.email_domains
        )
        langs, p = place.culture_languages[ci]
        language[mask] = np.array(langs, dtype=object)[rng.choice(len(langs), mask.sum(), p=p)]
    if company.any():
        picked = place.companies[rng.integers(0, len(place.companies), int(company.sum()))]
        name[company] = picked
        email[company] = company_emails(rng, picked.tolist(), tags[company].tolist())
        language[company] = place.locale.language
    out.name[rows], out.language[rows] = name, language
    out.email[rows] = np.where(out.has_email[rows], email, "")
