"""Phone numbers and e-mail addresses: normalised with the libraries made for them.

Both checks run once per distinct value (portfolios repeat debtors' details on each of
their accounts). E-mail addresses that match a strict ASCII pattern, which is a subset of
what ``email-validator`` accepts, skip the library call; everything else gets its verdict.
"""

from __future__ import annotations

import phonenumbers
import polars as pl
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email
from phonenumbers import NumberParseException, PhoneNumberFormat, timezone

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
SIMPLE_EMAIL = rf"^{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}$"
_SPECIAL_SUFFIXES = tuple(f".{d}" for d in SPECIAL_USE_DOMAIN_NAMES)


def normalise_phones(pairs: pl.DataFrame) -> pl.DataFrame:
    """E.164 form, zone (when the number tells one) and error for each (phone, country).

    Args:
        pairs: distinct rows of ``phone`` (as written) and ``country`` (default region).

    Returns:
        ``pairs`` with ``phone_e164``, ``phone_zone`` and ``phone_error`` added.
    """
    e164: list[str | None] = []
    zones: list[str | None] = []
    errors: list[str | None] = []
    for raw, country in pairs.select("phone", "country").iter_rows():
        number, zone, error = _phone(raw, country)
        e164.append(number)
        zones.append(zone)
        errors.append(error)
    return pairs.with_columns(
        pl.Series("phone_e164", e164, dtype=pl.String),
        pl.Series("phone_zone", zones, dtype=pl.String),
        pl.Series("phone_error", errors, dtype=pl.String),
    )


def _phone(raw: str, country: str | None) -> tuple[str | None, str | None, str | None]:
    try:
        parsed = phonenumbers.parse(raw, country)
    except NumberParseException as exc:
        reason = str(exc).split(") ", 1)[-1].rstrip(".")
        return None, None, f'phone: "{raw}" is not a phone number ({reason})'
    if not phonenumbers.is_valid_number(parsed):
        where = f" for {country}" if country and not raw.startswith("+") else ""
        return None, None, f'phone: "{raw}" is not a valid number{where}'
    zones = [z for z in timezone.time_zones_for_number(parsed) if "/" in z]
    return (
        phonenumbers.format_number(parsed, PhoneNumberFormat.E164),
        zones[0] if len(zones) == 1 else None,
        None,
    )


def normalise_emails(values: pl.Series) -> pl.DataFrame:
    """Normalised address and error for each distinct e-mail address in ``values``."""
    frame = pl.DataFrame({"email": values.unique()})
    lower = pl.col("email").str.to_lowercase()
    simple = pl.col("email").str.contains(SIMPLE_EMAIL) & (pl.col("email").str.len_bytes() <= 254)
    simple = simple & (pl.col("email").str.extract(r"^([^@]*)@").str.len_bytes() <= 64)
    for suffix in _SPECIAL_SUFFIXES:
        simple = simple & ~lower.str.ends_with(suffix)
    frame = frame.with_columns(simple.alias("simple"))
    fast = frame.filter(pl.col("simple")).select(
        "email",
        pl.concat_str(
            [
                pl.col("email").str.extract(r"^(.*)@"),
                pl.lit("@"),
                pl.col("email").str.extract(r"@(.*)$").str.to_lowercase(),
            ]
        ).alias("email_normal"),
        pl.lit(None, dtype=pl.String).alias("email_error"),
    )
    slow_values = frame.filter(~pl.col("simple"))["email"].to_list()
    normal: list[str | None] = []
    errors: list[str | None] = []
    for raw in slow_values:
        try:
            normal.append(validate_email(raw, check_deliverability=False).normalized)
            errors.append(None)
        except EmailNotValidError as exc:
            normal.append(None)
            errors.append(f'email: "{raw}" is not a valid address ({str(exc).rstrip(".")})')
    slow = pl.DataFrame(
        {"email": slow_values, "email_normal": normal, "email_error": errors},
        schema={"email": pl.String, "email_normal": pl.String, "email_error": pl.String},
    )
    return pl.concat([fast, slow])
