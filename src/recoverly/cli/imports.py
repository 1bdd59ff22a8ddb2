"""``recoverly import portfolio|payments|promises|contacts|complaints``: validated,
all-or-nothing imports."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from recoverly.cli.common import (
    DEFAULT_TENANT,
    EXIT_BAD_INPUT,
    TenantOption,
    console,
    err_console,
    progress_bar,
    resolve_tenant,
    store,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from recoverly.ingest.pipeline import ImportReport

app = typer.Typer(
    help=(
        "Import files into the store. Every row is validated; problems are printed as "
        "FILE:LINE:COLUMN: reason and nothing is imported (exit code 2) unless --partial."
    ),
    no_args_is_help=True,
)

FileArg = Annotated[Path, typer.Argument(help="CSV (UTF-8, header on line 1) or Parquet file.")]
PartialOption = Annotated[
    bool,
    typer.Option(
        "--partial",
        help="Import the good rows and write the rejected ones, with reasons, to a quarantine CSV.",
    ),
]
QuarantineOption = Annotated[
    Path | None,
    typer.Option(
        "--quarantine", help="Where --partial writes rejected rows (default FILE.rejected.csv)."
    ),
]


def _finish(report: ImportReport) -> None:
    for finding in report.findings:
        print(finding.render())
    what = f"{report.kind} {report.source}"
    if report.committed:
        line = f"imported {report.rows_imported} of {report.rows_read} rows from {what}"
        if report.rows_rejected:
            line += f"; {report.rows_rejected} rejected, written to {report.quarantine}"
        console.print(line, highlight=False, soft_wrap=True)
        if report.findings:
            raise typer.Exit(EXIT_BAD_INPUT)
        return
    if report.findings and all(f.code == "missing_column" for f in report.findings):
        why = f"the header of {what} lacks {len(report.findings)} required column(s)"
    else:
        why = (
            f"{len(report.findings)} problem(s) in {report.rows_rejected} row(s) of {what}; "
            "fix them or use --partial"
        )
    err_console.print(f"[red]nothing imported:[/red] {why}", highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def _import(
    run: Callable[..., ImportReport],
    file: Path,
    tenant: str,
    partial: bool,
    quarantine: Path | None,
    *args: object,
) -> None:
    """Run one import use case with the shared options, a progress bar and the report."""
    from recoverly.config import get_settings
    from recoverly.ingest.pipeline import ImportOptions

    options = ImportOptions(
        partial=partial,
        quarantine=quarantine,
        batch_rows=get_settings().import_batch_rows,
        display=str(file),
    )
    engine = store()
    with engine.begin() as conn:
        tenant_id = resolve_tenant(conn, tenant)
    with progress_bar() as bar:
        task = bar.add_task(f"importing {file.name}", total=None)
        report = run(
            engine,
            tenant_id,
            file,
            *args,
            options=options,
            progress=lambda n, total: bar.update(task, advance=n, total=total),
        )
    _finish(report)


@app.command("portfolio")
def portfolio(
    file: FileArg,
    tenant: TenantOption = DEFAULT_TENANT,
    partial: PartialOption = False,
    quarantine: QuarantineOption = None,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            help="Date the file's days_past_due were true on (default: the business date, "
            "RECOVERLY_BUSINESS_DATE, or else today in UTC).",
        ),
    ] = None,
) -> None:
    """Import accounts and their debtors (the Portfolio CSV contract); re-imports update."""
    from recoverly.config import get_settings
    from recoverly.ingest import service

    day: date = as_of.date() if as_of else get_settings().today()
    _import(service.import_portfolio, file, tenant, partial, quarantine, day)


@app.command("payments")
def payments(
    file: FileArg,
    tenant: TenantOption = DEFAULT_TENANT,
    partial: PartialOption = False,
    quarantine: QuarantineOption = None,
) -> None:
    """Import payments: payment_id, account_id, amount, paid_at [, currency, method, reference]."""
    from recoverly.ingest import service

    _import(service.import_payments, file, tenant, partial, quarantine)


@app.command("promises")
def promises(
    file: FileArg,
    tenant: TenantOption = DEFAULT_TENANT,
    partial: PartialOption = False,
    quarantine: QuarantineOption = None,
) -> None:
    """Import promises to pay: promise_id, account_id, amount, due_date, made_at [, currency].

    Each promise is then kept or broken automatically as payments arrive and its date
    passes (checked by every daily run).
    """
    from recoverly.ingest import service

    _import(service.import_promises, file, tenant, partial, quarantine)


@app.command("contacts")
def contacts(
    file: FileArg,
    tenant: TenantOption = DEFAULT_TENANT,
    partial: PartialOption = False,
    quarantine: QuarantineOption = None,
) -> None:
    """Import contact history, or an exported plan with an added outcome column."""
    from recoverly.ingest import service

    _import(service.import_contacts, file, tenant, partial, quarantine)


@app.command("complaints")
def complaints(
    file: FileArg,
    source: Annotated[
        str,
        typer.Option(
            "--source",
            help="Where the file comes from (cfpb, fos, mailbox …): a complaint is known by "
            "its source and external_reference, so importing it again adds nothing.",
        ),
    ],
    tenant: TenantOption = DEFAULT_TENANT,
    partial: PartialOption = False,
    quarantine: QuarantineOption = None,
) -> None:
    """Import complaints: received_at, channel, text, case_id or debtor_id [, issue,
    external_reference, agent].

    Each is taken in as the API takes one: its case held, its jurisdiction's response
    clock started, an issue suggested when none is given.
    """
    from recoverly.ingest import service

    _import(service.import_complaints, file, tenant, partial, quarantine, source)
