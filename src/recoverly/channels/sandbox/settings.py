"""Settings that point the real adapters at the local stand-in providers (demo, tests)."""

from __future__ import annotations

from recoverly.channels.sandbox.sms_provider import SandboxSmsProvider
from recoverly.channels.sandbox.smtp_server import SandboxSmtpServer
from recoverly.config import Settings

SANDBOX_SENDER = "+15005550006"  # Twilio's documented test "From" number


def sandboxed(settings: Settings, smtp: SandboxSmtpServer, sms: SandboxSmsProvider) -> Settings:
    """``settings`` with e-mail and SMS sent to the running stand-ins."""
    return settings.model_copy(
        update={
            "smtp_host": smtp.host,
            "smtp_port": smtp.port,
            "smtp_starttls": False,
            "twilio_account_sid": sms.account_sid,
            "twilio_auth_token": sms.auth_token,
            "twilio_from": SANDBOX_SENDER,
            "twilio_base_url": sms.base_url,
            "twilio_status_callback": None,
        }
    )
