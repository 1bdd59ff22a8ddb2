"""``recoverly plan``: a day's plan as a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from recoverly.cli.common import (
    DEFAULT_TENANT,
    AsOfOption,
    TenantOption,
    business_day,
    console,
    resolve_tenant,
    store,
)

app = typer.Typer(help="Export a day's plan.", no_args_is_help=True)


@app.command("export")
def export(
    out: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
    as_of: AsOfOption = None,
    tenant: TenantOption = DEFAULT_TENANT,
    escalations: Annotated[
        bool,
        typer.Option("--escalations", help="Also write referrals to legal action and agencies."),
    ] = False,
) -> None:
    """Write a day's planned contacts, one row each (UTC instants, ISO 8601).

    Add an ``outcome`` column and ``recoverly import contacts`` takes the rows back as
    executed contacts, so a multi-day cycle can be driven from files.
    """
    from recoverly.strategy.export import export_plan

    day = business_day(as_of)
    with store().begin() as conn:
        rows = export_plan(conn, resolve_tenant(conn, tenant), day, out, escalations=escalations)
    console.print(f"wrote {rows:,} planned contacts for {day} to {out}", highlight=False)
