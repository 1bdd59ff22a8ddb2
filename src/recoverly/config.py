"""Settings, read once from the environment (prefix ``RECOVERLY_``) or a ``.env`` file."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything Recoverly reads from its environment.

    ``RECOVERLY_DATABASE_URL`` picks the store: SQLite for a laptop, PostgreSQL in
    production. Plain ``postgresql://`` URLs are accepted and use psycopg 3.
    """

    model_config = SettingsConfigDict(env_prefix="RECOVERLY_", env_file=".env", extra="ignore")

    database_url: str = Field(default="sqlite:///./recoverly.db")
    import_batch_rows: int = Field(default=50_000, ge=1_000)
    business_date: date | None = Field(
        default=None,
        description="The date 'today' means for as-of defaults (reports, the API, imports); "
        "unset means the current UTC date. Demos and simulations pin it.",
    )

    # Channels: where messages go, what they cost. Unset providers mean the channel is off.
    smtp_host: str | None = Field(default=None, description="SMTP relay for e-mail.")
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_from: str = "collections@recoverly.example"
    twilio_base_url: str = "https://api.twilio.com"
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_from: str | None = None
    twilio_status_callback: str | None = None
    # The incoming-message webhook's URL as Twilio calls it (behind a proxy: the public one).
    twilio_inbound_url: str | None = None
    blob_dir: Path = Field(default=Path("./blobs"), description="Letters (PDF) and recordings.")
    blob_url: str | None = Field(
        default=None,
        description="Where blobs are kept, when not in blob_dir: file:///PATH or "
        "s3://BUCKET[/PREFIX] (credentials from the standard AWS_* settings).",
    )
    s3_endpoint_url: str | None = Field(
        default=None, description="An S3-compatible server other than AWS (MinIO, Ceph)."
    )
    creditor_name: str | None = Field(
        default=None, description="The creditor messages name (default: the tenant's name)."
    )
    portal_url: str = "http://127.0.0.1:8000/portal"
    cost_currency: str = "USD"
    message_costs: dict[str, Decimal] = Field(
        default_factory=lambda: {
            "sms": Decimal("4.5"),
            "email": Decimal("0.1"),
            "letter": Decimal("85"),
            "voice_bot": Decimal("12"),
            "push": Decimal("0"),
        },
        description="Cost per message by channel, in minor units of cost_currency "
        "(fractions allowed); JSON in RECOVERLY_MESSAGE_COSTS.",
    )
    dispatch_max_attempts: int = Field(default=5, ge=1)
    dispatch_lease_seconds: int = Field(default=120, ge=1)
    dispatch_expire_hours: int = Field(
        default=24, ge=1, description="A message not sent this long after its plan expires."
    )

    # Evidence: the Ed25519 key that signs the log's tree heads (see docs/evidence.md).
    evidence_key: SecretStr | None = Field(
        default=None, description="Base64 of the raw 32-byte Ed25519 seed."
    )
    evidence_key_file: Path | None = Field(
        default=None, description="A file holding the key as `recoverly evidence keygen` writes it."
    )
    # Trusted time: an RFC 3161 time-stamping authority stamps each signed head.
    tsa_url: str | None = Field(
        default=None, description="The TSA's HTTP(S) URL; unset means heads are not stamped."
    )
    tsa_cert_file: Path | None = Field(
        default=None,
        description="PEM: the TSA's root (and intermediate) certificates; each token is "
        "checked against them before it is kept. Required with tsa_url.",
    )
    tsa_timeout_seconds: float = Field(default=10.0, gt=0)

    # Arrangements: how payments are applied and when a promise counts as kept.
    allocation_order: tuple[str, ...] = Field(
        default=("fees", "interest", "principal"),
        description="The order payments pay off a balance's parts (JSON list).",
    )
    promise_grace_days: int = Field(default=1, ge=0)
    promise_tolerance_percent: Decimal = Field(default=Decimal(0), ge=0, le=100)

    def today(self) -> date:
        """The business date: pinned by ``business_date`` or else the UTC calendar date."""
        return self.business_date or datetime.now(UTC).date()


@cache
def get_settings() -> Settings:
    return Settings()
