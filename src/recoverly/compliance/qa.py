"""Conversation QA: what a collector says or writes, screened for conduct the law forbids.

Every outbound message, agent note and call transcript can be screened: threats,
abuse, false claims of legal action, posing as a lawyer, police or court, telling third
parties about the debt, pressure to borrow to repay, pressing unrelated people, and a
missing mandatory disclosure. The rules are data (``qa.yaml``, with citations); each
alert names its rule and the span of text that raised it, so a reviewer sees why.

English is matched with regular expressions over words; Chinese (Simplified and
Traditional) is segmented with rjieba (jieba in Rust): a one-character phrase counts only
as a word of its own, so "滚" does not fire inside "滚动"; longer phrases are specific
enough to count wherever they appear (segmentation often glues them to a neighbour, as
in "就让|你家|人"). A phrase preceded, within its clause, by a negation does not count for
the rules marked ``negatable`` ("we will not take legal action" is no threat), unless
the negation asks a question that suggests ("why don't you take out a loan").

Beside the lexicon, a trained model (``qa_classifier.py``) reads what its phrases miss:
it raises ``qa.model.<category>`` alerts, of medium severity so that a model never blocks
a message on its own, only for categories the lexicon did not already raise in the text,
and points at the sentence that showed it most.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Annotated, Any

import rjieba
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from recoverly.compliance import qa_classifier
from recoverly.domain.errors import InvalidInput

NEGATION_REACH = 4  # words (English) or segments (Chinese) before a phrase
SUGGESTING = {"why", "为什么", "為什麼", "何不"}  # "why don't you …" urges, not negates
CONSEQUENCE = ("就", "便", "则", "則")  # "(if you do not pay) then …": a new scope
_CLAUSE_END = re.compile(r"[,.;:!?\n，。；：！？、]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[\w']+")


class Severity(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class TextKind(StrEnum):
    MESSAGE = "message"  # an outbound SMS, e-mail or letter
    NOTE = "note"  # an agent's note
    TRANSCRIPT = "transcript"  # a call, as text


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Rule(_Frozen):
    rule: Annotated[str, Field(pattern=r"^qa\.[a-z0-9_]+$")]
    category: str
    severity: Severity
    citation: str
    negatable: bool = False
    # Only about a time-barred debt, where any word of legal action is a threat of it.
    time_barred_only: bool = False
    en: tuple[str, ...] = ()
    zh: tuple[str, ...] = ()


class Disclosure(_Frozen):
    """A phrase that must appear in some kinds of text in some jurisdictions."""

    rule: Annotated[str, Field(pattern=r"^qa\.[a-z0-9_]+$")]
    category: str
    severity: Severity
    citation: str
    message: str
    jurisdictions: tuple[str, ...]
    kinds: tuple[TextKind, ...]
    en: tuple[str, ...] = ()
    zh: tuple[str, ...] = ()


class Lexicon(_Frozen):
    version: int
    negations: dict[str, tuple[str, ...]]
    rules: tuple[Rule, ...]
    disclosures: tuple[Disclosure, ...] = ()


@dataclass(frozen=True, slots=True)
class Alert:
    rule: str
    category: str
    severity: Severity
    citation: str
    start: int  # character offsets into the screened text; both 0 for a missing phrase
    end: int
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity.value,
            "citation": self.citation,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }


@cache
def lexicon() -> Lexicon:
    text = resources.files("recoverly.compliance").joinpath("qa.yaml").read_text("utf-8")
    try:
        return Lexicon.model_validate(yaml.safe_load(text))
    except (yaml.YAMLError, ValidationError) as exc:
        raise InvalidInput(f"qa.yaml: {exc}") from exc


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def screen_text(
    text: str,
    *,
    kind: TextKind = TextKind.MESSAGE,
    jurisdiction: str | None = None,
    time_barred: bool = False,
) -> list[Alert]:
    """Every alert ``text`` raises, in order of where it starts; ``time_barred``: the text
    is about a debt past its limitation period (12 CFR 1006.26(b))."""
    words = lexicon()
    segments = _segments(text) if _CJK.search(text) else []
    starts = {s for s, _ in segments}
    ends = {e for _, e in segments}
    alerts: list[Alert] = []
    for rule in words.rules:
        if rule.time_barred_only and not time_barred:
            continue
        found = [
            (start, end)
            for start, end in _matches(text, rule.en, rule.zh, starts, ends)
            if not (rule.negatable and _negated(text, start, segments, words.negations))
        ]
        for start, end in _merged(found):
            alerts.append(
                Alert(
                    rule.rule,
                    rule.category,
                    rule.severity,
                    rule.citation,
                    start,
                    end,
                    text[start:end],
                )
            )
    raised = {a.category for a in alerts}
    for flag in qa_classifier.shipped().flags(text):
        if flag.category not in raised:
            alerts.append(
                Alert(
                    f"qa.model.{flag.category}",
                    flag.category,
                    Severity.MEDIUM,
                    _citations(flag.category),
                    flag.start,
                    flag.end,
                    text[flag.start : flag.end],
                )
            )
    country = (jurisdiction or "").partition("-")[0]
    for need in words.disclosures:
        applies = kind in need.kinds and country in need.jurisdictions
        if applies and not _matches(text, need.en, need.zh, starts, ends):
            alerts.append(Alert(need.rule, need.category, need.severity, need.citation, 0, 0, ""))
    return sorted(alerts, key=lambda a: (a.start, a.rule))


@cache
def _citations(category: str) -> str:
    """The citations of the lexicon's rules of ``category``: what a model alert of it
    would breach, in the words of the law the rules cite."""
    cited = (
        part.strip()
        for rule in lexicon().rules
        if rule.category == category and not rule.time_barred_only
        for part in rule.citation.split(";")
    )
    return "; ".join(dict.fromkeys(cited))


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans of one rule as one: "may take legal action" is one alert, even
    when two of the rule's patterns each match part of it."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _segments(text: str) -> list[tuple[int, int]]:
    """Word spans of Chinese text (character offsets)."""
    return [(start, end) for _, start, end in rjieba.tokenize(text)]


def _matches(
    text: str, en: Sequence[str], zh: Sequence[str], starts: set[int], ends: set[int]
) -> list[tuple[int, int]]:
    found = [(m.start(), m.end()) for p in en for m in _compiled(p).finditer(text)]
    for phrase in zh:
        at = text.find(phrase)
        while at != -1:
            end = at + len(phrase)
            if len(phrase) > 1 or (at in starts and end in ends):
                found.append((at, end))
            at = text.find(phrase, at + 1)
    return _outermost(found)


def _outermost(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans not inside another (one alert for "go to jail", not two)."""
    return [
        (s, e)
        for s, e in set(spans)
        if not any(o != (s, e) and o[0] <= s and e <= o[1] for o in spans)
    ]


def _negated(
    text: str, start: int, segments: list[tuple[int, int]], negations: dict[str, tuple[str, ...]]
) -> bool:
    """Whether a negation stands within a few words before ``start``, in its clause.

    A negation inside a condition does not reach past its consequence ("再不还就让你坐牢":
    the words before 就 are the condition), and "why don't you" urges rather than negates.
    """
    before = text[:start]
    clause = _CLAUSE_END.split(before)[-1]
    offset = len(before) - len(clause)
    if segments:
        # A segment the phrase starts inside counts up to the phrase ("就|让你…").
        words = [
            text[s : min(e, start)]
            for s, e in segments
            if offset <= s < start and text[s : min(e, start)].strip()
        ]
        cues = set(negations.get("zh", ())) | set(negations.get("en", ()))
    else:
        words = _WORD.findall(clause.lower())
        cues = set(negations.get("en", ()))
    for n in range(len(words) - 1, -1, -1):
        if words[n].startswith(CONSEQUENCE):
            words = words[n + 1 :]
            break
    first = max(len(words) - NEGATION_REACH, 0)
    return any(
        _negates(words[n].lower(), cues, chinese=bool(segments))
        and (n == 0 or words[n - 1].lower() not in SUGGESTING)
        for n in range(first, len(words))
    )


def _negates(word: str, cues: set[str], *, chinese: bool) -> bool:
    """A negation word; in Chinese also a segment that begins with one ("绝不会")."""
    return word in cues or (chinese and any(word.startswith(c) for c in cues if _CJK.match(c)))
