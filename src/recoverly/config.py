"""Settings, read once from the environment (prefix ``RECOVERLY_``) or a ``.env`` file."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache

from pydantic import Field
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

    def today(self) -> date:
        """The business date: pinned by ``business_date`` or else the UTC calendar date."""
        return self.business_date or datetime.now(UTC).date()


@cache
def get_settings() -> Settings:
    return Settings()
