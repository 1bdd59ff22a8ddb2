"""The SMTP adapter against a real SMTP server (the sandbox), one reply class at a time."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest

from recoverly.channels.adapters.base import ChannelAdapter
from recoverly.channels.adapters.smtp import SmtpAdapter, SmtpSettings, message_id
from recoverly.channels.message import Attachment, OutgoingMessage, SendResult, SendStatus
from recoverly.channels.sandbox.smtp_server import SandboxSmtpServer
from recoverly.domain.events import Channel

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def settings(port: int, **overrides: Any) -> SmtpSettings:
    plain = SmtpSettings(
        "127.0.0.1", port, "collections@lender.example", starttls=False, timeout=2.0
    )
    return replace(plain, **overrides)


def send(smtp: SmtpSettings, message: OutgoingMessage) -> SendResult:
    async def go() -> SendResult:
        adapter = SmtpAdapter(smtp)
        try:
            return await adapter.send(message)
        finally:
            await adapter.aclose()

    return asyncio.run(go())


class TestDelivery:
    def test_an_english_reminder_with_a_statement_arrives_whole(
        self, smtp_server: SandboxSmtpServer
    ) -> None:
        message = OutgoingMessage(
            idempotency_key="outbox-0001",
            to="jane.doe@example.com",
            subject="Your payment of £120.00 is due on 3 June",
            body="Dear Jane,\n\nYour instalment of £120.00 is due on 3 June.\n",
            html="<p>Dear Jane,</p><p>Your instalment of <b>£120.00</b> is due on 3 June.</p>",
            attachments=(Attachment("statement.pdf", "application/pdf", PDF),),
        )

        result = send(settings(smtp_server.port), message)

        assert result == SendResult(SendStatus.ACCEPTED, provider_id="<outbox-0001@recoverly>")
        [delivery] = smtp_server.deliveries()
        assert delivery.mail_from == "collections@lender.example"
        assert delivery.rcpt_tos == ("jane.doe@example.com",)
        mail = delivery.message
        assert mail["Message-ID"] == "<outbox-0001@recoverly>"
        assert mail["X-Recoverly-Idempotency-Key"] == "outbox-0001"
        assert mail["From"] == "collections@lender.example"
        assert mail["To"] == "jane.doe@example.com"
        assert mail["Subject"] == "Your payment of £120.00 is due on 3 June"
        assert mail["Content-Language"] == "en"
        text = mail.get_body(preferencelist=("plain",))
        html = mail.get_body(preferencelist=("html",))
        assert text is not None
        assert "instalment of £120.00" in text.get_content()
        assert html is not None
        assert "<b>£120.00</b>" in html.get_content()
        [attachment] = list(mail.iter_attachments())
        assert attachment.get_filename() == "statement.pdf"
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_content() == PDF

    def test_a_chinese_reminder_keeps_its_subject_body_and_file_name(
        self, smtp_server: SandboxSmtpServer
    ) -> None:
        message = OutgoingMessage(
            idempotency_key="outbox-0002",
            to="wang.fang@example.cn",
            subject="您的还款提醒：¥1,200.00 将于6月3日到期",
            body="王芳您好：\n\n您的分期付款 ¥1,200.00 将于6月3日到期。如有疑问，请回复本邮件。\n",
            locale="zh-CN",
            attachments=(Attachment("还款计划.pdf", "application/pdf", PDF),),
        )

        result = send(settings(smtp_server.port), message)

        assert result.status is SendStatus.ACCEPTED
        [mail] = smtp_server.messages()
        assert mail["Subject"] == "您的还款提醒：¥1,200.00 将于6月3日到期"
        assert mail["Content-Language"] == "zh-CN"
        text = mail.get_body(preferencelist=("plain",))
        assert text is not None
        assert text.get_content() == message.body
        [attachment] = list(mail.iter_attachments())
        assert attachment.get_filename() == "还款计划.pdf"
        assert attachment.get_content() == PDF

    def test_a_retry_reuses_the_message_id_so_a_receiver_can_drop_the_copy(
        self, smtp_server: SandboxSmtpServer
    ) -> None:
        message = OutgoingMessage(idempotency_key="outbox:7/a b", to="a@example.com", body="Hi")

        first = send(settings(smtp_server.port), message)
        second = send(settings(smtp_server.port), message)

        assert first == second
        ids = [mail["Message-ID"] for mail in smtp_server.messages()]
        assert ids == [message_id("outbox:7/a b")] * 2  # SMTP itself delivers both
        assert ids[0] == "<outbox%3A7%2Fa%20b@recoverly>"

    def test_login_with_the_right_credentials_is_accepted(self) -> None:
        with SandboxSmtpServer(credentials=("relay-user", "relay-pass")) as server:
            good = settings(server.port, username="relay-user", password="relay-pass")
            result = send(good, OutgoingMessage("k-auth", "a@example.com", "Hi"))
            assert result.status is SendStatus.ACCEPTED
            assert len(server.messages()) == 1


class TestRefusals:
    def test_a_closed_port_is_retried(self, closed_port: int) -> None:
        result = send(settings(closed_port), OutgoingMessage("k1", "a@example.com", "Hi"))

        assert result.status is SendStatus.RETRY
        assert result.provider_id is None
        assert result.error

    def test_a_server_that_never_greets_is_retried_after_the_timeout(
        self, silent_port: int
    ) -> None:
        smtp = settings(silent_port, timeout=0.3)

        result = send(smtp, OutgoingMessage("k2", "a@example.com", "Hi"))

        assert result.status is SendStatus.RETRY

    def test_a_permanently_refused_recipient_fails_without_naming_them(
        self, smtp_server: SandboxSmtpServer
    ) -> None:
        smtp_server.refuse_recipient(
            "gone@example.com", "550 5.1.1 <gone@example.com>: Recipient address rejected"
        )

        result = send(settings(smtp_server.port), OutgoingMessage("k3", "gone@example.com", "Hi"))

        assert result.status is SendStatus.FAILED
        assert result.error is not None
        assert "550" in result.error
        assert "gone@example.com" not in result.error
        assert smtp_server.messages() == []

    def test_a_recipient_refused_for_now_is_retried(self, smtp_server: SandboxSmtpServer) -> None:
        smtp_server.refuse_recipient("full@example.com", "452 4.2.2 Mailbox full")

        result = send(settings(smtp_server.port), OutgoingMessage("k4", "full@example.com", "Hi"))

        assert result.status is SendStatus.RETRY

    @pytest.mark.parametrize(
        ("reply", "expected"),
        [
            ("451 4.3.0 Try again later", SendStatus.RETRY),
            ("554 5.7.1 Message rejected as spam", SendStatus.FAILED),
        ],
    )
    def test_the_reply_class_to_the_content_decides(
        self, smtp_server: SandboxSmtpServer, reply: str, expected: SendStatus
    ) -> None:
        smtp_server.fail_next(reply=reply)

        result = send(settings(smtp_server.port), OutgoingMessage("k5", "a@example.com", "Hi"))

        assert result.status is expected
        assert result.error is not None
        assert reply[:3] in result.error

    def test_wrong_credentials_fail(self) -> None:
        with SandboxSmtpServer(credentials=("relay-user", "relay-pass")) as server:
            bad = settings(server.port, username="relay-user", password="wrong")
            result = send(bad, OutgoingMessage("k6", "a@example.com", "Hi"))
            assert result.status is SendStatus.FAILED
            assert result.error is not None
            assert "535" in result.error
            assert server.messages() == []

    def test_starttls_required_but_not_offered_fails_rather_than_sending_in_clear(
        self, smtp_server: SandboxSmtpServer
    ) -> None:
        smtp = settings(smtp_server.port, starttls=True)

        result = send(smtp, OutgoingMessage("k7", "a@example.com", "Hi"))

        assert result.status is SendStatus.FAILED
        assert smtp_server.messages() == []

    def test_a_line_break_in_the_address_is_refused_before_connecting(
        self, closed_port: int
    ) -> None:
        message = OutgoingMessage("k8", "a@example.com\r\nBcc: everyone@example.com", "Hi")

        result = send(settings(closed_port), message)

        assert result.status is SendStatus.FAILED


class TestSettings:
    def test_it_is_the_channel_adapter_for_email(self) -> None:
        adapter: ChannelAdapter = SmtpAdapter(settings(25))
        assert (adapter.name, adapter.channel) == ("smtp", Channel.EMAIL)

    def test_tls_and_starttls_exclude_each_other(self) -> None:
        with pytest.raises(ValueError, match="starttls and tls"):
            SmtpSettings("h", 465, "f@example.com", starttls=True, tls=True)

    def test_the_password_is_not_in_the_repr(self) -> None:
        smtp = SmtpSettings("h", 587, "f@example.com", username="u", password="s3cret")
        assert "s3cret" not in repr(smtp)
