"""Conversation QA's lexicon: alerts name the rule and the exact span; negations,
conditions and word boundaries are read as a reviewer would; quality holds on the
labelled sets. (The trained model's alerts are tested in test_qa_classifier.py.)"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from recoverly.compliance.qa import Alert, Severity, TextKind, screen_text

DATA = Path(__file__).resolve().parents[2] / "data"
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from qa_quality import combined, evaluate, lexicon_alone  # noqa: E402


def _lexicon(text: str, **kw: object) -> list[Alert]:
    return [a for a in screen_text(text, **kw) if not a.rule.startswith("qa.model.")]  # type: ignore[arg-type]


def _rules(text: str, **kw: object) -> list[tuple[str, str]]:
    return [(a.rule, a.text) for a in _lexicon(text, **kw)]


def test_alerts_carry_the_span_that_raised_them() -> None:
    text = "Listen. I'm a lawyer, and you will go to jail."
    alerts = _lexicon(text)
    assert [(a.rule, a.text) for a in alerts] == [
        ("qa.impersonation", "I'm a lawyer"),
        ("qa.threat_arrest", "go to jail"),  # one alert, not one for "jail" as well
    ]
    assert all(text[a.start : a.end] == a.text for a in alerts)
    assert all(a.severity is Severity.HIGH for a in alerts)


@pytest.mark.parametrize(
    "text",
    [
        "We will not take legal action, and nobody will go to jail.",
        "我们不会让你坐牢，请放心。",
        "我們絕不會聯繫你同事。",
    ],
)
def test_a_negation_in_the_clause_is_no_threat(text: str) -> None:
    assert _rules(text) == []


def test_a_condition_does_not_negate_its_consequence() -> None:
    assert _rules("再不还就让你坐牢。") == [("qa.threat_arrest", "坐牢")]
    assert _rules("不还钱就让你家人还。") == [("qa.pressure_unrelated", "让你家人还")]


def test_why_dont_you_urges_rather_than_negates() -> None:
    assert _rules("Why don't you take out a payday loan to pay this?") == [
        ("qa.borrow_to_repay", "take out a payday loan to pay")
    ]


def test_a_one_character_word_must_stand_alone() -> None:
    assert _rules("请滚动页面查看账单。") == []
    assert _rules("你给我滚。") == [("qa.abuse", "滚")]


def test_a_us_call_must_say_it_is_from_a_debt_collector() -> None:
    missing = _lexicon(
        "Hi, it's about your account.", kind=TextKind.TRANSCRIPT, jurisdiction="US-NY"
    )
    assert [a.rule for a in missing] == ["qa.missing_mini_miranda"]
    said = "Hi, this is a debt collector calling about your account."
    assert _lexicon(said, kind=TextKind.TRANSCRIPT, jurisdiction="US") == []
    # Not required of notes, nor outside the US.
    assert _lexicon("Hi.", kind=TextKind.NOTE, jurisdiction="US") == []
    assert _lexicon("Hi.", kind=TextKind.TRANSCRIPT, jurisdiction="GB") == []


def test_quality_on_the_development_set() -> None:
    """The set the lexicon was written against: a regression guard, not an estimate. The
    model adds false alarms there (docs/compliance.md has the figures)."""
    alone = evaluate(DATA / "qa_labelled.jsonl", lexicon_alone)
    assert alone["precision"] >= 0.95
    assert alone["recall"] >= 0.95
    both = evaluate(DATA / "qa_labelled.jsonl", combined)
    assert both["recall"] >= 0.95
    assert both["precision"] >= 0.75


def test_precision_on_the_held_out_set() -> None:
    """Texts written after the lexicon and never tuned against: the lexicon raises no false
    alarms so far; recall there is what docs/compliance.md reports, with and without the
    model. Guards against regressions only: nothing is chosen by these figures."""
    assert evaluate(DATA / "qa_heldout.jsonl", lexicon_alone)["precision"] >= 0.9
    rows = [json.loads(x) for x in (DATA / "qa_heldout.jsonl").read_text("utf-8").splitlines()]
    assert {r["language"] for r in rows} == {"en", "zh"}
