"""The Twilio adapter against the sandbox provider, a real HTTP server speaking Twilio's
Messages API."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest

from recoverly.channels.adapters.base import ChannelAdapter
from recoverly.channels.adapters.twilio import TwilioAdapter, TwilioSettings
from recoverly.channels.message import OutgoingMessage, SendResult, SendStatus
from recoverly.channels.sandbox.sms_provider import SandboxSmsProvider
from recoverly.domain.events import Channel

SENDER = "+15005550006"


def settings_for(provider: SandboxSmsProvider, **overrides: Any) -> TwilioSettings:
    sandbox = TwilioSettings(
        account_sid=provider.account_sid,
        auth_token=provider.auth_token,
        from_number=SENDER,
        base_url=provider.base_url,
        timeout=2.0,
    )
    return replace(sandbox, **overrides)


def send_all(settings: TwilioSettings, *messages: OutgoingMessage) -> list[SendResult]:
    """Send in order through one adapter (one connection pool), as the dispatcher would."""

    async def go() -> list[SendResult]:
        async with TwilioAdapter(settings) as adapter:
            return [await adapter.send(message) for message in messages]

    return asyncio.run(go())


REMINDER = OutgoingMessage(
    idempotency_key="outbox-0101",
    to="+447700900123",
    body="Lender Ltd: your instalment of £120.00 is due on 3 June. Reply STOP to opt out.",
)


class TestAccepted:
    def test_the_provider_stores_the_message_and_answers_its_sid(
        self, sms_provider: SandboxSmsProvider
    ) -> None:
        [result] = send_all(settings_for(sms_provider), REMINDER)

        [stored] = sms_provider.messages()
        assert result == SendResult(SendStatus.ACCEPTED, provider_id=stored.sid)
        assert stored.sid.startswith("SM")
        assert (stored.to, stored.from_number, stored.body) == (REMINDER.to, SENDER, REMINDER.body)
        assert stored.idempotency_token == "outbox-0101"

    def test_the_same_idempotency_key_twice_is_one_message_with_one_sid(
        self, sms_provider: SandboxSmsProvider
    ) -> None:
        first, again = send_all(settings_for(sms_provider), REMINDER, REMINDER)

        assert first.status is again.status is SendStatus.ACCEPTED
        assert first.provider_id == again.provider_id
        assert len(sms_provider.messages()) == 1

    def test_another_key_is_another_message(self, sms_provider: SandboxSmsProvider) -> None:
        other = OutgoingMessage("outbox-0102", REMINDER.to, REMINDER.body)

        first, second = send_all(settings_for(sms_provider), REMINDER, other)

        assert first.provider_id != second.provider_id
        assert len(sms_provider.messages()) == 2

    def test_a_messaging_service_can_stand_for_the_sender(
        self, sms_provider: SandboxSmsProvider
    ) -> None:
        service = settings_for(
            sms_provider, from_number=None, messaging_service_sid="MG" + "0" * 32
        )

        [result] = send_all(service, REMINDER)

        assert result.status is SendStatus.ACCEPTED
        [stored] = sms_provider.messages()
        assert (stored.from_number, stored.messaging_service_sid) == (None, "MG" + "0" * 32)


class TestTransient:
    @pytest.mark.parametrize("status", [503, 500, 429])
    def test_an_outage_or_throttling_is_retried_and_the_retry_goes_through(
        self, sms_provider: SandboxSmsProvider, status: int
    ) -> None:
        sms_provider.fail_next(1, status=status)

        failed, retried = send_all(settings_for(sms_provider), REMINDER, REMINDER)

        assert failed.status is SendStatus.RETRY
        assert failed.error is not None
        assert str(status) in failed.error
        assert retried.status is SendStatus.ACCEPTED
        assert len(sms_provider.messages()) == 1

    def test_a_refused_connection_is_retried(
        self, sms_provider: SandboxSmsProvider, closed_port: int
    ) -> None:
        unreachable = settings_for(sms_provider, base_url=f"http://127.0.0.1:{closed_port}")

        [result] = send_all(unreachable, REMINDER)

        assert result.status is SendStatus.RETRY

    def test_no_answer_within_the_timeout_is_retried(
        self, sms_provider: SandboxSmsProvider, silent_port: int
    ) -> None:
        silent = settings_for(sms_provider, base_url=f"http://127.0.0.1:{silent_port}", timeout=0.3)

        [result] = send_all(silent, REMINDER)

        assert result.status is SendStatus.RETRY
        assert result.error is not None
        assert "Timeout" in result.error


class TestRefused:
    def test_a_bad_number_fails_with_twilios_error_but_not_the_number(
        self, sms_provider: SandboxSmsProvider
    ) -> None:
        bad = OutgoingMessage("outbox-0103", "+44 7700 900123 ext 4", "Hi")

        [result] = send_all(settings_for(sms_provider), bad)

        assert result.status is SendStatus.FAILED
        assert result.error is not None
        assert "400" in result.error
        assert "21211" in result.error
        assert "7700 900123" not in result.error
        assert sms_provider.messages() == []

    def test_wrong_credentials_fail(self, sms_provider: SandboxSmsProvider) -> None:
        wrong = settings_for(sms_provider, auth_token="not-the-token")

        [result] = send_all(wrong, REMINDER)

        assert result.status is SendStatus.FAILED
        assert result.error is not None
        assert "401" in result.error
        assert "20003" in result.error
        assert sms_provider.messages() == []

    def test_an_empty_body_fails(self, sms_provider: SandboxSmsProvider) -> None:
        [result] = send_all(settings_for(sms_provider), OutgoingMessage("k", REMINDER.to, ""))

        assert result.status is SendStatus.FAILED
        assert result.error is not None
        assert "21602" in result.error


class TestSettings:
    def test_it_is_the_channel_adapter_for_sms(self) -> None:
        async def check() -> None:
            adapter: ChannelAdapter
            async with TwilioAdapter(TwilioSettings("AC1", "t", from_number=SENDER)) as adapter:
                assert (adapter.name, adapter.channel) == ("twilio", Channel.SMS)

        asyncio.run(check())

    def test_a_sender_is_required_and_only_one(self) -> None:
        with pytest.raises(ValueError, match="exactly one of from_number"):
            TwilioSettings("AC1", "token")
        with pytest.raises(ValueError, match="got both"):
            TwilioSettings("AC1", "token", from_number=SENDER, messaging_service_sid="MG1")

    def test_the_auth_token_is_not_in_the_repr(self) -> None:
        assert "s3cret" not in repr(TwilioSettings("AC1", "s3cret", from_number=SENDER))
