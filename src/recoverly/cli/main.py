"""The ``recoverly`` command line: the entry point of every user-facing workflow."""

from __future__ import annotations

import typer

from recoverly.cli import (
    access,
    compliance,
    daily,
    db,
    demo,
    dispatch,
    evidence,
    imports,
    model,
    plan,
    privacy,
    report,
    serve,
    simulate,
    status,
    strategy,
    templates,
)
from recoverly.cli.common import EXIT_BAD_INPUT, err_console
from recoverly.domain.errors import RecoverlyError

app = typer.Typer(
    name="recoverly",
    help=(
        "Recoverly: collections and recovery, lawfully and transparently.\n\n"
        "New here? [bold]recoverly demo[/bold] builds a database with a synthetic "
        "portfolio, then [bold]recoverly serve[/bold] serves it. With your own data: "
        "[bold]recoverly import portfolio FILE[/bold], then [bold]recoverly status[/bold]. "
        "The database is RECOVERLY_DATABASE_URL (default sqlite:///./recoverly.db)."
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("demo")(demo.demo)
app.add_typer(simulate.app, name="simulate")
app.add_typer(imports.app, name="import")
app.command("status")(status.status)
app.add_typer(strategy.app, name="strategy")
app.command("run")(daily.run)
app.add_typer(plan.app, name="plan")
app.command("dispatch")(dispatch.dispatch)
app.add_typer(compliance.app, name="compliance")
app.add_typer(privacy.app, name="privacy")
app.add_typer(evidence.app, name="evidence")
app.add_typer(model.app, name="model")
app.add_typer(report.app, name="report")
app.add_typer(templates.app, name="templates")
app.command("serve")(serve.serve)
app.add_typer(access.tenant_app, name="tenant")
app.add_typer(access.user_app, name="user")
app.add_typer(access.token_app, name="token")
app.add_typer(db.app, name="db")


def run() -> None:
    """Entry point: refusals become a clear message and exit code 2, never a traceback."""
    try:
        app()
    except RecoverlyError as exc:
        err_console.print(f"[red]error:[/red] {exc.message}", highlight=False, soft_wrap=True)
        raise SystemExit(EXIT_BAD_INPUT) from None
