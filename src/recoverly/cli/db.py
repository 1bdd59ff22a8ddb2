"""``recoverly db``: schema management."""

from __future__ import annotations

import typer

from recoverly.cli.common import console, store

app = typer.Typer(help="Create or migrate the database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade() -> None:
    """Bring the database named by RECOVERLY_DATABASE_URL to the latest schema."""
    from recoverly.store.session import current_revision

    engine = store()
    console.print(f"schema at revision {current_revision(engine)}")
