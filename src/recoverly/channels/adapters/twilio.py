"""SMS through Twilio's Programmable Messaging REST API, and Twilio's delivery receipts.

An *SMS provider* in Recoverly is one module in this package with three parts, so that
another provider (Vonage, MessageBird, a national aggregator) is added beside this one
without touching the dispatcher:

1. a frozen settings dataclass (credentials, sender, base URL: the URL is a setting so
   that tests and the demo point the adapter at ``recoverly.channels.sandbox``);
2. an adapter satisfying ``ChannelAdapter`` (``base.py``) with ``channel = Channel.SMS``,
   which passes the idempotency key to the provider and maps every answer to a
   ``SendStatus``;
3. a function that checks a delivery callback's signature and returns a provider-neutral
   ``DeliveryReceipt`` (or raises ``InvalidSignature`` / ``InvalidReceipt``).

For Twilio: messages are created with ``POST /2010-04-01/Accounts/{sid}/Messages.json``
(form-encoded, HTTP basic auth with the account SID and auth token) carrying the
idempotency key in ``I-Twilio-Idempotency-Token``. 201 is accepted (the message ``sid`` is
the provider id); 429, 5xx, timeouts and connection errors are transient; any other 4xx is
a refusal for good, reported with Twilio's error code. A timeout after Twilio accepted is
safe to retry only because the token lets the provider recognise the second request.

Status callbacks are signed: ``X-Twilio-Signature`` is base64(HMAC-SHA1(auth token, full
callback URL + every POST parameter's name and value, sorted by name)).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit, urlunsplit

import httpx

from recoverly.channels.adapters.base import (
    DeliveryReceipt,
    DeliveryStatus,
    InvalidReceipt,
    InvalidSignature,
    logged_result,
)
from recoverly.channels.message import OutgoingMessage, SendResult, SendStatus
from recoverly.domain.events import Channel
from recoverly.domain.roles import PersonalField

log = logging.getLogger("recoverly.channels.twilio")

API_VERSION = "2010-04-01"
IDEMPOTENCY_HEADER = "I-Twilio-Idempotency-Token"
SIGNATURE_HEADER = "X-Twilio-Signature"

# A callback's parameters: a plain mapping, or (name, value) pairs as a form decodes them.
Params = Mapping[str, str] | Sequence[tuple[str, str]]

# Twilio's MessageStatus values; "read" is WhatsApp's and implies delivery.
_STATUS: dict[str, DeliveryStatus] = {
    "accepted": DeliveryStatus.QUEUED,
    "scheduled": DeliveryStatus.QUEUED,
    "queued": DeliveryStatus.QUEUED,
    "sending": DeliveryStatus.SENT,
    "sent": DeliveryStatus.SENT,
    "delivered": DeliveryStatus.DELIVERED,
    "read": DeliveryStatus.DELIVERED,
    "undelivered": DeliveryStatus.UNDELIVERED,
    "failed": DeliveryStatus.FAILED,
    "canceled": DeliveryStatus.FAILED,
}


@dataclass(frozen=True, slots=True)
class TwilioSettings:
    """An account and a sender.

    Attributes:
        from_number: the E.164 sender; exactly one of it and ``messaging_service_sid``.
        messaging_service_sid: a Messaging Service (a sender pool) instead of one number.
        status_callback: the public URL Twilio posts delivery receipts to, if any.
        base_url: Twilio's API root; the sandbox's URL in tests and in the demo.
    """

    account_sid: str
    auth_token: str = field(repr=False)
    from_number: str | None = None
    messaging_service_sid: str | None = None
    status_callback: str | None = None
    base_url: str = "https://api.twilio.com"
    timeout: float = 10.0

    def __post_init__(self) -> None:
        if (self.from_number is None) == (self.messaging_service_sid is None):
            raise ValueError(
                "exactly one of from_number and messaging_service_sid must be set; "
                f"got {'both' if self.from_number else 'neither'}"
            )
        if self.timeout <= 0:
            raise ValueError(f"timeout must be positive; got {self.timeout}")

    @property
    def messages_url(self) -> str:
        return (
            f"{self.base_url.rstrip('/')}/{API_VERSION}/Accounts/{self.account_sid}/Messages.json"
        )


class TwilioAdapter:
    """Sends SMS through Twilio; usable as ``async with`` to close its connection pool.

    Args:
        client: an ``httpx.AsyncClient`` to share (it is then not closed by ``aclose``).
    """

    name = "twilio"
    channel = Channel.SMS

    def __init__(
        self, settings: TwilioSettings, *, client: httpx.AsyncClient | None = None
    ) -> None:
        self.settings = settings
        self._owns_client = client is None
        self._client = client if client is not None else httpx.AsyncClient()

    async def send(self, message: OutgoingMessage) -> SendResult:
        settings = self.settings
        form = {"To": message.to, "Body": message.body}
        if settings.messaging_service_sid is not None:
            form["MessagingServiceSid"] = settings.messaging_service_sid
        elif settings.from_number is not None:
            form["From"] = settings.from_number
        if settings.status_callback is not None:
            form["StatusCallback"] = settings.status_callback
        try:
            response = await self._client.post(
                settings.messages_url,
                data=form,
                auth=(settings.account_sid, settings.auth_token),
                headers={IDEMPOTENCY_HEADER: message.idempotency_key, "Accept": "application/json"},
                timeout=settings.timeout,
            )
        except httpx.TransportError as exc:  # timeouts, refused and dropped connections
            return logged_result(
                log,
                PersonalField.PHONE,
                message,
                SendStatus.RETRY,
                None,
                f"{type(exc).__name__}: {exc}",
            )
        return logged_result(log, PersonalField.PHONE, message, *_interpret(response))

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()


# "Attempt to send to unsubscribed recipient": the number texted STOP to our sender, and
# Twilio (or the carrier) holds the opt-out even if its webhook never reached us.
UNSUBSCRIBED = 21610


def _interpret(response: httpx.Response) -> tuple[SendStatus, str | None, str | None]:
    """(status, provider id, error) for Twilio's answer to a create-message request."""
    body = _json_object(response)
    if response.is_success:
        sid = body.get("sid")
        if isinstance(sid, str) and sid:
            return SendStatus.ACCEPTED, sid, None
        # Accepted or not, we cannot tell; the idempotency token makes asking again safe.
        return SendStatus.RETRY, None, f"HTTP {response.status_code} without a message sid"
    code, text = body.get("code"), body.get("message")
    error = f"HTTP {response.status_code}"
    if code is not None or text is not None:
        error += f": Twilio error {code}: {text}"
    if code == UNSUBSCRIBED:
        return SendStatus.OPTED_OUT, None, error
    transient = response.status_code == 429 or response.status_code >= 500
    return (SendStatus.RETRY if transient else SendStatus.FAILED), None, error


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:  # a proxy's HTML error page, an empty body
        return {}
    return body if isinstance(body, dict) else {}


def _pairs(params: Params) -> list[tuple[str, str]]:
    return list(params.items()) if isinstance(params, Mapping) else list(params)


def compute_signature(url: str, params: Params, auth_token: str) -> str:
    """Twilio's ``X-Twilio-Signature`` for a form POST of ``params`` to ``url``.

    Parameters are sorted by name (a repeated name by value, as Twilio's own libraries do)
    and appended to the URL as name then value, with no separators.
    """
    payload = url + "".join(name + value for name, value in sorted(_pairs(params)))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def verify_signature(url: str, params: Params, signature: str, auth_token: str) -> bool:
    """Whether ``signature`` is Twilio's for this request, compared in constant time.

    Args:
        url: the full URL Twilio called, scheme, host, path and query string included,
            exactly as configured as the callback (behind a proxy: the public URL).

    The URL is also tried with its default port removed and added, because Twilio signs
    the URL as configured while proxies and frameworks often add or drop ``:443``.
    """
    expected = signature.encode()
    return any(
        hmac.compare_digest(compute_signature(candidate, params, auth_token).encode(), expected)
        for candidate in _url_variants(url)
    )


def _url_variants(url: str) -> list[str]:
    parts = urlsplit(url)
    default_port = {"https": 443, "http": 80}.get(parts.scheme)
    if parts.hostname is None or default_port is None:
        return [url]
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    userinfo = parts.netloc.rpartition("@")[0]
    prefix = f"{userinfo}@" if userinfo else ""
    port = parts.port
    if port is not None and port != default_port:
        return [url]
    without = urlunsplit(parts._replace(netloc=f"{prefix}{host}"))
    with_port = urlunsplit(parts._replace(netloc=f"{prefix}{host}:{default_port}"))
    return [url, without, with_port]


def parse_status_callback(params: Params, *, received_at: datetime) -> DeliveryReceipt:
    """The receipt in a status callback whose signature was already checked.

    Raises:
        InvalidReceipt: no ``MessageSid``, or a ``MessageStatus`` Twilio does not document.
    """
    values = dict(_pairs(params))
    sid = values.get("MessageSid") or values.get("SmsSid")
    if not sid:
        raise InvalidReceipt("status callback has no MessageSid")
    raw_status = values.get("MessageStatus") or values.get("SmsStatus") or ""
    status = _STATUS.get(raw_status)
    if status is None:
        raise InvalidReceipt(
            f"MessageStatus must be one of {', '.join(sorted(_STATUS))}; got {raw_status!r}"
        )
    return DeliveryReceipt(
        provider_id=sid,
        status=status,
        error_code=values.get("ErrorCode") or None,
        at=received_at,
    )


def receipt_from_callback(
    url: str, params: Params, signature: str, auth_token: str, *, received_at: datetime
) -> DeliveryReceipt:
    """Check a status callback's signature, then read its receipt.

    Raises:
        InvalidSignature: the signature does not match (forged or altered callback).
        InvalidReceipt: see ``parse_status_callback``.
    """
    if not verify_signature(url, params, signature, auth_token):
        raise InvalidSignature("X-Twilio-Signature does not match the callback")
    return parse_status_callback(params, received_at=received_at)


@dataclass(frozen=True, slots=True)
class InboundSms:
    """A text a debtor sent to our number: who from, and what it says."""

    sender: str
    body: str


def inbound_from_callback(url: str, params: Params, signature: str, auth_token: str) -> InboundSms:
    """Check an incoming-message webhook's signature, then read who wrote what.

    Raises:
        InvalidSignature: the signature does not match (forged or altered request).
        InvalidReceipt: the request names no sender.
    """
    if not verify_signature(url, params, signature, auth_token):
        raise InvalidSignature("X-Twilio-Signature does not match the request")
    values = dict(_pairs(params))
    sender = values.get("From", "")
    if not sender:
        raise InvalidReceipt("incoming message has no From")
    return InboundSms(sender=sender, body=values.get("Body", ""))
