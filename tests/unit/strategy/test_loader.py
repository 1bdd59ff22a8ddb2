"""Strategies are data: the default one is valid, and mistakes are named where they are."""

from __future__ import annotations

import pytest

from recoverly.strategy.loader import StrategyInvalid, default_text, load_default, parse
from recoverly.strategy.model import StepKind


def test_the_default_strategy_is_valid_and_treats_every_case() -> None:
    strategy = load_default()
    assert [b.name for b in strategy.branches] == ["champion", "challenger"]
    assert strategy.segments[-1].when == ()
    kinds = {step.kind for s in strategy.segments for p in s.paths.values() for step in p}
    assert {StepKind.SMS, StepKind.CALL, StepKind.ESCALATE_LEGAL, StepKind.PLACE_AGENCY} <= kinds


def _problems(text: str) -> list[tuple[int, str]]:
    with pytest.raises(StrategyInvalid) as caught:
        parse(text, "s.yaml")
    return [(f.line, f.message) for f in caught.value.findings]


def _edit(old: str, new: str) -> str:
    text = default_text()
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ('bucket: {eq: "1-29"}', 'bucket: {eq: "1-30"}', "bucket must be one of"),
        ("{call: {queue: high_value}}", "{call: {}}", "a call step needs the agent queue"),
        ("{wait: 7}", "{wait: 0}", "greater than or equal to 1"),
        ("      balance: {ge: 2000}", "      balanse: {ge: 2000}", "got 'balanse'"),
        ("      balance: {ge: 2000}", "      product: {lt: 2000}", "'product' is not a number"),
        ("{sms: {template: gentle_reminder}}", "{sms: {}}", "a sms step needs a template"),
        ("{sms: {template: gentle_reminder}}", "{fax: {template: x}}", "fax"),
    ],
)
def test_a_mistake_is_reported_at_its_line(old: str, new: str, words: str) -> None:
    line = next(
        i for i, text in enumerate(_edit(old, new).splitlines(), start=1) if new.strip() in text
    )
    problems = _problems(_edit(old, new))
    assert any(at == line and words in message for at, message in problems), problems


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("{name: challenger, weight: 20}", "{name: challenger, weight: 30}", "add up to 100"),
        ("  - name: current\n", "  - name: early_digital\n", "appears twice"),
        ("      champion: [{wait: 7}]", "      challenjer: [{wait: 7}]", "needs a champion path"),
    ],
)
def test_whole_strategy_rules_are_checked(old: str, new: str, words: str) -> None:
    assert any(words in message for _, message in _problems(_edit(old, new)))


def test_broken_yaml_is_reported_at_its_line() -> None:
    assert _problems("name: x\nsegments: [\n")[0][0] >= 2
