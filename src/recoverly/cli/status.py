"""``recoverly status``: what the database holds for a tenant."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from recoverly.cli.common import DEFAULT_TENANT, TenantOption, console, resolve_tenant, store


def status(
    tenant: TenantOption = DEFAULT_TENANT,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object of counts.")
    ] = False,
) -> None:
    """Counts of debtors, accounts, cases, payments, contacts and more, for one tenant."""
    from recoverly.store.repositories import status as repo
    from recoverly.store.session import current_revision

    engine = store()
    with engine.begin() as conn:
        tenant_id = resolve_tenant(conn, tenant)
        counts = repo.counts(conn, tenant_id)
        stages = repo.open_cases_by_stage(conn, tenant_id)
    if as_json:
        print(json.dumps({**counts, "tenant": tenant, "cases_by_stage": stages}, sort_keys=True))
        return
    table = Table(title=f"Recoverly — tenant {tenant} (schema {current_revision(engine)})")
    table.add_column("what")
    table.add_column("count", justify="right")
    for name, n in counts.items():
        table.add_row(name, f"{n:,}")
    for stage, n in sorted(stages.items()):
        table.add_row(f"  open cases at stage {stage}", f"{n:,}")
    console.print(table)
