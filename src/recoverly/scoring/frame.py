"""Reading a modelling table and making it ready for any model, without user preprocessing.

Any CSV or Parquet file with a 0/1 target column is accepted. Columns are typed here once:
numbers (including text columns that are almost all numbers) are numeric, other text is
categorical, identifiers and constant columns are left out and reported. Column names are
replaced by short keys (``c0``, ``c1``, …) because LightGBM refuses some characters in
feature names; the originals stay beside the keys for every report.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from recoverly.domain.errors import InvalidInput

if TYPE_CHECKING:
    import polars as pl

# Cells read as missing in a CSV besides the empty one.
NULL_MARKERS = ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", "?"]
# A text column is numeric when at least this share of its filled cells parse as numbers
# (the rest, typos such as "n/a " or "-", become missing).
NUMERIC_SHARE = 0.95
# Rows whose target is not 0/1 are left out; past this share the column is not binary.
MAX_EXCLUDED_SHARE = 0.10
# A text column with more distinct values than this share of the rows is an identifier.
IDENTIFIER_SHARE = 0.5
MIN_ROWS = 20
# Each outcome needs this many rows, so that the test part and the inner validation
# part both hold some of each (stratified 30 %, then 20 % of the rest).
MIN_CLASS_ROWS = 10


class Kind(StrEnum):
    """How a feature enters the models."""

    numeric = "numeric"
    categorical = "categorical"


@dataclass(frozen=True)
class Column:
    """One model input: its original name (for people) and its key (for the libraries)."""

    name: str
    key: str
    kind: Kind


@dataclass(frozen=True)
class Table:
    """A modelling table: features under their keys, the 0/1 target, what was left out."""

    features: pl.DataFrame
    target: npt.NDArray[np.int8]
    columns: tuple[Column, ...]
    n_rows: int
    excluded_rows: int
    excluded_values: tuple[str, ...]
    dropped_columns: tuple[str, ...]


def read_table(path: Path) -> pl.DataFrame:
    """Read a CSV or Parquet file (by suffix; anything else is read as CSV).

    Raises:
        InvalidInput: the file is missing, unreadable or empty, naming the file.
    """
    import polars as pl

    if not path.is_file():
        raise InvalidInput(f"{path}: {'is not a file' if path.exists() else 'no such file'}")
    try:
        if path.suffix.lower() in {".parquet", ".pq"}:
            frame = pl.read_parquet(path)
        else:
            frame = pl.read_csv(
                path,
                infer_schema_length=None,
                null_values=NULL_MARKERS,
                encoding="utf8-lossy",
                truncate_ragged_lines=True,
            )
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        kind = "Parquet" if path.suffix.lower() in {".parquet", ".pq"} else "CSV"
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InvalidInput(f"{path}: cannot be read as {kind}: {first_line}") from None
    if frame.height == 0 or frame.width == 0:
        raise InvalidInput(f"{path}: holds no rows")
    return frame


def _binary_target(frame: pl.DataFrame, target: str) -> pl.Series:
    """The target as 0/1 with null where a row's value is anything else."""
    import polars as pl

    column = frame.get_column(target)
    if column.dtype == pl.Boolean:
        return column.cast(pl.Int8)
    text = column.cast(pl.String, strict=False).str.strip_chars()
    number = text.cast(pl.Float64, strict=False)
    return pl.select(
        pl.when(number.is_in([0.0, 1.0])).then(number).otherwise(None).cast(pl.Int8)
    ).to_series()


def _as_numeric(column: pl.Series) -> pl.Series | None:
    """The column as Float64 when it holds numbers (or almost only numbers), else None."""
    import polars as pl

    dtype = column.dtype
    if dtype.is_numeric() or dtype == pl.Boolean:
        return column.cast(pl.Float64)
    if dtype in (pl.Date, pl.Datetime):
        # Days since 1970: lets a date act as a number (an account's age, say).
        return column.cast(pl.Date).cast(pl.Int32).cast(pl.Float64)
    if dtype not in (pl.String, pl.Categorical, pl.Enum):
        return None
    text = column.cast(pl.String).str.strip_chars()
    number = text.cast(pl.Float64, strict=False)
    filled = int(text.is_not_null().sum())
    if filled and int(number.is_not_null().sum()) >= NUMERIC_SHARE * filled:
        return number
    return None


def prepare(frame: pl.DataFrame, target: str, id_column: str | None, source: str) -> Table:
    """Type every column, clean the target and leave out what no model should learn from.

    Args:
        frame: the table as read.
        target: the name of the 0/1 outcome column.
        id_column: a row identifier to leave out of the features, if any.
        source: where the table came from, for messages.

    Raises:
        InvalidInput: a named column is missing, or the target is not binary.
    """
    import polars as pl

    for role, name in (("target", target), ("id", id_column)):
        if name is not None and name not in frame.columns:
            known = ", ".join(frame.columns[:20])
            raise InvalidInput(
                f"{source}: {role} column '{name}' not found; the columns are: {known}"
            )
    y = _binary_target(frame, target)
    keep = y.is_not_null()
    n_rows = frame.height
    excluded = n_rows - int(keep.sum())
    bad_values = (
        frame.get_column(target)
        .filter(~keep)
        .cast(pl.String, strict=False)
        .fill_null("")
        .unique(maintain_order=True)
        .head(5)
        .to_list()
    )
    kept_y = y.filter(keep)
    classes = sorted(kept_y.unique().to_list())
    if excluded > MAX_EXCLUDED_SHARE * n_rows or classes != [0, 1]:
        shown = ", ".join(repr(v) for v in bad_values) or "none"
        raise InvalidInput(
            f"{source}: target column '{target}' is not binary: it must hold 0 and 1; "
            f"{excluded} of {n_rows} rows hold something else (e.g. {shown}) "
            f"and the 0/1 rows hold {classes}"
        )
    data = frame.filter(keep)
    if data.height < MIN_ROWS:
        raise InvalidInput(f"{source}: only {data.height} rows with a 0/1 target; need {MIN_ROWS}")
    counts = {int(value): int((kept_y == value).sum()) for value in (0, 1)}
    if min(counts.values()) < MIN_CLASS_ROWS:
        raise InvalidInput(
            f"{source}: target column '{target}' has {counts[0]} rows of 0 and {counts[1]} of 1; "
            f"each needs at least {MIN_CLASS_ROWS} to train and test on"
        )

    columns: list[Column] = []
    series: list[pl.Series] = []
    dropped: list[str] = []
    for name in data.columns:
        if name in (target, id_column):
            continue
        column = data.get_column(name)
        key = f"c{len(columns)}"
        numeric = _as_numeric(column)
        if numeric is not None:
            kind = Kind.numeric
            values = numeric
        elif column.dtype in (pl.String, pl.Categorical, pl.Enum):
            kind = Kind.categorical
            values = column.cast(pl.String).str.strip_chars()
            if values.n_unique() > max(50, IDENTIFIER_SHARE * data.height):
                dropped.append(name)
                continue
        else:
            dropped.append(name)
            continue
        if values.n_unique() <= 1:
            dropped.append(name)
            continue
        columns.append(Column(name=name, key=key, kind=kind))
        series.append(values.alias(key))
    if not columns:
        raise InvalidInput(f"{source}: no column other than the target and id to learn from")
    return Table(
        features=pl.DataFrame(series),
        target=kept_y.to_numpy().astype(np.int8),
        columns=tuple(columns),
        n_rows=n_rows,
        excluded_rows=excluded,
        excluded_values=tuple(str(v) for v in bad_values),
        dropped_columns=tuple(dropped),
    )
