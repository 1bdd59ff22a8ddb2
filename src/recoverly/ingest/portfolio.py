"""Validation of a portfolio batch and its shaping into store rows.

Pure transformation: a batch of text cells in, the rows for debtors, contact points, cases
and accounts out, with one message per bad cell. The only state carried between batches
is what earlier batches said (account ids used, each debtor's details), so that
duplicates and contradictions are caught across the whole file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from recoverly import reference as ref
from recoverly.domain.accounts import past_due_since
from recoverly.domain.cases import CASE_ID_PREFIX, Stage
from recoverly.domain.money import currency_codes, minor_units
from recoverly.domain.parties import Consent, ContactKind, DebtorType, Verification
from recoverly.ingest import checks as ck
from recoverly.ingest.contact_points import normalise_emails, normalise_phones, phone_zones
from recoverly.ingest.duplicates import DebtorDetails, DuplicateTracker
from recoverly.ingest.formats import ROW
from recoverly.ingest.spec import PORTFOLIO

AMOUNTS = (
    "principal_outstanding",
    "interest_outstanding",
    "fees_outstanding",
    "original_amount",
    "last_payment_amount",
    "credit_limit",
)
DATES = ("due_date", "open_date", "last_payment_date")
_LANGUAGE = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
_PRODUCT = r"^[a-z0-9][a-z0-9_-]{0,31}$"


def _debtor_details() -> DebtorDetails:
    # Compared as the store will keep them (upper-cased codes, lower-cased types); the
    # line a contradiction is reported on names the debtor's first row.
    return DebtorDetails(
        {
            "debtor_name": ck.text("debtor_name"),
            "debtor_type": ck.text("debtor_type").str.to_lowercase(),
            "national_id": ck.text("national_id"),
            "country": pl.col("_country"),
            "region": pl.col("_region"),
            "timezone": ck.text("timezone"),
            "language": ck.text("language"),
        }
    )


@dataclass
class FileMemory:
    """What validating one batch needs to know of the file's earlier batches."""

    accounts: DuplicateTracker = field(default_factory=DuplicateTracker)
    debtors: DebtorDetails = field(default_factory=_debtor_details)


@dataclass(frozen=True)
class PortfolioRows:
    """The store rows of one batch's good records, and the problems of its bad ones."""

    errors: pl.DataFrame  # ROW, column, message, ref_row
    debtors: pl.DataFrame
    contact_points: pl.DataFrame
    cases: pl.DataFrame
    accounts: pl.DataFrame


def _col(df: pl.DataFrame, name: str) -> pl.Expr:
    return ck.text(name) if name in df.columns else pl.lit(None, dtype=pl.String)


def validate(batch: pl.DataFrame, as_of: date, memory: FileMemory, source: str) -> PortfolioRows:
    """Check one batch and shape its good rows.

    Args:
        batch: text cells with the file's header names, plus ``ROW``.
        as_of: the date the file's ``days_past_due`` were true on.
        memory: account ids and debtor details seen in earlier batches of the file.
        source: how contact points record where they came from.
    """
    present = set(batch.columns)
    missing = [c for c in PORTFOLIO.known if c not in present]
    df = ck.normalise(batch, [c for c in batch.columns if c != ROW])
    df = df.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in missing)

    country = ck.text("country").str.to_uppercase()
    currency = ck.text("currency").str.to_uppercase()
    region = ck.text("region").str.to_uppercase().str.replace(r"^[A-Z]{2}-", "")
    df = df.with_columns(
        country.alias("_country"),
        currency.alias("_currency"),
        region.alias("_region"),
    )
    decimals = pl.col("_currency").replace_strict(
        {c: minor_units(c) for c in currency_codes()}, default=None, return_dtype=pl.Int64
    )
    df = df.with_columns(decimals.alias("_decimals"))

    # Phones and e-mails: once per distinct value, then joined back.
    df = _with_phones(df)
    df = _with_emails(df)
    df = _with_zone(df)

    sub_keys = [f"{c}-{s}" for c, subs in ref.subdivisions().items() for s in subs]
    dec = pl.col("_decimals")
    rules: dict[str, list[ck.Rule]] = {
        "account_id": [ck.required("account_id"), *ck.identifier("account_id")],
        "debtor_id": [ck.required("debtor_id"), *ck.identifier("debtor_id")],
        "debtor_name": [ck.required("debtor_name"), ck.max_length("debtor_name", 256)],
        "country": [
            ck.required("country"),
            ck.member(
                "country",
                sorted(ref.countries()),
                "an ISO 3166-1 alpha-2 country code",
                pl.col("_country"),
            ),
            (
                pl.col("_country").is_in(sorted(ref.countries()))
                & pl.col("_timezone").is_null()
                & pl.col("_zone_error"),
                pl.concat_str(
                    [
                        pl.lit("country: cannot tell the debtor's time zone in "),
                        pl.col("_country"),
                        pl.lit("; give a timezone, a region or a phone number"),
                    ]
                ),
            ),
        ],
        "currency": [
            ck.required("currency"),
            ck.member(
                "currency",
                sorted(currency_codes()),
                "an ISO 4217 currency code",
                pl.col("_currency"),
            ),
        ],
        "region": [
            (
                pl.col("_region").is_not_null()
                & pl.col("_country").is_in(sorted(ref.countries()))
                & ~pl.concat_str([pl.col("_country"), pl.lit("-"), pl.col("_region")]).is_in(
                    sub_keys
                ),
                pl.concat_str(
                    [
                        ck.quoted(
                            ck.text("region"), "region: ", " is not an ISO 3166-2 subdivision of "
                        ),
                        pl.col("_country"),
                    ]
                ),
            )
        ],
        "timezone": [
            ck.member(
                "timezone", sorted(ref.timezones()), "an IANA time zone such as Asia/Shanghai"
            )
        ],
        "debtor_type": [
            ck.member(
                "debtor_type",
                [t.value for t in DebtorType],
                "person or company",
                ck.text("debtor_type").str.to_lowercase(),
            )
        ],
        "language": [
            (
                ck.text("language").is_not_null() & ~ck.text("language").str.contains(_LANGUAGE),
                ck.quoted(
                    ck.text("language"), "language: ", " is not a BCP 47 tag such as zh-Hans"
                ),
            )
        ],
        "product": [
            (
                ck.text("product").is_not_null() & ~_product().str.contains(_PRODUCT),
                ck.quoted(
                    ck.text("product"), "product: ", " is not a product code such as credit_card"
                ),
            )
        ],
        "national_id": [ck.max_length("national_id", 64)],
        "address": [ck.max_length("address", 1000)],
        "phone": [(pl.col("phone_error").is_not_null(), pl.col("phone_error"))],
        "email": [(pl.col("email_error").is_not_null(), pl.col("email_error"))],
        "days_past_due": [
            (
                ck.text("days_past_due").is_not_null()
                & ~ck.text("days_past_due").str.contains(r"^[0-9]{1,5}$"),
                ck.quoted(
                    ck.text("days_past_due"), "days_past_due: ", " is not a whole number of days"
                ),
            )
        ],
    }
    for name in DATES:
        rules[name] = ([ck.required(name)] if name in PORTFOLIO.required else []) + ck.iso_date(
            name
        )
    for name in AMOUNTS:
        rules[name] = ([ck.required(name)] if name in PORTFOLIO.required else []) + ck.amount(
            name, dec
        )

    errors = ck.errors_frame(df, ROW, rules)
    errors = pl.concat([errors, memory.accounts.findings(df["account_id"], df[ROW], "account_id")])
    # Contradictions are looked for among valid rows only: a bad value is reported once,
    # as bad, and never becomes the value other rows are compared with.
    valid = ck.without_errors(df, errors)
    errors = pl.concat([errors, memory.debtors.findings(valid)])
    good = ck.without_errors(df, errors)
    return PortfolioRows(errors, *_shape(good, batch.columns, as_of, source))


def _product() -> pl.Expr:
    return ck.text("product").str.to_lowercase().str.replace_all(" ", "_")


def _with_phones(df: pl.DataFrame) -> pl.DataFrame:
    pairs = (
        df.select(ck.text("phone").alias("phone"), pl.col("_country").alias("country"))
        .drop_nulls("phone")
        .unique()
    )
    if pairs.height == 0:
        return df.with_columns(
            pl.lit(None, dtype=pl.String).alias(c) for c in ("phone_e164", "phone_error")
        )
    table = normalise_phones(pairs)
    return (
        df.with_columns(ck.text("phone").alias("_phone_key"))
        .join(
            table,
            left_on=["_phone_key", "_country"],
            right_on=["phone", "country"],
            how="left",
            nulls_equal=True,
        )
        .drop("_phone_key")
    )


def _with_emails(df: pl.DataFrame) -> pl.DataFrame:
    values = df.select(ck.text("email")).to_series().drop_nulls()
    if values.len() == 0:
        return df.with_columns(
            pl.lit(None, dtype=pl.String).alias(c) for c in ("email_normal", "email_error")
        )
    table = normalise_emails(values)
    return (
        df.with_columns(ck.text("email").alias("_email_key"))
        .join(table, left_on="_email_key", right_on="email", how="left")
        .drop("_email_key")
    )


def _with_zone(df: pl.DataFrame) -> pl.DataFrame:
    """The debtor's zone: as given, else from region, country, or phone prefix."""
    region_zone = pl.concat_str(
        [pl.col("_country"), pl.lit("-"), pl.col("_region")]
    ).replace_strict(
        {
            f"{c}-{s}": z
            for c in ("US", "CA", "MX", "BR", "ID", "AU")
            for s in ref.subdivisions().get(c, ())
            if (z := ref.zone_for_region(c, s)) is not None
        },
        default=None,
        return_dtype=pl.String,
    )
    country_zone = pl.col("_country").replace_strict(
        {c: z for c in ref.countries() if (z := ref.zone_for_country(c)) is not None},
        default=None,
        return_dtype=pl.String,
    )
    known = pl.coalesce(ck.text("timezone"), region_zone, country_zone)
    # Only debtors with no other clue need their phone prefix's zone (a library call each).
    unclear = df.filter(known.is_null() & pl.col("phone_e164").is_not_null())["phone_e164"]
    by_phone = phone_zones(unclear.unique().to_list()) if unclear.len() else {}
    phone_zone = pl.col("phone_e164").replace_strict(by_phone, default=None, return_dtype=pl.String)
    row_zone = pl.coalesce(known, phone_zone)
    # A row that says nothing of the zone borrows it from the debtor's other rows.
    zone = pl.coalesce(row_zone, row_zone.drop_nulls().first().over(ck.text("debtor_id")))
    return df.with_columns(
        zone.alias("_timezone"),
        (ck.text("timezone").is_null() & zone.is_null()).alias("_zone_error"),
    )


def _shape(
    good: pl.DataFrame, columns: list[str], as_of: date, source: str
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    default_language = pl.col("country").replace_strict(
        {c: lang for c in ref.countries() if (lang := ref.language_for_country(c))},
        default=None,
        return_dtype=pl.String,
    )
    # A debtor's rows agree (contradictions were rejected), but any of them may leave a
    # detail blank: take each detail's first given value, then the defaults.
    debtors = (
        good.select(
            ck.text("debtor_id").alias("debtor_id"),
            ck.text("debtor_type").str.to_lowercase().alias("debtor_type"),
            ck.text("debtor_name").alias("name"),
            ck.text("national_id").alias("national_id"),
            pl.col("_country").alias("country"),
            pl.col("_region").alias("region"),
            ck.text("timezone").alias("given_zone"),
            pl.col("_timezone").alias("derived_zone"),
            ck.text("language").alias("language"),
        )
        .group_by("debtor_id", maintain_order=True)
        .agg(pl.all().drop_nulls().first())
        .select(
            "debtor_id",
            pl.col("debtor_type").fill_null(DebtorType.PERSON.value),
            "name",
            "national_id",
            "country",
            "region",
            pl.coalesce("given_zone", "derived_zone").alias("timezone"),
            pl.coalesce(pl.col("language"), default_language).alias("language"),
        )
    )

    points = (
        pl.concat(
            [
                good.select(
                    ck.text("debtor_id").alias("debtor_id"),
                    pl.lit(kind.value).alias("kind"),
                    value.alias("value"),
                )
                for kind, value in (
                    (ContactKind.PHONE, pl.col("phone_e164")),
                    (ContactKind.EMAIL, pl.col("email_normal")),
                    (ContactKind.ADDRESS, ck.text("address")),
                )
            ]
        )
        .drop_nulls("value")
        .unique(subset=["debtor_id", "kind", "value"], maintain_order=True)
    )
    points = points.with_columns(
        pl.lit(source).alias("source"),
        pl.lit(Consent.UNKNOWN.value).alias("consent"),
        pl.lit(Verification.UNVERIFIED.value).alias("verification"),
    )

    cases = debtors.select(
        _case_id(pl.col("debtor_id")).alias("case_id"),
        pl.col("debtor_id"),
        pl.lit(Stage.DIGITAL.value).alias("stage"),
    )

    dec = pl.col("_decimals")
    extras = [c for c in columns if c not in PORTFOLIO.known and c != ROW]
    attributes = (
        pl.struct([ck.text(c).alias(c) for c in extras]).struct.json_encode()
        if extras
        else pl.lit("{}")
    )
    dpd = ck.text("days_past_due").cast(pl.Int64, strict=False)
    due = ck.parse_date("due_date")
    accounts = good.select(
        ck.text("account_id").alias("account_id"),
        ck.text("debtor_id").alias("debtor_id"),
        _case_id(ck.text("debtor_id")).alias("case_id"),
        pl.coalesce(_product(), pl.lit("other")).alias("product"),
        pl.col("_currency").alias("currency"),
        ck.to_minor("principal_outstanding", dec).alias("principal_minor"),
        ck.to_minor("interest_outstanding", dec).fill_null(0).alias("interest_minor"),
        ck.to_minor("fees_outstanding", dec).fill_null(0).alias("fees_minor"),
        ck.to_minor("original_amount", dec).alias("original_amount_minor"),
        ck.to_minor("credit_limit", dec).alias("credit_limit_minor"),
        due.alias("due_date"),
        _past_due_since(due, dpd, as_of).alias("past_due_since"),
        ck.parse_date("open_date").alias("open_date"),
        ck.parse_date("last_payment_date").alias("last_payment_date"),
        ck.to_minor("last_payment_amount", dec).alias("last_payment_minor"),
        attributes.alias("attributes"),
    )
    return debtors, points, cases, accounts


def _case_id(debtor_id: pl.Expr) -> pl.Expr:
    """Vectorised ``domain.cases.case_id_for``."""
    return pl.lit(CASE_ID_PREFIX) + debtor_id


def _past_due_since(due: pl.Expr, dpd: pl.Expr, as_of: date) -> pl.Expr:
    """Vectorised form of ``domain.accounts.past_due_since`` (tested to agree with it)."""
    as_of_lit = pl.lit(as_of)
    return (
        pl.when(dpd.is_null())
        .then(due)
        .when(dpd > 0)
        .then(as_of_lit - pl.duration(days=dpd))
        .when(due > as_of_lit)
        .then(due)
        .otherwise(None)
    )


__all__ = ["FileMemory", "PortfolioRows", "past_due_since", "validate"]
