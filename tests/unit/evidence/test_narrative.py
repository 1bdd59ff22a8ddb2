"""Entries in plain words: a sentence for each kind Recoverly knows, every fact shown for
the rest, and no fact ever hidden behind a sentence."""

from __future__ import annotations

import pytest

from recoverly.evidence.narrative import describe, instant_text

CONTENT = "5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e9"


class TestKnownKinds:
    def test_a_message_sent_names_channel_template_and_content_hash(self) -> None:
        said = describe(
            "message_sent",
            {
                "channel": "sms",
                "content_sha256": CONTENT,
                "locale": "en-GB",
                "plan_id": "P1",
                "provider_id": "SM42",
                "template": "gentle_reminder",
                "template_version": 3,
            },
        )
        assert said == (
            f"SMS sent, template gentle_reminder v3 (en-GB), content SHA-256 {CONTENT}, "
            "provider id SM42, plan P1"
        )

    def test_a_payment_is_an_amount_in_its_currency(self) -> None:
        said = describe(
            "payment",
            {
                "account_id": "A1",
                "amount_minor": 12000,
                "currency": "GBP",
                "paid_at": "2026-03-01T09:00:00+00:00",
                "payment_id": "PAY-1",
            },
        )
        assert said == (
            "Payment of 120.00 GBP allocated to account A1 "
            "(payment PAY-1, paid 2026-03-01 09:00:00 UTC)"
        )

    @pytest.mark.parametrize(
        ("minor", "currency", "shown"),
        [(1234567, "JPY", "1,234,567 JPY"), (1500, "BHD", "1.500 BHD")],
    )
    def test_a_payment_uses_its_currency_s_minor_units(
        self, minor: int, currency: str, shown: str
    ) -> None:
        said = describe(
            "payment", {"account_id": "A1", "amount_minor": minor, "currency": currency}
        )
        assert said == f"Payment of {shown} allocated to account A1"

    def test_a_payment_logged_without_its_currency_says_so(self) -> None:
        said = describe("payment", {"account_id": "A1", "amount_minor": 12000})
        assert (
            said == "Payment of 12,000 minor units (currency not recorded) allocated to account A1"
        )

    def test_holds_placed_and_lifted(self) -> None:
        facts = {
            "by": "token:7",
            "channel": None,
            "ends_at": None,
            "hold": "dispute",
            "hold_id": "H1",
            "starts_at": "2026-03-09T10:00:00+00:00",
        }
        assert describe("hold_placed", facts) == (
            "Hold placed: dispute (hold H1), from 2026-03-09 10:00:00 UTC with no end date, "
            "by token:7"
        )
        opt_out = {**facts, "hold": "opt_out", "channel": "sms", "ends_at": "2026-04-01T00:00:00Z"}
        assert describe("hold_released", opt_out) == (
            "Hold lifted: opt_out (hold H1), on SMS only, from 2026-03-09 10:00:00 UTC until "
            "2026-04-01 00:00:00 UTC, by token:7"
        )

    def test_a_blocked_message_names_the_rules(self) -> None:
        said = describe(
            "compliance_block",
            {
                "channel": "call",
                "plan_id": "P2",
                "rules": "12 CFR 1006.14(b)(2),US-NY hours",
                "template": "t1",
            },
        )
        assert said == (
            "Call stopped at send time by the rules 12 CFR 1006.14(b)(2), US-NY hours, "
            "template t1, plan P2"
        )

    def test_facts_the_sentence_does_not_use_are_still_listed(self) -> None:
        said = describe(
            "payment",
            {"account_id": "A1", "amount_minor": 500, "currency": "EUR", "method": "card"},
        )
        assert said == "Payment of 5.00 EUR allocated to account A1; method: card"


class TestOtherKinds:
    def test_an_unknown_kind_is_its_name_and_every_fact(self) -> None:
        said = describe(
            "promise_made",
            {"amount_minor": 5000, "due_date": "2026-04-01", "kept": None, "tags": ["a", "b"]},
        )
        assert said == (
            'Promise made: amount_minor: 5000; due_date: 2026-04-01; kept: none; tags: ["a", "b"]'
        )

    def test_a_known_kind_with_unexpected_facts_falls_back_to_listing_them(self) -> None:
        # Never a crash, never a half sentence: the facts as they are.
        said = describe("payment", {"amount_minor": "12.00", "account_id": "A1"})
        assert said == "Payment: amount_minor: 12.00; account_id: A1"

    def test_non_latin_facts_are_kept_as_written(self) -> None:
        said = describe("consent_given", {"channel": "sms", "note": "债务人同意短信联系"})
        assert said == "Consent given: channel: sms; note: 债务人同意短信联系"

    def test_a_kind_without_facts(self) -> None:
        assert describe("data_access", {}) == "Data access"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2026-03-09T10:01:00.000000Z", "2026-03-09 10:01:00 UTC"),
        ("2026-03-09T12:01:00+02:00", "2026-03-09 10:01:00 UTC"),
        ("2026-03-09", "2026-03-09"),  # a date, no zone: as written
        ("soon", "soon"),
        (None, "none"),
    ],
)
def test_instants_read_in_utc(value: object, shown: str) -> None:
    assert instant_text(value) == shown
