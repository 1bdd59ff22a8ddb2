"""Time-barred debts: no word of legal action (12 CFR 1006.26(b)), and the statement that
the debtor will not be sued, added in their language by the catalog."""

from __future__ import annotations

import pytest

from recoverly.channels.templates import load_catalog
from recoverly.compliance.packs import pack_for, time_barred_disclosures
from recoverly.compliance.qa import screen_text
from tests.unit.channels.test_templates import CONTEXT

RULE = "qa.time_barred_legal_action"


@pytest.mark.parametrize(
    "text",
    [
        "We may take legal action if you do not pay.",
        "We will probably sue you.",
        "Pay now to avoid a lawsuit.",
        "We intend to take you to court.",
        "We will refer your account to our solicitors.",
        "我们将对您提起诉讼。",
        "我們將採取法律行動。",
    ],
)
def test_any_word_of_legal_action_is_a_threat_on_a_time_barred_debt(text: str) -> None:
    assert [a.rule for a in screen_text(text, time_barred=True)] == [RULE]
    assert RULE not in [a.rule for a in screen_text(text)]  # a live debt may be sued on


@pytest.mark.parametrize(
    "text",
    [
        "The law limits how long you can be sued on a debt. Because of the age of your "
        "debt, we will not sue you for it.",
        "We will never sue you.",
        "We will not take legal action.",
        "依照法律，追讨债务有时效限制。您的债务已过时效，我们不会起诉您。",
        "Please pay by Friday.",
    ],
)
def test_saying_there_will_be_no_suit_is_no_threat(text: str) -> None:
    # Neither the lexicon nor the model reads a legal threat into it.
    found = {a.category for a in screen_text(text, time_barred=True)}
    assert not found & {"false_legal_claim", "threat"}


def test_us_packs_require_the_disclosure_and_others_do_not() -> None:
    assert time_barred_disclosures(pack_for("US")) == ("time_barred",)
    assert time_barred_disclosures(pack_for("US-MA")) == ("time_barred",)  # inherited
    assert time_barred_disclosures(pack_for("GB")) == ()


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "we will not sue you for it."),
        ("zh-Hans", "我们不会起诉您。"),
        ("zh-Hant", "我們不會起訴您。"),
    ],
)
def test_the_catalog_adds_the_disclosure_once_in_the_messages_language(
    locale: str, expected: str
) -> None:
    catalog = load_catalog()
    plain = catalog.render("gentle_reminder", "sms", locale, CONTEXT)
    barred = catalog.render("gentle_reminder", "sms", locale, CONTEXT, also=("time_barred",))
    assert expected not in plain.body
    assert barred.body.startswith(plain.body.rstrip())
    assert barred.body.count(expected) == 1
    assert barred.sha256 != plain.sha256  # the evidence hash covers what was sent
    email = catalog.render("gentle_reminder", "email", locale, CONTEXT, also=("time_barred",))
    assert " ".join(email.body.split()).count(expected) == 1
