"""Canonical JSON for a whole frame of events at once: the daily run's hundreds of
thousands of decisions are logged in the run's own time budget.

``domain.canonical.dumps`` encodes one entry at a time (about 10 µs a row here, three
times this module's cost, which counts on the daily run's clock); here each column is
turned into its JSON text by Polars' string kernels and the row's object is one
concatenation with the keys in canonical order. The bytes are the same as
``rfc8785.dumps`` gives for the row as a dict (a property test holds the two equal):
for ASCII keys RFC 8785 orders members by code point, writes integers in decimal, and
escapes a string's ``"`` and ``\\`` with a backslash, its control characters with short
or ``\\u00xx`` escapes, and nothing else. Rows with a control character in a string
(rare: a template or id with a tab in it) are encoded by ``rfc8785`` itself.
"""

from __future__ import annotations

import polars as pl
import rfc8785

from recoverly.domain.canonical import SAFE_INTEGER
from recoverly.domain.errors import InvalidInput

_CONTROL = r"[\x00-\x1f]"


def canonical_entries(frame: pl.DataFrame) -> list[bytes]:
    """Each row of ``frame`` as the RFC 8785 bytes of ``{column: value}``.

    Columns must be strings or integers (nulls allowed); names must be ASCII.
    """
    if frame.height == 0:
        return []
    names = sorted(frame.columns)
    for name in names:
        if not name.isascii():
            raise InvalidInput(f"evidence column {name!r}: names must be ASCII")
    members: list[pl.Expr] = []
    for n, name in enumerate(names):
        dtype = frame.schema[name]
        # By position: ``pl.col`` reads "*" and "^…$" names as wildcards and patterns.
        column = pl.nth(frame.columns.index(name))
        if dtype == pl.String:
            text = pl.concat_str(
                pl.lit('"'),
                column.str.replace_all("\\", "\\\\", literal=True).str.replace_all(
                    '"', '\\"', literal=True
                ),
                pl.lit('"'),
            )
        elif dtype.is_integer():
            _check_ints(frame[name], name)
            text = column.cast(pl.String)
        elif dtype == pl.Null:
            text = pl.lit(None, pl.String)
        else:
            raise InvalidInput(f"evidence column {name!r}: {dtype} is neither text nor integer")
        members += [pl.lit(("{" if n == 0 else ",") + rfc8785.dumps(name).decode() + ":")]
        members.append(text.fill_null(pl.lit("null")))
    members.append(pl.lit("}"))
    # JSON's own punctuation has no control characters: any in the row came from a value.
    encoded = frame.select(pl.concat_str(members).alias("entry")).with_columns(
        pl.col("entry").str.contains(_CONTROL).alias("controlled")
    )
    entries: list[bytes] = encoded["entry"].cast(pl.Binary).to_list()
    for row in encoded.with_row_index().filter("controlled")["index"]:
        entries[row] = rfc8785.dumps(frame.row(row, named=True))
    return entries


def instant(column: str) -> pl.Expr:
    """A datetime column as evidence spells instants: UTC, microseconds, ``Z`` (the same
    text ``Evidence`` writes for ``at``)."""
    return pl.col(column).dt.convert_time_zone("UTC").dt.strftime("%Y-%m-%dT%H:%M:%S%.6fZ")


def _check_ints(values: pl.Series, name: str) -> None:
    low, high = values.min(), values.max()
    if low is not None and (int(low) < -SAFE_INTEGER or int(high) > SAFE_INTEGER):  # type: ignore[arg-type]
        raise InvalidInput(f"evidence column {name!r}: integers must be within ±(2**53 - 1)")
