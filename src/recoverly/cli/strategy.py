"""``recoverly strategy``: check and show strategies before they run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from recoverly.cli.common import EXIT_BAD_INPUT, console, err_console

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
