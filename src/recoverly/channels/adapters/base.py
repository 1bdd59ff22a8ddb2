"""What every channel adapter offers the dispatcher, and what a provider reports back.

An adapter turns one ``OutgoingMessage`` into one call to a vendor (an SMTP relay, an SMS
provider's REST API) and answers with a ``SendResult``; it never raises for a vendor's
refusal or outage, because the dispatcher decides about retries from the status alone.
Providers that report delivery later (SMS status callbacks) are turned into a
``DeliveryReceipt`` by a function in the provider's module, after its signature is checked.

Contact details never reach a log or an error text in clear: ``redact`` masks every
e-mail address and phone number in a provider's message (providers like to echo them).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from recoverly.channels.message import OutgoingMessage, SendResult, SendStatus
from recoverly.domain.errors import InvalidInput, NotPermitted
from recoverly.domain.events import Channel
from recoverly.domain.roles import PersonalField, mask


class ChannelAdapter(Protocol):
    """One vendor behind one channel.

    ``send`` maps every outcome to a ``SendStatus`` (accepted, retry, failed) and passes the
    message's idempotency key on to the vendor, so that a retry after a crash is recognised
    there. ``aclose`` releases pooled connections; an adapter is unusable afterwards.
    """

    @property
    def name(self) -> str:
        """The vendor, as recorded beside each attempt (``smtp``, ``twilio``)."""
        ...

    @property
    def channel(self) -> Channel: ...

    async def send(self, message: OutgoingMessage) -> SendResult: ...

    async def aclose(self) -> None: ...


class DeliveryStatus(StrEnum):
    """Where a message stands at the provider, in the words common to SMS providers."""

    QUEUED = "queued"  # accepted, not yet handed to the carrier
    SENT = "sent"  # handed to the carrier; no handset confirmation yet
    DELIVERED = "delivered"  # the carrier confirmed the handset received it
    UNDELIVERED = "undelivered"  # the carrier gave up (unreachable, blocked, unknown number)
    FAILED = "failed"  # the provider never sent it


@dataclass(frozen=True, slots=True)
class DeliveryReceipt:
    """A provider's word on one message, after its signature was checked.

    Attributes:
        provider_id: the id the provider answered ``send`` with (``SendResult.provider_id``).
        status: where the message now stands.
        error_code: the provider's own error code for undelivered/failed, else ``None``.
        at: when Recoverly received the receipt (providers do not all say when it happened).
    """

    provider_id: str
    status: DeliveryStatus
    error_code: str | None
    at: datetime


class InvalidSignature(NotPermitted):
    """A callback's signature does not match: forged, altered, or signed with another key."""

    code = "channels.receipt.invalid_signature"


class InvalidReceipt(InvalidInput):
    """A correctly signed callback that does not say which message or what happened."""

    code = "channels.receipt.invalid"


# Deliberately broad: a false positive only masks a harmless number in an error text.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d ()-]{5,}\d")


def redact(text: str) -> str:
    """``text`` with every e-mail address and phone number masked, for logs and errors."""
    text = _EMAIL.sub(lambda m: mask(m.group(), PersonalField.EMAIL) or "", text)
    return _PHONE.sub(lambda m: mask(m.group(), PersonalField.PHONE) or "", text)


def logged_result(
    log: logging.Logger,
    field: PersonalField,
    message: OutgoingMessage,
    status: SendStatus,
    provider_id: str | None,
    error: str | None,
) -> SendResult:
    """An adapter's answer, logged with the address masked and personal data redacted
    from the provider's error text."""
    error = redact(error) if error is not None else None
    to = mask(message.to, field)
    if status is SendStatus.ACCEPTED:
        log.info("accepted %s for %s", provider_id, to)
    else:
        log.warning("%s for %s (key %s): %s", status, to, message.idempotency_key, error)
    return SendResult(status=status, provider_id=provider_id, error=error)
