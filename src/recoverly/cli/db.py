"""``recoverly db``: schema management."""

from __future__ import annotations

from typing import Annotated

import typer

from recoverly.cli.common import console, store

app = typer.Typer(help="Create or migrate the database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade() -> None:
    """Bring the database named by RECOVERLY_DATABASE_URL to the latest schema."""
    from recoverly.store.session import current_revision

    engine = store()
    console.print(f"schema at revision {current_revision(engine)}")


@app.command("check")
def check(
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Verify the references the schema leaves to the application (exit 1 on a break)."""
    import json

    from recoverly.store.repositories.integrity import orphans

    with store().connect() as conn:
        found = orphans(conn)
    if as_json:
        print(json.dumps(found, sort_keys=True))
    else:
        for reference, count in found.items():
            mark = "ok" if count == 0 else f"[red]{count:,} rows name nothing[/red]"
            console.print(f"{reference}: {mark}", highlight=False)
    if any(found.values()):
        raise typer.Exit(1)
