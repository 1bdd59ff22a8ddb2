"""``recoverly strategy``: check and show strategies before they run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from recoverly.cli.common import (
    DEFAULT_TENANT,
    EXIT_BAD_INPUT,
    TenantOption,
    console,
    err_console,
    resolve_tenant,
    store,
)

app = typer.Typer(help="Check and show strategies (YAML).", no_args_is_help=True)


@app.command("validate")
def validate(file: Annotated[Path, typer.Argument(help="Strategy YAML file.")]) -> None:
    """Check a strategy; problems print as FILE:LINE:COLUMN: reason (exit code 2)."""
    from recoverly.domain.errors import InvalidInput
    from recoverly.strategy.loader import StrategyInvalid, load

    if not file.is_file():
        raise InvalidInput(f"{file}: no such file")
    try:
        strategy = load(file)
    except StrategyInvalid as exc:
        for finding in exc.findings:
            print(finding.render())
        err_console.print(
            f"[red]invalid strategy:[/red] {len(exc.findings)} problem(s)", highlight=False
        )
        raise typer.Exit(EXIT_BAD_INPUT) from None
    branches = ", ".join(f"{b.name} {b.weight}%" for b in strategy.branches)
    console.print(
        f"strategy {strategy.name} v{strategy.version}: {len(strategy.segments)} segments; "
        f"branches {branches}",
        highlight=False,
        soft_wrap=True,
    )


@app.command("default")
def default() -> None:
    """Print the documented default strategy, to copy and adapt."""
    from recoverly.strategy.loader import default_text

    print(default_text(), end="")


@app.command("publish")
def publish(
    file: Annotated[Path, typer.Argument(help="Strategy YAML file.")],
    tenant: TenantOption = DEFAULT_TENANT,
) -> None:
    """Store a validated strategy as an immutable version (re-publishing the same is a no-op)."""
    from datetime import UTC, datetime

    from recoverly.domain.errors import InvalidInput
    from recoverly.strategy import service
    from recoverly.strategy.loader import StrategyInvalid

    if not file.is_file():
        raise InvalidInput(f"{file}: no such file")
    with store().begin() as conn:
        tenant_id = resolve_tenant(conn, tenant)
        try:
            published, new = service.publish(
                conn, tenant_id, file.read_text(encoding="utf-8"), str(file), datetime.now(UTC)
            )
        except StrategyInvalid as exc:
            for finding in exc.findings:
                print(finding.render())
            raise typer.Exit(EXIT_BAD_INPUT) from None
    state = "published" if new else "already published"
    console.print(
        f"{state}: strategy {published.name} v{published.version} ({published.sha256[:12]})",
        highlight=False,
    )


@app.command("list")
def list_strategies(tenant: TenantOption = DEFAULT_TENANT) -> None:
    """The tenant's published strategies, every version."""
    from recoverly.store.repositories import strategies as repo

    with store().begin() as conn:
        for item in repo.listing(conn, resolve_tenant(conn, tenant)):
            console.print(
                f"{item.name} v{item.version}  {item.published_at:%Y-%m-%d %H:%M} UTC  "
                f"{item.sha256[:12]}",
                highlight=False,
            )
