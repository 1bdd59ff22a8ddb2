"""Twilio's delivery receipts: the signature, checked against Twilio's published example
and against callbacks the sandbox really posts, and the receipt read from them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from recoverly.channels.adapters.base import (
    DeliveryReceipt,
    DeliveryStatus,
    InvalidReceipt,
    InvalidSignature,
)
from recoverly.channels.adapters.twilio import (
    TwilioAdapter,
    TwilioSettings,
    compute_signature,
    parse_status_callback,
    receipt_from_callback,
    verify_signature,
)
from recoverly.channels.message import OutgoingMessage, SendResult, SendStatus
from recoverly.channels.sandbox.sms_provider import SandboxSmsProvider
from tests.integration.channels.conftest import CallbackReceiver

AT = datetime(2025, 6, 3, 9, 30, tzinfo=UTC)

# https://www.twilio.com/docs/usage/security#validating-requests (the documented example)
DOCS_TOKEN = "12345"
DOCS_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
DOCS_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+12349013030",
    "Digits": "1234",
    "From": "+12349013030",
    "To": "+18005551212",
}
DOCS_SIGNATURE = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="


def send_with_callback(
    provider: SandboxSmsProvider, receiver: CallbackReceiver, message: OutgoingMessage
) -> SendResult:
    settings = TwilioSettings(
        account_sid=provider.account_sid,
        auth_token=provider.auth_token,
        from_number="+15005550006",
        status_callback=receiver.url,
        base_url=provider.base_url,
    )

    async def go() -> SendResult:
        async with TwilioAdapter(settings) as adapter:
            return await adapter.send(message)

    return asyncio.run(go())


class TestSignature:
    def test_twilios_published_example(self) -> None:
        assert compute_signature(DOCS_URL, DOCS_PARAMS, DOCS_TOKEN) == DOCS_SIGNATURE
        assert verify_signature(DOCS_URL, DOCS_PARAMS, DOCS_SIGNATURE, DOCS_TOKEN)

    def test_parameter_order_does_not_matter_but_every_value_does(self) -> None:
        pairs = list(reversed(DOCS_PARAMS.items()))
        assert verify_signature(DOCS_URL, pairs, DOCS_SIGNATURE, DOCS_TOKEN)
        assert not verify_signature(
            DOCS_URL, {**DOCS_PARAMS, "Digits": "9999"}, DOCS_SIGNATURE, DOCS_TOKEN
        )
        assert not verify_signature(DOCS_URL, DOCS_PARAMS, DOCS_SIGNATURE, "54321")
        assert not verify_signature(DOCS_URL + "&baz=3", DOCS_PARAMS, DOCS_SIGNATURE, DOCS_TOKEN)

    def test_a_default_port_added_or_dropped_by_a_proxy_still_verifies(self) -> None:
        with_port = "https://mycompany.com:443/myapp.php?foo=1&bar=2"
        assert verify_signature(with_port, DOCS_PARAMS, DOCS_SIGNATURE, DOCS_TOKEN)
        signed_with_port = compute_signature(with_port, DOCS_PARAMS, DOCS_TOKEN)
        assert verify_signature(DOCS_URL, DOCS_PARAMS, signed_with_port, DOCS_TOKEN)
        other_port = "https://mycompany.com:8443/myapp.php?foo=1&bar=2"
        assert not verify_signature(other_port, DOCS_PARAMS, DOCS_SIGNATURE, DOCS_TOKEN)


class TestStatusCallbacks:
    def test_sent_then_delivered_arrive_signed_and_become_receipts(
        self, sms_provider: SandboxSmsProvider, callback_receiver: CallbackReceiver
    ) -> None:
        message = OutgoingMessage("outbox-0201", "+447700900123", "Your plan is confirmed.")

        result = send_with_callback(sms_provider, callback_receiver, message)
        callbacks = callback_receiver.wait_for(2)

        assert result.status is SendStatus.ACCEPTED
        assert [c.path for c in callbacks] == ["/webhooks/twilio/status?tenant=t1"] * 2
        receipts = [
            receipt_from_callback(
                callback_receiver.url,
                c.params,
                c.headers["X-Twilio-Signature"],
                sms_provider.auth_token,
                received_at=AT,
            )
            for c in callbacks
        ]
        assert receipts == [
            DeliveryReceipt(result.provider_id or "", DeliveryStatus.SENT, None, AT),
            DeliveryReceipt(result.provider_id or "", DeliveryStatus.DELIVERED, None, AT),
        ]
        assert all(c.headers.get("I-Twilio-Idempotency-Token") for c in callbacks)

    def test_a_tampered_or_foreign_callback_is_rejected(
        self, sms_provider: SandboxSmsProvider, callback_receiver: CallbackReceiver
    ) -> None:
        message = OutgoingMessage("outbox-0202", "+447700900123", "Your plan is confirmed.")
        send_with_callback(sms_provider, callback_receiver, message)
        delivered = callback_receiver.wait_for(2)[1]
        signature = delivered.headers["X-Twilio-Signature"]
        token, url = sms_provider.auth_token, callback_receiver.url
        assert verify_signature(url, delivered.params, signature, token)

        # Someone replays the genuine signature with "failed" in place of "delivered".
        forged = [(k, "failed" if k == "MessageStatus" else v) for k, v in delivered.params]
        assert not verify_signature(url, forged, signature, token)
        with pytest.raises(InvalidSignature):
            receipt_from_callback(url, forged, signature, token, received_at=AT)
        # Or posts it to another tenant's endpoint, or signs it with another account's token.
        assert not verify_signature(url.replace("t1", "t2"), delivered.params, signature, token)
        with pytest.raises(InvalidSignature):
            receipt_from_callback(url, delivered.params, signature, "0" * 32, received_at=AT)

    def test_an_unreachable_handset_ends_undelivered_with_twilios_error_code(
        self, sms_provider: SandboxSmsProvider, callback_receiver: CallbackReceiver
    ) -> None:
        message = OutgoingMessage("outbox-0203", "+447700900999", "Your plan is confirmed.")

        result = send_with_callback(sms_provider, callback_receiver, message)
        last = callback_receiver.wait_for(2)[1]
        receipt = receipt_from_callback(
            callback_receiver.url,
            last.params,
            last.headers["X-Twilio-Signature"],
            sms_provider.auth_token,
            received_at=AT,
        )

        assert receipt == DeliveryReceipt(
            result.provider_id or "", DeliveryStatus.UNDELIVERED, "30003", AT
        )

    def test_the_sandbox_records_what_it_posted(
        self, sms_provider: SandboxSmsProvider, callback_receiver: CallbackReceiver
    ) -> None:
        message = OutgoingMessage("outbox-0204", "+447700900123", "Hi")
        result = send_with_callback(sms_provider, callback_receiver, message)

        posted = sms_provider.wait_for_callbacks(2, message_sid=result.provider_id)
        assert [c.response_status for c in posted] == [204, 204]
        assert [dict(c.params)["MessageStatus"] for c in posted] == ["sent", "delivered"]


class TestParsing:
    def test_a_callback_without_a_message_sid_is_invalid(self) -> None:
        with pytest.raises(InvalidReceipt, match="MessageSid"):
            parse_status_callback({"MessageStatus": "delivered"}, received_at=AT)

    def test_an_undocumented_status_is_invalid(self) -> None:
        with pytest.raises(InvalidReceipt, match="got 'teleported'"):
            parse_status_callback(
                {"MessageSid": "SM1", "MessageStatus": "teleported"}, received_at=AT
            )
