"""What every command shares: the console, the store, the tenant option, exit codes.

Heavy libraries (SQLAlchemy, Polars, FastAPI) are imported inside the commands that need
them, so that ``recoverly --help`` and every command start quickly.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

console = Console()
err_console = Console(stderr=True)

EXIT_BAD_INPUT = 2

# The tenant data commands use when none is named; the only one created on first use.
DEFAULT_TENANT = "default"

TenantOption = Annotated[
    str,
    typer.Option(
        "--tenant",
        help="Tenant to work in; the default one is created on first use.",
        envvar="RECOVERLY_TENANT",
    ),
]


AsOfOption = Annotated[
    datetime | None,
    typer.Option(
        "--as-of",
        formats=["%Y-%m-%d"],
        help="The business day (default: RECOVERLY_BUSINESS_DATE, or else today in UTC).",
    ),
]


def business_day(as_of: datetime | None) -> date:
    """The day ``--as-of`` names, or the configured business date."""
    from recoverly.config import get_settings

    return as_of.date() if as_of else get_settings().today()


def store() -> Engine:
    """The engine for ``RECOVERLY_DATABASE_URL``, with its schema migrated."""
    from recoverly.config import get_settings
    from recoverly.store.session import open_engine

    return open_engine(get_settings().database_url)


def resolve_tenant(conn: Connection, name: str) -> int:
    """The tenant's id; the default tenant is created on first use, others must exist."""
    from datetime import UTC, datetime

    from recoverly.store.repositories import tenancy

    if name == DEFAULT_TENANT:
        return tenancy.ensure_tenant(conn, name, datetime.now(UTC))
    return tenancy.tenant_id(conn, name)


def progress_bar() -> Progress:
    """The bar long commands show on the terminal (and hide when output is piped)."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    )
