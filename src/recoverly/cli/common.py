"""What every command shares: the console, the store, the tenant option, exit codes."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine

from recoverly.config import get_settings
from recoverly.store.repositories import tenancy
from recoverly.store.session import open_engine

console = Console()
err_console = Console(stderr=True)

EXIT_BAD_INPUT = 2

TenantOption = Annotated[
    str,
    typer.Option(
        "--tenant",
        help="Tenant to work in; created on first use when it is the default one.",
        envvar="RECOVERLY_TENANT",
    ),
]


def store() -> Engine:
    """The engine for ``RECOVERLY_DATABASE_URL``, with its schema migrated."""
    return open_engine(get_settings().database_url)


def resolve_tenant(conn: Connection, name: str) -> int:
    """The tenant's id; the default tenant is created on first use, others must exist."""
    if name == get_settings().default_tenant:
        return tenancy.ensure_tenant(conn, name, datetime.now(UTC))
    return tenancy.tenant_id(conn, name)
