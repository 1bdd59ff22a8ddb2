"""``recoverly run``: plan one day of collections (the daily run)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from recoverly.cli.common import (
    DEFAULT_TENANT,
    AsOfOption,
    TenantOption,
    business_day,
    console,
    progress_bar,
    resolve_tenant,
    store,
)


def run(
    as_of: AsOfOption = None,
    tenant: TenantOption = DEFAULT_TENANT,
    strategy: Annotated[
        str | None,
        typer.Option(
            "--strategy",
            help="NAME or NAME:VERSION of a published strategy (default: the latest "
            "published; the built-in default strategy when none is).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Plan a day: segments, treatments, the compliance screen and capacity, once per date.

    Running a date again plans nothing twice; it prints that date's summary, or finishes
    a run that was interrupted.
    """
    from recoverly.domain.errors import InvalidInput
    from recoverly.strategy.run import StrategyChoice, run_day

    choice = StrategyChoice()
    if strategy:
        name, _, version = strategy.partition(":")
        if version and not version.isdigit():
            raise InvalidInput(f"--strategy {strategy}: the version after ':' must be a number")
        choice = StrategyChoice(name, int(version) if version else None)
    day = business_day(as_of)
    engine = store()
    with engine.begin() as conn:
        tenant_id = resolve_tenant(conn, tenant)
    with progress_bar() as bar:
        task = bar.add_task(f"planning {day}", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        summary = run_day(engine, tenant_id, day, choice=choice, progress=advance)
    if as_json:
        print(json.dumps({"tenant": tenant, **summary}, sort_keys=True))
        return
    _print(tenant, summary)


def _print(tenant: str, summary: dict[str, Any]) -> None:
    strategy = summary["strategy"]
    state = "already planned" if summary["already_planned"] else "planned"
    console.print(
        f"{summary['as_of']} {state} for tenant {tenant}: {summary['cases']:,} open cases, "
        f"strategy {strategy['name']} v{strategy['version']}",
        highlight=False,
    )
    table = Table("decision", "kind", "count", box=None)
    for channel, n in sorted(summary["planned"].items()):
        table.add_row("planned", channel, f"{n:,}")
    for kind, n in sorted(summary["escalations"].items()):
        table.add_row("escalated", kind, f"{n:,}")
    for rule, n in sorted(summary["blocked"].items()):
        table.add_row("blocked", rule, f"{n:,}")
    console.print(table)
