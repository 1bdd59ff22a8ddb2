"""Phone numbers and e-mail addresses: normalised with the libraries made for them.

Both checks run once per distinct value (portfolios repeat debtors' details on each of
their accounts). E-mail addresses that match a strict ASCII pattern, which is a subset of
what ``email-validator`` accepts, skip the library call; everything else gets its verdict.
"""

from __future__ import annotations

from functools import cache

import phonenumbers
import polars as pl
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email
from phonenumbers import NumberParseException, PhoneMetadata, PhoneNumberFormat, timezone

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
SIMPLE_EMAIL = rf"^{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}$"
_SPECIAL_SUFFIXES = tuple(f".{d}" for d in SPECIAL_USE_DOMAIN_NAMES)


def normalise_phones(pairs: pl.DataFrame) -> pl.DataFrame:
    """E.164 form and error for each distinct (phone, country).

    Numbers already written in international form are checked against the validation
    patterns of the debtor's own country in bulk (see ``_fast_valid``); the library's
    verdict is asked for every other number, and for every number the fast check did not
    accept, so the result is always the library's.

    Args:
        pairs: distinct rows of ``phone`` (as written) and ``country`` (default region).

    Returns:
        ``pairs`` with ``phone_e164`` and ``phone_error`` added.
    """
    compact = pl.col("phone").str.replace_all(r"[\s().-]", "")
    pairs = pairs.with_columns(compact.alias("_compact"))
    accepted = []
    for (country,), group in pairs.partition_by("country", as_dict=True).items():
        check = _fast_valid(country) if isinstance(country, str) else None
        if check is not None:
            accepted.append(group.filter(check))
    fast = (
        pl.concat(accepted).select(
            "phone",
            "country",
            pl.col("_compact").alias("phone_e164"),
            pl.lit(None, dtype=pl.String).alias("phone_error"),
        )
        if accepted
        else pl.DataFrame(
            schema={
                "phone": pl.String,
                "country": pl.String,
                "phone_e164": pl.String,
                "phone_error": pl.String,
            }
        )
    )
    rest = pairs.join(
        fast.select("phone", "country"), on=["phone", "country"], how="anti", nulls_equal=True
    )
    e164: list[str | None] = []
    errors: list[str | None] = []
    for raw, country in rest.select("phone", "country").iter_rows():
        number, error = _phone(raw, country)
        e164.append(number)
        errors.append(error)
    slow = rest.select("phone", "country").with_columns(
        pl.Series("phone_e164", e164, dtype=pl.String),
        pl.Series("phone_error", errors, dtype=pl.String),
    )
    return pl.concat([fast, slow])


_TYPES = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
)


@cache
def _fast_valid(country: str) -> pl.Expr | None:
    """A bulk test that accepts only numbers ``phonenumbers.is_valid_number`` accepts.

    It mirrors the library's own rule for a country whose metadata the library consults
    first for its calling code (so no other region can claim the number): the national
    number must match the general description and at least one number type, each with
    its possible lengths. Countries where that does not hold get ``None`` (no fast path).
    """
    metadata = PhoneMetadata.metadata_for_region(country, None)
    if metadata is None:
        return None
    code = metadata.country_code
    if code is None:
        return None
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(code, ())
    if not regions or regions[0] != country or metadata.leading_digits is not None:
        return None
    prefix = f"+{code}"
    national = pl.col("_compact").str.strip_prefix(prefix)
    length = national.str.len_chars()

    def matches(desc: object) -> pl.Expr | None:
        pattern = getattr(desc, "national_number_pattern", None)
        if not pattern:
            return None
        cond = national.str.contains(f"^(?:{pattern})$")
        lengths = list(getattr(desc, "possible_length", ()) or ())
        return length.is_in(lengths) & cond if lengths else cond

    general = matches(metadata.general_desc)
    descs = [getattr(metadata, name) for name in _TYPES]
    if not metadata.same_mobile_and_fixed_line_pattern:
        descs.append(metadata.mobile)
    types = [m for m in (matches(d) for d in descs) if m is not None]
    if general is None or not types:
        return None
    shaped = pl.col("_compact").str.contains(rf"^\{prefix}[0-9]{{4,15}}$")  # ASCII only
    check = shaped & general & pl.any_horizontal(types)
    try:  # a pattern the Rust regex engine cannot compile just means no fast path
        pl.DataFrame({"_compact": [prefix + "0"]}).select(check)
    except pl.exceptions.ComputeError:
        return None
    return check


def phone_zones(numbers: list[str]) -> dict[str, str]:
    """The zone of each E.164 number whose prefix lies in exactly one zone."""
    out = {}
    for number in numbers:
        zones = [z for z in timezone.time_zones_for_number(phonenumbers.parse(number)) if "/" in z]
        if len(zones) == 1:
            out[number] = zones[0]
    return out


def _phone(raw: str, country: str | None) -> tuple[str | None, str | None]:
    try:
        parsed = phonenumbers.parse(raw, country)
    except NumberParseException as exc:
        reason = str(exc).split(") ", 1)[-1].rstrip(".")
        return None, f'phone: "{raw}" is not a phone number ({reason})'
    if not phonenumbers.is_valid_number(parsed):
        where = f" for {country}" if country and not raw.startswith("+") else ""
        return None, f'phone: "{raw}" is not a valid number{where}'
    return phonenumbers.format_number(parsed, PhoneNumberFormat.E164), None


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
