"""What a template is rendered from and what rendering gives back.

``MessageContext`` is the only data a template sees: the names are the contract between
the catalog files and the code that sends messages, so adding a key means a new field
here, and removing one breaks the catalog at load (templates use ``StrictUndefined``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from recoverly.domain.errors import InvalidInput, InvalidMoney
from recoverly.domain.events import Channel
from recoverly.domain.money import minor_units

# The channels a template can be written for; calls and visits are people, not templates.
MESSAGE_CHANNELS = frozenset(
    {Channel.SMS, Channel.EMAIL, Channel.LETTER, Channel.PUSH, Channel.VOICE_BOT}
)
# Each channel's parts: a subject where the medium has one (e-mail subject, letter title,
# push title), always a body. SMS and voice have no subject.
CHANNEL_PARTS: dict[Channel, tuple[str, ...]] = {
    Channel.SMS: ("body",),
    Channel.VOICE_BOT: ("body",),
    Channel.PUSH: ("subject", "body"),
    Channel.EMAIL: ("subject", "body"),
    Channel.LETTER: ("subject", "body"),
}


@dataclass(frozen=True, slots=True)
class MessageContext:
    """The facts one message may state about one case.

    Attributes:
        debtor_name: how the debtor is addressed.
        creditor_name: the creditor the debt is owed to.
        amount_due_minor: the amount asked for, in the currency's ISO 4217 minor units.
        currency: ISO 4217 code of ``amount_due_minor``.
        due_date: the date the oldest unpaid amount fell due.
        past_due_days: days since ``due_date`` on the business date of the message.
        reference: the case reference the debtor quotes back.
        portal_url: where the debtor can pay, arrange a plan or ask for help.
        account_masked: the account number with all but the last digits hidden.
    """

    debtor_name: str
    creditor_name: str
    amount_due_minor: int
    currency: str
    due_date: date
    past_due_days: int
    reference: str
    portal_url: str
    account_masked: str

    def __post_init__(self) -> None:
        minor_units(self.currency)  # raises UnknownCurrency before any text is written
        if isinstance(self.amount_due_minor, bool) or not isinstance(self.amount_due_minor, int):
            raise InvalidMoney(
                f"amount_due_minor must be an int of minor units; got {self.amount_due_minor!r}"
            )
        if isinstance(self.past_due_days, bool) or not isinstance(self.past_due_days, int):
            raise InvalidInput(f"past_due_days must be an int; got {self.past_due_days!r}")

    def as_variables(self) -> dict[str, Any]:
        """The template variables: one per field, shallow (dates stay dates)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


# Every template is rendered with this at load, so a typo in a variable name, a wrong
# filter argument or a missing disclosure is found before any message goes out.
SAMPLE_CONTEXT = MessageContext(
    debtor_name="Alex Morgan",
    creditor_name="Northwind Bank",
    amount_due_minor=123456,
    currency="USD",
    due_date=date(2026, 5, 1),
    past_due_days=17,
    reference="C-2026-00042",
    portal_url="https://pay.example.com/c/7Q4X",
    account_masked="•••• 4821",
)


@dataclass(frozen=True, slots=True)
class Rendered:
    """One rendered message, with what the evidence log needs to prove what was sent.

    Attributes:
        template: the template's name.
        channel: the channel it was rendered for.
        subject: e-mail subject, letter title or push title; empty for SMS and voice.
        body: the plain text.
        locale: the catalog locale whose text was used (after any fallback).
        format_locale: the Babel locale amounts and dates were formatted in.
        template_version: the template file's ``version``.
        sha256: hex SHA-256 of ``subject``, a NUL character and ``body``, in UTF-8.
        warnings: fallbacks taken and other things a person may want to know.
    """

    template: str
    channel: Channel
    subject: str
    body: str
    locale: str
    format_locale: str
    template_version: int
    sha256: str
    warnings: tuple[str, ...] = field(default=())
