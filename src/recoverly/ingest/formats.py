"""Reading CSV and Parquet files as a stream of batches of raw text cells.

Validation wants every cell as the text the user wrote, so that a message can quote it,
and wants the physical line each record started on. Records come from Arrow's streaming
CSV reader in bounded batches; the line of a record is its index plus two while the file
is regular (one line per record), and is recovered by a second, exact scan with Python's
``csv`` module only when a report needs it and the file is not regular (quoted newlines,
blank lines, ragged rows).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from recoverly.domain.errors import InvalidInput

ROW = "__row"  # the 0-based index of a record among the file's well-formed records

_BLOCK = 16 << 20
_READ_BLOCK = 4 << 20


@dataclass(frozen=True, slots=True)
class RaggedRecord:
    line: int
    fields: int
    expected: int


@dataclass
class SourceFile:
    """A portfolio, payments or contacts file, opened for streaming."""

    path: Path
    display: str
    columns: list[str]
    sha256: str
    size: int
    kind: str
    _newlines: int = 0
    _records: int = 0
    _ragged: int = 0
    _lines: list[int] | None = field(default=None, repr=False)

    @classmethod
    def open(cls, path: Path, display: str | None = None) -> SourceFile:
        if not path.is_file():
            raise InvalidInput(f"{path}: no such file")
        suffix = path.suffix.lower()
        kind = "parquet" if suffix in (".parquet", ".pq") else "csv"
        digest = hashlib.sha256()
        newlines = 0
        size = 0
        with path.open("rb") as fh:
            while chunk := fh.read(_BLOCK):
                digest.update(chunk)
                newlines += chunk.count(b"\n")
                size += len(chunk)
                last = chunk[-1:]
        if size == 0:
            raise InvalidInput(f"{display or path}:1:1: the file is empty (expected a header line)")
        if kind == "csv" and last != b"\n":
            newlines += 1
        columns = _parquet_columns(path) if kind == "parquet" else _csv_header(path, display)
        return cls(path, display or str(path), columns, digest.hexdigest(), size, kind, newlines)

    def batches(self, rows: int) -> Iterator[pl.DataFrame]:
        """Batches of at most about ``rows`` records, every column as text, plus ``ROW``."""
        start = 0
        for frame in self._arrow_batches(rows):
            height = frame.num_rows
            df = pl.from_arrow(frame)
            assert isinstance(df, pl.DataFrame)
            df = df.with_columns(pl.int_range(start, start + height, dtype=pl.UInt32).alias(ROW))
            start += height
            yield df
        self._records = start

    def _arrow_batches(self, rows: int) -> Iterator[pa.Table]:
        if self.kind == "parquet":
            for batch in pq.ParquetFile(self.path).iter_batches(batch_size=rows):
                yield pa.Table.from_batches([_parquet_as_text(batch)])
            return

        def on_ragged(_row: pacsv.InvalidRow) -> str:
            self._ragged += 1
            return "skip"

        positional = [f"c{i}" for i in range(len(self.columns))]
        # Small blocks keep the reader's own buffers small (about 280 MiB less at peak for
        # a million rows than 20 MiB blocks); they are gathered into batches of ``rows``.
        reader = pacsv.open_csv(
            self.path,
            read_options=pacsv.ReadOptions(
                block_size=_READ_BLOCK, column_names=positional, skip_rows=1, use_threads=False
            ),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=True, invalid_row_handler=on_ragged
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(positional, pa.binary()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        pending: list[pa.RecordBatch] = []
        size = 0
        for batch in reader:
            pending.append(self._as_text(batch))
            size += batch.num_rows
            if size >= rows:
                yield pa.Table.from_batches(pending)
                pending, size = [], 0
        if pending:
            yield pa.Table.from_batches(pending)

    def _as_text(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        return pa.RecordBatch.from_arrays(
            [_text(batch.column(i)) for i in range(len(self.columns))], names=self.columns
        )

    @property
    def estimated_rows(self) -> int:
        if self.kind == "parquet":
            return int(pq.ParquetFile(self.path).metadata.num_rows)
        return max(self._newlines - 1, 0)

    @property
    def regular(self) -> bool:
        """One physical line per record and per header: line = index + 2."""
        return self.kind == "parquet" or (self._ragged == 0 and self._newlines == self._records + 1)

    def line_of(self, row: int) -> int:
        """The physical line where well-formed record ``row`` starts (header is line 1)."""
        if self.regular:
            return row + 2
        if self._lines is None:
            self._lines = [line for line, _ in self._scan()]
        return self._lines[row]

    def ragged_records(self) -> list[RaggedRecord]:
        """Records whose number of fields differs from the header's."""
        if self._ragged == 0:
            return []
        expected = len(self.columns)
        return [RaggedRecord(line, n, expected) for line, n in self._scan(ragged=True)]

    def _scan(self, ragged: bool = False) -> Iterator[tuple[int, int]]:
        """(start line, field count) of each record, well-formed ones or ragged ones."""
        expected = len(self.columns)
        with self.path.open("rb") as fh:
            text = io.TextIOWrapper(fh, encoding="latin-1", newline="")
            reader = csv.reader(text)
            next(reader)
            start = reader.line_num + 1
            for record in reader:
                end = reader.line_num
                if record and (len(record) != expected) == ragged:
                    yield start, len(record)
                start = end + 1


def _csv_header(path: Path, display: str | None) -> list[str]:
    with path.open("rb") as fh:
        raw = fh.readline()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{display or path}:1:{exc.start + 1}: the header is not valid UTF-8"
        ) from None
    header = next(csv.reader([text]))
    names = [h.strip() for h in header]
    for i, name in enumerate(names, start=1):
        if not name:
            raise InvalidInput(f"{display or path}:1:{i}: column {i} has no name")
        if names.index(name) != i - 1:
            raise InvalidInput(f"{display or path}:1:{i}: column {name!r} appears twice")
    return names


def _parquet_columns(path: Path) -> list[str]:
    try:
        return list(pq.ParquetFile(path).schema_arrow.names)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InvalidInput(f"{path}: not a readable Parquet file: {exc}") from None


def _text(column: pa.Array) -> pa.Array:
    """Binary cells as UTF-8 text; undecodable cells become the marker validation reports."""
    try:
        return column.cast(pa.string())
    except pa.ArrowInvalid:
        return pa.array([_decode(v) for v in column.to_pylist()], type=pa.string())


INVALID_UTF8 = "\x00invalid-utf8\x00"


def _decode(value: bytes | None) -> str | None:
    if value is None:
        return None
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return INVALID_UTF8


def _parquet_as_text(batch: pa.RecordBatch) -> pa.RecordBatch:
    arrays = []
    for col in batch.columns:
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            arrays.append(col.cast(pa.string()))
        elif pa.types.is_binary(col.type) or pa.types.is_large_binary(col.type):
            arrays.append(pa.array([_decode(v) for v in col.to_pylist()], type=pa.string()))
        else:
            arrays.append(col.cast(pa.string()))
    return pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)
