"""What a channel adapter is given and what it answers: the contract between the
dispatcher and every adapter (SMTP, SMS providers, letters).

The idempotency key is the outbox row's identity. Adapters pass it to the provider (an
idempotency header, a Message-ID) so that a retry after a crash between "sent" and
"recorded" is recognised by the provider and never reaches the debtor twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class SendStatus(StrEnum):
    ACCEPTED = "accepted"  # the provider took it; delivery receipts may follow
    FAILED = "failed"  # refused for good (bad address, rejected content): do not retry
    RETRY = "retry"  # a transient failure (timeout, 5xx, connection refused): try again
    OPTED_OUT = "opted_out"  # the recipient unsubscribed at the provider: an opt-out


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One rendered message to one address.

    Attributes:
        idempotency_key: stable per outbox row; the same key is never delivered twice.
        to: the address in the channel's form (E.164 phone, e-mail address, postal address).
        body: the rendered text (plain text; e-mail may also carry ``html``).
        subject: e-mail subject or letter title; empty for SMS.
        locale: the BCP 47 locale the message was rendered in.
    """

    idempotency_key: str
    to: str
    body: str
    subject: str = ""
    html: str | None = None
    locale: str = "en"
    attachments: tuple[Attachment, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class SendResult:
    status: SendStatus
    provider_id: str | None = None
    error: str | None = None
