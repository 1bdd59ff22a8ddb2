"""Which adapter carries each channel, and the dispatcher's policy, from settings.

A channel whose provider is not configured has no adapter: its messages fail with a
clear reason instead of silently waiting, so a missing setting shows up in the report.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from recoverly.channels.adapters.base import ChannelAdapter
from recoverly.channels.dispatcher import DispatchPolicy
from recoverly.config import Settings
from recoverly.store.blobs import blob_store


def adapters(settings: Settings, today: Callable[[], date]) -> dict[str, ChannelAdapter]:
    from recoverly.channels.adapters.smtp import SmtpAdapter, SmtpSettings
    from recoverly.channels.adapters.twilio import TwilioAdapter, TwilioSettings
    from recoverly.channels.letters import LetterAdapter

    found: dict[str, ChannelAdapter] = {}
    if settings.smtp_host:
        found["email"] = SmtpAdapter(
            SmtpSettings(
                host=settings.smtp_host,
                port=settings.smtp_port,
                from_address=settings.smtp_from,
                username=settings.smtp_username,
                password=settings.smtp_password,
                starttls=settings.smtp_starttls,
            )
        )
    if settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_from:
        found["sms"] = TwilioAdapter(
            TwilioSettings(
                account_sid=settings.twilio_account_sid,
                auth_token=settings.twilio_auth_token,
                from_number=settings.twilio_from,
                status_callback=settings.twilio_status_callback,
                base_url=settings.twilio_base_url,
            )
        )
    found["letter"] = LetterAdapter(
        blob_store(settings),
        sender=settings.creditor_name or "Recoverly",
        today=today,
    )
    return found


def policy(settings: Settings) -> DispatchPolicy:
    return DispatchPolicy(
        max_attempts=settings.dispatch_max_attempts,
        lease=timedelta(seconds=settings.dispatch_lease_seconds),
        expire_after=timedelta(hours=settings.dispatch_expire_hours),
        costs=dict(settings.message_costs),
        cost_currency=settings.cost_currency,
        creditor_name=settings.creditor_name,
        portal_url=settings.portal_url,
    )
