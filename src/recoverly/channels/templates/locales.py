"""Matching a debtor's language tag to the locales a template is written in.

Templates are written per written language (``en``, ``zh-Hans``, ``zh-Hant``), while
debtors and accounts carry regional BCP 47 tags (``en-GB``, ``zh-TW``, ``zh-SG``). A tag
matches a template locale when the language and the script agree, the script being
inferred from CLDR's likely subtags where the tag does not say it (``zh-TW`` is written in
Traditional characters, ``zh-SG`` and plain ``zh`` in Simplified). The region still
matters for formatting: amounts and dates follow the debtor's own tag where Babel knows it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.core import get_global, parse_locale


@dataclass(frozen=True, slots=True)
class Subtags:
    """The parts of a tag that decide which text a reader can read."""

    language: str
    script: str | None
    territory: str | None


def _clean(tag: str) -> str:
    """``zh_TW`` → ``zh-TW``; drop extensions (``-u-ca-gregory``, ``-x-…``) Babel refuses."""
    parts = tag.strip().replace("_", "-").split("-")
    kept: list[str] = []
    for part in parts:
        if len(part) == 1:  # a BCP 47 singleton starts an extension or private use
            break
        kept.append(part)
    return "-".join(kept)


def subtags(tag: str) -> Subtags | None:
    """Language, script (inferred when missing) and territory of ``tag``; None if no tag."""
    try:
        parsed = parse_locale(_clean(tag), sep="-")
    except ValueError:
        return None
    language, territory, script = parsed[0], parsed[1], parsed[2]
    if not 2 <= len(language) <= 3:  # ISO 639 codes; BCP 47's rare 5-8 letter ones aside
        return None
    likely: Mapping[str, Any] = get_global("likely_subtags")
    keys = [
        f"{language}_{script}_{territory}" if script and territory else "",
        f"{language}_{territory}" if territory else "",
        f"{language}_{script}" if script else "",
        language,
    ]
    for key in filter(None, keys):
        if key in likely:
            script = script or parse_locale(str(likely[key]))[2]
            break
    return Subtags(language, script, territory)


def best_match(requested: str, available: Iterable[str]) -> str | None:
    """The available locale a reader of ``requested`` reads best, or None.

    Same language and script is required; among those, the same territory is preferred,
    then a locale without a territory (the general text), then the first by name.
    """
    want = subtags(requested)
    if want is None:
        return None
    ranked: list[tuple[bool, bool, str]] = []
    for tag in available:
        have = subtags(tag)
        if have is None or (have.language, have.script) != (want.language, want.script):
            continue
        ranked.append((have.territory != want.territory, have.territory is not None, tag))
    return min(ranked)[2] if ranked else None


def babel_locale(tag: str) -> Locale | None:
    """Babel's locale for ``tag``, or None where Babel has no data for it."""
    try:
        return Locale.parse(_clean(tag), sep="-")
    except (ValueError, TypeError, UnknownLocaleError):
        return None


def format_locale(text_locale: str, *preferred: str | None) -> Locale:
    """The locale to format amounts and dates in, for text written in ``text_locale``.

    The first of ``preferred`` (the debtor's tag, then the account's) that Babel knows and
    that is the same written language as the text wins, so ``en-GB`` gets British dates
    in the ``en`` text; a French tag never formats numbers inside English text.
    """
    text = subtags(text_locale)
    for tag in preferred:
        want = subtags(tag) if tag else None
        if text is None or want is None:
            continue
        if (want.language, want.script) != (text.language, text.script):
            continue
        found = babel_locale(tag) if tag else None
        if found is not None:
            return found
    return babel_locale(text_locale) or Locale.parse("en")


def bcp47(locale: Locale) -> str:
    """``Locale('zh', territory='TW', script='Hant')`` → ``zh-Hant-TW``."""
    return str(locale).replace("_", "-")
