"""Retention periods per jurisdiction, read as worked examples: a debtor, their last
activities, and the first day their personal data may be erased."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from recoverly.compliance.packs import most_specific, pack_key
from recoverly.compliance.privacy.retention import (
    Policy,
    RecordKind,
    policy,
    retention_end,
)
from recoverly.domain.cases import HoldKind
from recoverly.domain.privacy import DebtorActivity

MARKETS = ["US", "GB", "EU", "DE", "CN", "HK", "SG", "TH", "VN", "ID", "MY", "PH", "IN", "BR", "MX"]


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=15, tzinfo=UTC)


def debtor(
    country: str,
    last: str,
    *,
    region: str | None = None,
    paid: str | None = None,
    called: str | None = None,
) -> DebtorActivity:
    return DebtorActivity(
        "D1",
        country,
        region,
        open_cases=0,
        last_activity=at(last),
        last_payment=at(paid) if paid else None,
        last_call=at(called) if called else None,
    )


class TestTheFile:
    def test_every_market_and_the_default_has_a_cited_collection_period(self) -> None:
        found = policy().jurisdictions
        assert set(found) == {*MARKETS, "*"}
        for key, retention in found.items():
            period = retention.periods[RecordKind.COLLECTION_RECORDS]
            assert period.citation, key
            assert period.reading, f"{key}: say what Recoverly takes"

    def test_where_research_found_no_period_the_reading_says_so(self) -> None:
        for key in ("CN", "HK", "SG", "TH", "VN", "ID", "MY", "PH", "IN", "BR", "MX", "*"):
            period = policy().jurisdictions[key].periods[RecordKind.COLLECTION_RECORDS]
            assert "UNCONFIRMED" in period.reading, key

    def test_legal_hold_kinds_are_hold_kinds_that_mean_proceedings(self) -> None:
        assert set(policy().legal_hold_kinds) == {
            HoldKind.DISPUTE,
            HoldKind.COMPLAINT,
            HoldKind.BANKRUPTCY,
            HoldKind.BREATHING_SPACE,
        }

    def test_a_jurisdiction_without_a_collection_period_is_refused(self) -> None:
        raw = policy().model_dump(mode="json")
        raw["jurisdictions"]["US"]["periods"].pop("collection_records")
        with pytest.raises(ValueError, match="collection_records"):
            Policy.model_validate(raw)


class TestWhenDataMayGo:
    def test_us_three_years_after_the_last_collection_activity(self) -> None:
        end = retention_end(debtor("US", "2020-01-10"))
        # 12 CFR 1006.100(a): kept until 10 January 2023, erasable the day after.
        assert (end.jurisdiction, end.erasable_from) == ("US", date(2023, 1, 11))
        assert end.period.citation == "12 CFR 1006.100(a)"

    def test_a_state_falls_back_to_the_country(self) -> None:
        assert retention_end(debtor("US", "2020-01-10", region="NY")).jurisdiction == "US"

    def test_gb_six_years_under_the_limitation_act(self) -> None:
        end = retention_end(debtor("GB", "2020-01-10"))
        assert end.erasable_from == date(2026, 1, 11)
        assert "Limitation Act 1980 s.5" in end.period.citation

    def test_an_eu_member_without_its_own_entry_takes_the_eu_baseline(self) -> None:
        end = retention_end(debtor("FR", "2020-01-10"))
        assert (end.jurisdiction, end.erasable_from) == ("EU", date(2025, 1, 11))

    def test_de_counts_from_the_end_of_the_year(self) -> None:
        # BGB §195/§199: 3 years from 31 December 2020, so erasable from 1 January 2024.
        end = retention_end(debtor("DE", "2020-03-05"))
        assert (end.erasable_from, end.kind) == (date(2024, 1, 1), RecordKind.COLLECTION_RECORDS)

    def test_de_keeps_a_payer_ten_years_for_the_accounts(self) -> None:
        end = retention_end(debtor("DE", "2020-03-05", paid="2019-12-30"))
        assert (end.erasable_from, end.kind) == (date(2030, 1, 1), RecordKind.ACCOUNTING_RECORDS)
        assert "HGB §257" in end.period.citation

    def test_an_unknown_country_takes_the_default(self) -> None:
        end = retention_end(debtor("AQ", "2020-01-10"))
        assert (end.jurisdiction, end.erasable_from) == ("*", date(2025, 1, 11))

    def test_the_longest_period_decides(self) -> None:
        rules = policy().model_copy(deep=True)
        recordings = rules.jurisdictions["US"].periods[RecordKind.CALL_RECORDINGS]
        rules.jurisdictions["US"].periods[RecordKind.CALL_RECORDINGS] = recordings.model_copy(
            update={"years": 7}
        )
        end = retention_end(debtor("US", "2020-01-10", called="2019-06-01"), rules)
        assert (end.kind, end.erasable_from) == (RecordKind.CALL_RECORDINGS, date(2026, 6, 2))

    def test_a_29_february_anniversary_keeps_to_1_march(self) -> None:
        assert retention_end(debtor("US", "2024-02-29")).erasable_from == date(2027, 3, 2)


def test_packs_and_retention_fall_back_through_one_mapping() -> None:
    assert most_specific("AT", None, {"EU", "*"}) == "EU"
    assert most_specific("US", "US-MA", {"US", "US-MA"}) == "US-MA"
    assert most_specific("US", "MA", {"US", "US-MA"}) == "US-MA"
    assert most_specific("CA", "ON", {"US"}) == "*"
    assert pack_key("AT", None) == "EU"
