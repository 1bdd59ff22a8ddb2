"""Vectorised cell checks: each turns a text column into a message per bad cell.

A check is a list of ``(condition, message)`` pairs for one column; the first condition
that holds gives the cell's one message, so a cell never gets two contradictory reasons
(an undecodable cell is not also reported as "not a date"). Messages quote the cell.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from recoverly.ingest.formats import INVALID_UTF8, ROW

Rule = tuple[pl.Expr, pl.Expr | str]

MAX_ID = 64
_DECIMAL = r"^[0-9]{1,15}(\.[0-9]+)?$"
_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_ID_TEXT = r"^[^\x00-\x1f\x7f]+$"


def normalise(batch: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Strip surrounding spaces from every cell once; empty cells become null.

    Every rule reads cells through ``text``, which assumes this has been done.
    """
    return batch.with_columns(
        pl.col(c).str.strip_chars().replace("", None).alias(c) for c in columns
    )


def text(column: str) -> pl.Expr:
    """A cell of a ``normalise``d batch."""
    return pl.col(column)


def quoted(expr: pl.Expr, before: str, after: str) -> pl.Expr:
    """``before "cell" after``, with long cells cut so that a report stays readable."""
    cell = pl.when(expr.str.len_chars() > 40).then(expr.str.slice(0, 37) + "...").otherwise(expr)
    return pl.concat_str([pl.lit(f'{before}"'), cell, pl.lit(f'"{after}')])


def first_message(column: str, rules: Sequence[Rule]) -> pl.Expr:
    """The message of the first failing rule for each cell of ``column``, else null."""
    utf8: Rule = (pl.col(column) == INVALID_UTF8, f"{column}: not valid UTF-8 text")
    return pl.coalesce(
        pl.when(condition).then(pl.lit(message) if isinstance(message, str) else message)
        for condition, message in (utf8, *rules)
    ).alias(column)


def required(column: str) -> Rule:
    return text(column).is_null(), f"{column}: required but empty"


def identifier(column: str) -> list[Rule]:
    value = text(column)
    return [
        (value.str.len_chars() > MAX_ID, f"{column}: longer than {MAX_ID} characters"),
        (~value.str.contains(_ID_TEXT), f"{column}: contains control characters"),
    ]


def max_length(column: str, limit: int) -> Rule:
    return text(column).str.len_chars() > limit, f"{column}: longer than {limit} characters"


def iso_date(column: str) -> list[Rule]:
    value = text(column)
    return [
        (
            value.is_not_null() & (~value.str.contains(_ISO_DATE) | parse_date(column).is_null()),
            quoted(value, f"{column}: ", " is not a date in ISO 8601 form YYYY-MM-DD"),
        )
    ]


def parse_date(column: str) -> pl.Expr:
    return text(column).str.to_date("%Y-%m-%d", strict=False)


def amount(column: str, decimals: pl.Expr) -> list[Rule]:
    """A non-negative plain decimal with no more decimals than the currency has."""
    value = text(column)
    fraction = significant_fraction(value).str.len_chars().fill_null(0)
    return [
        (
            value.str.starts_with("-") & value.str.slice(1).str.contains(_DECIMAL),
            quoted(value, f"{column}: ", " must not be negative"),
        ),
        (
            value.is_not_null() & ~value.str.contains(_DECIMAL),
            quoted(value, f"{column}: ", " is not a decimal amount such as 1234.50"),
        ),
        (
            value.is_not_null() & decimals.is_not_null() & (fraction > decimals),
            pl.concat_str(
                [
                    quoted(value, f"{column}: ", " has more decimals than its currency's "),
                    decimals.cast(pl.String),
                ]
            ),
        ),
    ]


def significant_fraction(value: pl.Expr) -> pl.Expr:
    """The decimals of an amount without trailing zeros: ``5000.00`` yen is whole yen,
    as ``Money.parse`` agrees, and systems that print two decimals for every currency
    are common."""
    return value.str.extract(r"\.([0-9]*?)0*$")


def to_minor(column: str, decimals: pl.Expr) -> pl.Expr:
    """A checked decimal cell as an integer count of minor units (exact, no float)."""
    value = text(column)
    whole = value.str.extract(r"^([0-9]+)").cast(pl.Int64)
    frac_text = significant_fraction(value).fill_null("")
    frac_digits = frac_text.str.len_chars().cast(pl.Int64)
    frac = pl.when(frac_text == "").then(0).otherwise(frac_text.cast(pl.Int64, strict=False))
    scale = pl.lit(10, dtype=pl.Int64).pow(decimals.cast(pl.Int64))
    frac_scale = pl.lit(10, dtype=pl.Int64).pow(
        (decimals - frac_digits).clip(lower_bound=0).cast(pl.Int64)
    )
    return pl.when(value.is_null()).then(None).otherwise(whole * scale + frac * frac_scale)


def member(
    column: str, allowed: pl.Series | list[str], what: str, value: pl.Expr | None = None
) -> Rule:
    cell = text(column) if value is None else value
    return (
        cell.is_not_null() & ~cell.is_in(allowed),
        quoted(text(column), f"{column}: ", f" is not {what}"),
    )


def errors_frame(df: pl.DataFrame, row: str, rules: dict[str, list[Rule]]) -> pl.DataFrame:
    """Long form ``(row, column, message, ref_row)``: one message per bad cell.

    ``ref_row`` names another record a message refers to (``{ref}`` in the message);
    cell checks have none.

    Conditions are evaluated over the whole batch, but messages (string building, the
    costly part) only over the rows that failed something, so a clean file pays little.
    """
    schema = {row: pl.UInt32, "column": pl.String, "message": pl.String, "ref_row": pl.UInt32}
    conditions = [
        condition
        for column, column_rules in rules.items()
        for condition in [pl.col(column) == INVALID_UTF8, *(c for c, _ in column_rules)]
    ]
    failing = df.filter(pl.any_horizontal(conditions).fill_null(False))
    if failing.height == 0:
        return pl.DataFrame(schema=schema)
    wide = failing.select(pl.col(row), *(first_message(column, r) for column, r in rules.items()))
    return (
        wide.unpivot(index=row, variable_name="column", value_name="message")
        .drop_nulls("message")
        .with_columns(pl.lit(None).alias("ref_row"))
        .cast(schema)  # type: ignore[arg-type]
    )


def without_errors(df: pl.DataFrame, errors: pl.DataFrame) -> pl.DataFrame:
    """The rows of ``df`` that no error names."""
    return df.filter(~pl.col(ROW).is_in(errors[ROW].unique().implode()))


def parse_instant(column: str) -> pl.Expr:
    """An ISO 8601 date or date-time cell as a UTC instant.

    A bare date means midnight UTC and a time without an offset is read as UTC, because
    exports from core systems usually are; both forms are documented in docs/formats.md.
    """
    value = text(column).str.replace(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]", "${1}T")
    value = value.str.replace(r"[Zz]$", "+00:00")
    value = value.str.replace(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})$", "${1}T00:00:00")
    value = value.str.replace(r"T([0-9]{2}:[0-9]{2})([+-]|$)", "T${1}:00${2}")
    value = (
        pl.when(value.str.contains(r"[+-][0-9]{2}:?[0-9]{2}$"))
        .then(value)
        .otherwise(value + "+00:00")
    )
    return value.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%z", time_zone="UTC", strict=False)


def instant(column: str) -> list[Rule]:
    value = text(column)
    return [
        (
            value.is_not_null() & parse_instant(column).is_null(),
            quoted(value, f"{column}: ", " is not an ISO 8601 date or date-time"),
        )
    ]
