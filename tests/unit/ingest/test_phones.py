"""The bulk phone check never accepts a number the phonenumbers library would reject."""

from __future__ import annotations

import phonenumbers
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recoverly.ingest.contact_points import _fast_valid, normalise_phones

COUNTRIES = [
    "CN",
    "HK",
    "TW",
    "SG",
    "TH",
    "VN",
    "ID",
    "MY",
    "PH",
    "IN",
    "US",
    "GB",
    "DE",
    "BR",
    "MX",
    "JP",
    "FR",
    "CA",
    "RU",
    "KZ",
    "IT",
]


def _library(raw: str, country: str) -> str | None:
    try:
        parsed = phonenumbers.parse(raw, country)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@st.composite
def numbers(draw: st.DrawFn) -> tuple[str, str]:
    country = draw(st.sampled_from(COUNTRIES))
    code = phonenumbers.country_code_for_region(country)
    example = phonenumbers.example_number_for_type(
        country,
        draw(
            st.sampled_from(
                [phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE]
            )
        ),
    )
    if example is not None and draw(st.booleans()):
        nsn = phonenumbers.national_significant_number(example)
        keep = draw(st.integers(min_value=0, max_value=len(nsn)))
        tail = draw(st.text("0123456789", min_size=0, max_size=len(nsn) - keep + 2))
        national = nsn[:keep] + tail
    else:
        national = draw(st.text("0123456789", min_size=1, max_size=14))
    spacer = draw(st.sampled_from(["", " ", "-"]))
    return f"+{code}{spacer}{national}", country


@settings(max_examples=400, deadline=None)
@given(batch=st.lists(numbers(), min_size=1, max_size=30))
def test_bulk_normalisation_agrees_with_the_library(batch: list[tuple[str, str]]) -> None:
    pairs = pl.DataFrame(
        batch, schema={"phone": pl.String, "country": pl.String}, orient="row"
    ).unique()
    got = {
        (r["phone"], r["country"]): r["phone_e164"]
        for r in normalise_phones(pairs).iter_rows(named=True)
    }
    for phone, country in pairs.iter_rows():
        assert got[(phone, country)] == _library(phone, country), (phone, country)


@pytest.mark.parametrize("country", ["US", "CN", "GB", "DE", "IN", "BR", "ID"])
def test_main_countries_get_a_fast_path(country: str) -> None:
    assert _fast_valid(country) is not None


def test_a_country_that_shares_its_code_with_an_earlier_one_has_no_fast_path() -> None:
    assert _fast_valid("CA") is None  # +1 belongs to the US first


def test_numbers_in_other_scripts_get_the_librarys_ascii_form() -> None:
    pairs = pl.DataFrame({"phone": ["+1٢١٢٥٥٥٠١٠٠"], "country": ["US"]})
    assert normalise_phones(pairs)["phone_e164"].to_list() == [_library("+1٢١٢٥٥٥٠١٠٠", "US")]
    assert _library("+1٢١٢٥٥٥٠١٠٠", "US") == "+12125550100"
