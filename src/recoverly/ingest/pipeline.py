"""The import pipeline: stream a file, validate each batch, write good rows, report.

One import is one database transaction. By default it is all or nothing: the first bad
row stops all writing (validation goes on, so the report is complete) and the transaction
is rolled back. With ``partial`` the good rows are committed and the rejected ones are
written, with their line and reasons, to a quarantine CSV.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, TypeVar

import polars as pl
from sqlalchemy import Connection, Engine, Table, insert

from recoverly.domain.findings import Finding
from recoverly.ingest.formats import ROW, SourceFile
from recoverly.ingest.spec import FileSpec
from recoverly.store.session import refresh_statistics
from recoverly.store.tables import import_runs

Progress = Callable[[int, int], None]
"""Called after each batch with the rows just read and the file's estimated total."""


Rows = TypeVar("Rows")


class Handler(Protocol[Rows]):
    """What one kind of file (portfolio, payments, contacts) brings to the pipeline."""

    spec: FileSpec
    tables: tuple[Table, ...]  # what ``write`` writes, for the planner's statistics

    def validate(self, batch: pl.DataFrame) -> tuple[pl.DataFrame, Rows]:
        """Errors (``ROW, column, message, ref_row``) and the good rows, shaped for writing."""
        ...

    def write(self, conn: Connection, rows: Rows, now: datetime) -> int:
        """Write shaped rows; returns how many records they came from."""
        ...


@dataclass(frozen=True)
class ImportOptions:
    """How to import: ``partial`` commits the good rows and quarantines the bad ones
    (default ``FILE.rejected.csv``) instead of rejecting the whole file."""

    partial: bool = False
    quarantine: Path | None = None
    batch_rows: int = 50_000
    display: str | None = None
    """How findings name the file (default: its path)."""


@dataclass
class ImportReport:
    kind: str
    source: str
    rows_read: int = 0
    rows_imported: int = 0
    rows_rejected: int = 0
    findings: list[Finding] = field(default_factory=list)
    quarantine: Path | None = None
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.findings


def run_import(
    engine: Engine,
    tenant_id: int,
    path: Path,
    handler_for: Callable[[Connection, SourceFile], Handler[Rows]],
    options: ImportOptions | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import ``path`` into tenant ``tenant_id``; the report says what happened.

    Args:
        handler_for: builds the kind's handler on the import's connection (handlers that
            check foreign keys read the store through it) for the opened file.
        options: partial or all-or-nothing, where rejected rows go, batch size.
        progress: told the rows read after each batch.
    """
    options = options or ImportOptions()
    partial = options.partial
    source = SourceFile.open(path, options.display)
    now = datetime.now(UTC)
    with engine.connect() as conn, conn.begin() as tx:
        handler = handler_for(conn, source)
        report = ImportReport(handler.spec.kind, source.display)
        header = _header_findings(source, handler.spec)
        if header:
            report.findings = header
            tx.rollback()
            return report
        errors: list[pl.DataFrame] = []
        rejected: list[pl.DataFrame] = []
        writing = True
        for batch in source.batches(options.batch_rows):
            report.rows_read += batch.height
            batch_errors, rows = handler.validate(batch)
            if batch_errors.height:
                errors.append(batch_errors)
                bad = batch_errors[ROW].unique()
                rejected.append(batch.filter(pl.col(ROW).is_in(bad.implode())))
                report.rows_rejected += bad.len()
                writing = writing and partial
            if writing:
                report.rows_imported += handler.write(conn, rows, now)
            if progress:
                progress(batch.height, max(source.estimated_rows, report.rows_read))
        report.findings = _ragged_findings(source) + _row_findings(source, errors)
        report.rows_rejected += sum(1 for f in report.findings if f.code == "ragged")
        if report.findings and not partial:
            report.rows_imported = 0
            tx.rollback()
            return report
        if report.findings:
            report.quarantine = options.quarantine or path.with_suffix(".rejected.csv")
            _write_quarantine(report.quarantine, source, rejected, report.findings)
        conn.execute(
            insert(import_runs).values(
                tenant_id=tenant_id,
                kind=handler.spec.kind,
                source=source.display[-512:],
                sha256=source.sha256,
                rows_read=report.rows_read,
                rows_imported=report.rows_imported,
                rows_rejected=report.rows_rejected,
                started_at=now,
                finished_at=datetime.now(UTC),
            )
        )
        tx.commit()
        report.committed = True
    if report.committed:
        refresh_statistics(engine, handler.tables)
    return report


def _header_findings(source: SourceFile, spec: FileSpec) -> list[Finding]:
    out = []
    for name in spec.required:
        if name not in source.columns:
            out.append(
                Finding(source.display, 1, 1, "missing_column", f"missing required column {name!r}")
            )
    return out


def _ragged_findings(source: SourceFile) -> list[Finding]:
    return [
        Finding(
            source.display,
            r.line,
            min(r.fields, r.expected) + 1,
            "ragged",
            f"this record has {r.fields} fields; the header has {r.expected}",
        )
        for r in source.ragged_records()
    ]


def _row_findings(source: SourceFile, errors: list[pl.DataFrame]) -> list[Finding]:
    if not errors:
        return []
    index = {name: i for i, name in enumerate(source.columns, start=1)}
    out = []
    for row, column, message, ref in pl.concat(errors).iter_rows():
        if ref is not None:
            message = message.replace("{ref}", str(source.line_of(ref)))
        out.append(
            Finding(source.display, source.line_of(row), index.get(column, 0), "row", message)
        )
    out.sort(key=lambda f: (f.line, f.column))
    return out


def _write_quarantine(
    path: Path, source: SourceFile, rejected: list[pl.DataFrame], findings: list[Finding]
) -> None:
    """The rejected records as they were, with their line and every reason, as CSV."""
    reasons: dict[int, list[str]] = {}
    for f in findings:
        reasons.setdefault(f.line, []).append(f.message)
    frame = pl.concat(rejected) if rejected else pl.DataFrame()
    if frame.height:
        lines = [source.line_of(r) for r in frame[ROW].to_list()]
        frame = frame.with_columns(
            pl.Series("line", lines, dtype=pl.Int64),
            pl.Series("reasons", ["; ".join(reasons.get(n, [])) for n in lines], dtype=pl.String),
        ).drop(ROW)
        frame = frame.select("line", "reasons", *source.columns)
    ragged = [f for f in findings if f.code == "ragged"]
    if ragged:
        extra = pl.DataFrame(
            {"line": [f.line for f in ragged], "reasons": [f.message for f in ragged]},
            schema={"line": pl.Int64, "reasons": pl.String},
        )
        frame = pl.concat([frame, extra], how="diagonal") if frame.height else extra
    frame.sort("line").write_csv(path)


__all__ = ["Handler", "ImportOptions", "ImportReport", "Progress", "run_import"]
