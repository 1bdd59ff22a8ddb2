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

# The plan contract's columns first (ARCHITECTURE.md), then what helps a reader.
CONTRACT = (
    "plan_id",
    "case_id",
    "debtor_id",
    "account_id",
    "channel",
    "scheduled_at",
    "jurisdiction",
    "debtor_timezone",
    "strategy_version",
    "branch",
)
EXTRA = ("action", "template", "queue", "agency", "strategy_name", "segment", "step", "language")


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
    import polars as pl

    from recoverly.domain.errors import NotFound
    from recoverly.store.repositories import plans

    day = business_day(as_of)
    actions = ("message", "call", "escalation") if escalations else ("message", "call")
    with store().begin() as conn:
        tenant_id = resolve_tenant(conn, tenant)
        if plans.find_run(conn, tenant_id, day) is None:
            raise NotFound(f"no plan for {day}: run `recoverly run --as-of {day}` first")
        frame = plans.plan_frame(conn, tenant_id, day, actions)
    if frame.height:
        frame = frame.select(*CONTRACT, *EXTRA).with_columns(
            pl.col("scheduled_at").dt.convert_time_zone("UTC").dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        )
    else:
        frame = pl.DataFrame(schema=dict.fromkeys((*CONTRACT, *EXTRA), pl.String))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    frame.write_csv(tmp)
    tmp.replace(out)
    console.print(f"wrote {frame.height:,} planned contacts for {day} to {out}", highlight=False)
