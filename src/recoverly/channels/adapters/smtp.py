"""E-mail through any SMTP relay (a company's own server, or a provider's SMTP endpoint).

The Message-ID is derived from the idempotency key, and the key is repeated in an
``X-Recoverly-Idempotency-Key`` header: SMTP itself has no idempotency, so a retry after a
crash between "sent" and "recorded" may deliver twice, and these two headers are what lets
the relay, a mailbox or an audit recognise the second copy as the same message.

One connection per message: a broken connection then affects one message only, and the
dispatcher's volume for e-mail does not yet justify a pool.

Outcomes follow SMTP's own reply classes (RFC 5321 §4.2.1): 4xx replies, timeouts and
refused or dropped connections are transient (retry); 5xx replies are permanent (failed),
whether a refused recipient, rejected content or refused credentials, and so is a server
that lacks what the settings require (STARTTLS, AUTH).
"""

from __future__ import annotations

import email.utils
import logging
import string
from dataclasses import dataclass, field
from email.message import EmailMessage

import aiosmtplib

from recoverly.channels.adapters.base import logged_result
from recoverly.channels.message import OutgoingMessage, SendResult, SendStatus
from recoverly.domain.events import Channel
from recoverly.domain.roles import PersonalField

log = logging.getLogger("recoverly.channels.smtp")

IDEMPOTENCY_HEADER = "X-Recoverly-Idempotency-Key"

# Characters kept as they are in the left part of a Message-ID; every other character is
# percent-encoded, which keeps the id valid (RFC 5322 dot-atom) and distinct per key.
_ID_SAFE = frozenset(string.ascii_letters + string.digits + "-_")


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """Where and how to submit mail.

    Attributes:
        starttls: upgrade the connection with STARTTLS and refuse to send if the server
            cannot (no silent fall-back to clear text). Usual with port 587.
        tls: connect over TLS from the start (port 465). Excludes ``starttls``.
        message_id_domain: the right part of every Message-ID; an installation's own
            domain keeps its ids apart from another installation's.
    """

    host: str
    port: int
    from_address: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = True
    tls: bool = False
    timeout: float = 30.0
    message_id_domain: str = "recoverly"

    def __post_init__(self) -> None:
        if self.starttls and self.tls:
            raise ValueError("starttls and tls must not both be set; got both True")
        if (self.username is None) != (self.password is None):
            raise ValueError("username and password must be given together; got only one")
        if self.timeout <= 0:
            raise ValueError(f"timeout must be positive; got {self.timeout}")


def message_id(idempotency_key: str, domain: str = "recoverly") -> str:
    """The Message-ID of every attempt to send the outbox row with this key.

    Raises:
        ValueError: the key is empty (there would be nothing to recognise a retry by).
    """
    if not idempotency_key:
        raise ValueError("idempotency_key must not be empty")
    left = "".join(
        ch if ch in _ID_SAFE else "".join(f"%{byte:02X}" for byte in ch.encode())
        for ch in idempotency_key
    )
    return f"<{left}@{domain}>"


def build_email(message: OutgoingMessage, settings: SmtpSettings) -> EmailMessage:
    """The MIME message for ``message``: plain text, an optional HTML alternative, files.

    Raises:
        ValueError: a header would be malformed (an empty key, a line break in an address).
    """
    mail = EmailMessage()
    mail["From"] = settings.from_address
    mail["To"] = message.to
    mail["Subject"] = message.subject
    mail["Date"] = email.utils.formatdate(usegmt=True)
    mail["Message-ID"] = message_id(message.idempotency_key, settings.message_id_domain)
    mail[IDEMPOTENCY_HEADER] = message.idempotency_key
    mail.set_content(message.body)
    if message.html is not None:
        mail.add_alternative(message.html, subtype="html")
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        if not maintype or not subtype:
            maintype, subtype = "application", "octet-stream"
        mail.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    # Last: turning the message multipart moves every Content-* header into the first part.
    mail["Content-Language"] = message.locale
    return mail


class SmtpAdapter:
    """Sends ``OutgoingMessage``s as e-mail; see the module docstring for the outcomes."""

    name = "smtp"
    channel = Channel.EMAIL

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    async def send(self, message: OutgoingMessage) -> SendResult:
        try:
            mail = build_email(message, self.settings)
        except ValueError as exc:
            return logged_result(
                log, PersonalField.EMAIL, message, SendStatus.FAILED, None, f"not sendable: {exc}"
            )
        settings = self.settings
        try:
            await aiosmtplib.send(
                mail,
                sender=settings.from_address,
                recipients=[message.to],
                hostname=settings.host,
                port=settings.port,
                username=settings.username,
                password=settings.password,
                use_tls=settings.tls,
                start_tls=settings.starttls,
                timeout=settings.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            # One recipient per message, so one refusal; its reply class decides.
            codes = [refusal.code for refusal in exc.recipients]
            replies = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
            status = SendStatus.FAILED if codes and min(codes) >= 500 else SendStatus.RETRY
            return logged_result(
                log, PersonalField.EMAIL, message, status, None, f"recipient refused: {replies}"
            )
        except aiosmtplib.SMTPResponseException as exc:
            status = SendStatus.FAILED if 500 <= exc.code < 600 else SendStatus.RETRY
            return logged_result(
                log, PersonalField.EMAIL, message, status, None, f"{exc.code} {exc.message}"
            )
        except OSError as exc:
            # Timeouts, refused or dropped connections (aiosmtplib's own are OSErrors too).
            return logged_result(
                log,
                PersonalField.EMAIL,
                message,
                SendStatus.RETRY,
                None,
                f"{type(exc).__name__}: {exc}",
            )
        except aiosmtplib.SMTPException as exc:
            # The server lacks what the settings require (STARTTLS, AUTH, SMTPUTF8): a
            # configuration mismatch that no retry of this message resolves.
            return logged_result(
                log, PersonalField.EMAIL, message, SendStatus.FAILED, None, f"not possible: {exc}"
            )
        return logged_result(
            log, PersonalField.EMAIL, message, SendStatus.ACCEPTED, str(mail["Message-ID"]), None
        )

    async def aclose(self) -> None:
        """Nothing to release: each message had its own connection."""
