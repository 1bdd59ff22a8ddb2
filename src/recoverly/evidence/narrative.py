"""An evidence entry in plain words, for people reading a report rather than a verifier.

The entry's bytes are the evidence; these words only help read them, so they must never
hide a fact. A kind Recoverly knows gets a sentence; every fact the sentence does not use
is still listed after it as ``name: value``, and a kind it does not know (one added
after this module was written, or one whose facts are not what the sentence expects) is
listed as its name and all its facts. A new kind therefore needs no change here to be
reported completely; a sentence for it is a nicety.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from recoverly.domain.errors import RecoverlyError
from recoverly.domain.money import Money

# The keys every entry carries, which the report shows in columns of their own.
ENVELOPE = frozenset({"index", "kind", "tenant", "case_id", "at"})

_CHANNELS = {
    "sms": "SMS",
    "email": "E-mail",
    "letter": "Letter",
    "voice_bot": "Voice-bot call",
    "call": "Call",
    "push": "Push notification",
    "visit": "Visit",
}

Facts = Mapping[str, object]
# A sentence and the facts it used; the rest are listed after it.
_Sentence = tuple[str, set[str]]


def describe(kind: str, facts: Facts) -> str:
    """One entry's facts in plain words.

    Args:
        kind: the entry's ``kind``.
        facts: the entry's fields other than the envelope (``index, kind, tenant,
            case_id, at``).

    Returns:
        A sentence for a known kind followed by any facts it did not use; for any other
        kind, its name and every fact as ``name: value``.
    """
    words = _KNOWN.get(kind)
    if words is not None:
        try:
            sentence, used = words(facts)
        except (KeyError, TypeError, ValueError, RecoverlyError):
            pass  # not the facts this sentence expects: list them all instead
        else:
            rest = {k: v for k, v in facts.items() if k not in used}
            return f"{sentence}; {listing(rest)}" if rest else sentence
    name = kind.replace("_", " ").capitalize() if kind else "Unknown kind"
    return f"{name}: {listing(facts)}" if facts else name


def listing(facts: Facts) -> str:
    """Facts as ``name: value; name: value`` in the entry's (sorted) order."""
    return "; ".join(f"{name}: {value_text(value)}" for name, value in facts.items())


def value_text(value: object) -> str:
    """A fact's value as it reads best: ``none`` for null, JSON for lists and objects."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return str(value)


def instant_text(value: object) -> str:
    """An ISO 8601 instant as ``YYYY-MM-DD HH:MM:SS UTC``; anything else as it is."""
    if not isinstance(value, str):
        return value_text(value)
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return value
    if at.tzinfo is None:
        return value
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _channel(facts: Facts) -> str:
    channel = facts["channel"]
    return _CHANNELS.get(str(channel), str(channel))


def _message_sent(facts: Facts) -> _Sentence:
    used = {"channel", "template", "template_version", "locale", "content_sha256"}
    template = f"template {facts['template']}"
    if facts.get("template_version") is not None:
        template += f" v{facts['template_version']}"
    if facts.get("locale"):
        template += f" ({facts['locale']})"
    sentence = f"{_channel(facts)} sent, {template}, content SHA-256 {facts['content_sha256']}"
    for name, label in (("provider_id", "provider id"), ("plan_id", "plan")):
        if facts.get(name) is not None:
            sentence += f", {label} {facts[name]}"
            used.add(name)
    return sentence, used


def _compliance_block(facts: Facts) -> _Sentence:
    rules = ", ".join(r for r in str(facts["rules"]).split(",") if r)
    sentence = (
        f"{_channel(facts)} stopped at send time by the rules {rules}, template {facts['template']}"
    )
    used = {"channel", "rules", "template"}
    if facts.get("plan_id") is not None:
        sentence += f", plan {facts['plan_id']}"
        used.add("plan_id")
    return sentence, used


def _payment(facts: Facts) -> _Sentence:
    minor = facts["amount_minor"]
    if not isinstance(minor, int) or isinstance(minor, bool):
        raise TypeError("amount_minor must be an integer")
    currency = facts.get("currency")
    if isinstance(currency, str):
        amount = f"{Money.from_minor(minor, currency).amount:,} {currency}"
        used = {"amount_minor", "currency"}
    else:  # logged before entries named their currency
        amount = f"{minor:,} minor units (currency not recorded)"
        used = {"amount_minor"}
    sentence = f"Payment of {amount} allocated to account {facts['account_id']}"
    used.add("account_id")
    details = []
    if facts.get("payment_id") is not None:
        details.append(f"payment {facts['payment_id']}")
        used.add("payment_id")
    if facts.get("paid_at") is not None:
        details.append(f"paid {instant_text(facts['paid_at'])}")
        used.add("paid_at")
    return (f"{sentence} ({', '.join(details)})" if details else sentence), used


def _hold(verb: str) -> Callable[[Facts], _Sentence]:
    def sentence(facts: Facts) -> _Sentence:
        text = f"Hold {verb}: {facts['hold']}"
        if facts.get("hold_id") is not None:
            text += f" (hold {facts['hold_id']})"
        channel = facts.get("channel")
        text += f", on {_CHANNELS.get(str(channel), str(channel))} only" if channel else ""
        text += f", from {instant_text(facts['starts_at'])}"
        ends = facts.get("ends_at")
        text += f" until {instant_text(ends)}" if ends else " with no end date"
        if facts.get("by") is not None:
            text += f", by {facts['by']}"
        return text, {"hold", "hold_id", "channel", "starts_at", "ends_at", "by"}

    return sentence


_KNOWN: dict[str, Callable[[Facts], _Sentence]] = {
    "message_sent": _message_sent,
    "compliance_block": _compliance_block,
    "payment": _payment,
    "hold_placed": _hold("placed"),
    "hold_released": _hold("lifted"),
}
