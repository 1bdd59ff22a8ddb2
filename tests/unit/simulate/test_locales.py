"""Places and languages: ISO regions, the region's time zone, the culture's language.

Time zones and default languages come from ``recoverly.reference`` (the derivation the
importer uses), and ``locales.json`` keeps only what reference data lacks.
"""

from __future__ import annotations

import polars as pl
import pytest

from recoverly.reference import country_zones, language_for_country, subdivisions
from recoverly.simulate.locales import _region

LANGUAGES = {"zh-Hans", "zh-Hant", "en", "th", "vi", "id", "ms", "de", "pt", "es"}


class TestPlaces:
    def test_every_region_is_an_iso_subdivision_of_its_country(self, debtors: pl.DataFrame) -> None:
        for country, region in debtors.select("country", "region").iter_rows():
            if country == "HK":  # ISO 3166-2 defines no subdivisions of Hong Kong
                assert region is None
                assert "HK" not in subdivisions()
            else:
                assert region in subdivisions()[country], (country, region)

    def test_time_zone_belongs_to_the_country_and_follows_the_region(
        self, debtors: pl.DataFrame
    ) -> None:
        for country, zone in debtors.select("country", "timezone").iter_rows():
            assert zone in country_zones()[country], (country, zone)
        per_region = debtors.group_by("country", "region").agg(pl.col("timezone").n_unique())
        assert per_region["timezone"].max() == 1
        zones = set(debtors.filter(pl.col("country") == "US")["timezone"])
        assert {"America/New_York", "America/Chicago", "America/Los_Angeles"} <= zones

    def test_language_is_a_supported_bcp47_tag_mostly_the_countrys(
        self, debtors: pl.DataFrame
    ) -> None:
        assert set(debtors["language"]) <= LANGUAGES
        countries = set(debtors["country"])
        default = debtors.filter(
            pl.col("language")
            == pl.col("country").replace_strict({c: language_for_country(c) for c in countries})
        )
        assert default.height > 0.85 * debtors.height
        assert "es" in set(debtors.filter(pl.col("country") == "US")["language"])


class TestReferenceData:
    def test_a_region_reference_data_cannot_place_in_a_zone_is_refused(self) -> None:
        region = {"code": "XX", "name": "Nowhere", "weight": 1, "id_code": "", "cities": []}
        with pytest.raises(ValueError, match="no time zone for region 'XX' of US"):
            _region("US", region)
