"""``recoverly report``: how the portfolio is doing."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Annotated, Any

import typer
from rich.table import Table

from recoverly.cli.common import (
    DEFAULT_TENANT,
    AsOfOption,
    TenantOption,
    business_day,
    console,
    resolve_tenant,
    store,
)

app = typer.Typer(help="Reports on the portfolio and its collection.", no_args_is_help=True)

ROWS = (
    ("contacts", "contacts"),
    ("right-party contact rate", "right_party_contact_rate"),
    ("promises", "promises"),
    ("promise rate", "promise_rate"),
    ("promise-kept rate", "promise_kept_rate"),
    ("cure rate", "cure_rate"),
    ("complaints per 1,000 contacts", "complaints_per_1000_contacts"),
)


@app.command("kpis")
def kpis(
    as_of: AsOfOption = None,
    start: Annotated[
        datetime | None,
        typer.Option("--from", formats=["%Y-%m-%d"], help="First day (default: 29 days earlier)."),
    ] = None,
    tenant: TenantOption = DEFAULT_TENANT,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """KPIs for a period, per strategy branch: contact, promise, roll, cure, liquidation,
    cost and complaint rates (definitions in docs/kpis.md)."""
    from recoverly.analytics.kpis import Period, report
    from recoverly.domain.errors import InvalidInput

    end = business_day(as_of)
    first = start.date() if start else end - timedelta(days=29)
    if first > end:
        raise InvalidInput(f"--from {first} is after --as-of {end}")
    with store().begin() as conn:
        result = report(conn, resolve_tenant(conn, tenant), Period(first, end))
    if as_json:
        print(json.dumps({"tenant": tenant, **result}, sort_keys=True))
        return
    _print(result)


def _print(result: dict[str, Any]) -> None:
    columns = [*result["branches"], "total"]
    table = Table("KPI", *columns, box=None, title=f"{result['from']} to {result['to']}")
    sources = {**result["branches"], "total": result["total"]}
    for label, key in ROWS:
        rate = key.endswith("_rate")
        table.add_row(label, *[_cell(sources[c][key], rate=rate) for c in columns])
    for bucket in result["total"]["roll_rates"]:
        table.add_row(
            f"roll rate {bucket}", *[_cell(sources[c]["roll_rates"].get(bucket)) for c in columns]
        )
    for currency in result["total"]["recovered"]:
        table.add_row(
            f"recovered {currency}", *[sources[c]["recovered"].get(currency, "0") for c in columns]
        )
        table.add_row(
            f"liquidation {currency}",
            *[_cell(sources[c]["liquidation_rate"].get(currency)) for c in columns],
        )
    console.print(table)
    if result["templates"]:
        by_template = Table("template", "messages", "complaints", "per 1,000 messages", box=None)
        for name, row in result["templates"].items():
            by_template.add_row(
                name,
                f"{row['messages']:,}",
                f"{row['complaints']:,}",
                _cell(row["complaints_per_1000_messages"], rate=False),
            )
        console.print(by_template)
    if result["agents"]:
        by_agent = Table("agent", "contacts", "complaints", "per 1,000 contacts", box=None)
        for name, row in result["agents"].items():
            by_agent.add_row(
                name,
                f"{row['contacts']:,}",
                f"{row['complaints']:,}",
                _cell(row["complaints_per_1000_contacts"], rate=False),
            )
        console.print(by_agent)


def _cell(value: object, *, rate: bool = True) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1%}" if rate else f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)
