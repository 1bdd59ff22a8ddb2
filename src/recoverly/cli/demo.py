"""``recoverly demo``: a working Recoverly on a laptop in one command.

It builds (or refreshes) the database named by RECOVERLY_DATABASE_URL with a synthetic
portfolio, the demo's log-in users and an API token, and prints what to do next. Running
it again re-imports the same portfolio in place (nothing is duplicated) and keeps users.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from recoverly.cli.common import DEFAULT_TENANT, console, progress_bar, resolve_tenant, store

# The demo's users, named in the README; for a laptop only.
DEMO_USERS = (
    ("admin", "admin", "recoverly-admin"),
    ("supervisor", "supervisor", "recoverly-supervisor"),
    ("agent", "agent", "recoverly-agent"),
)


def demo(
    accounts: Annotated[
        int, typer.Option("--accounts", min=1, help="Accounts to generate.")
    ] = 5000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Random seed of the portfolio.")] = 1,
    workdir: Annotated[
        Path, typer.Option("--workdir", help="Where the generated files are kept.")
    ] = Path(".demo"),
) -> None:
    """Build a demo database: synthetic portfolio, users and a token (then: recoverly serve)."""
    from datetime import UTC, datetime

    from argon2 import PasswordHasher

    from recoverly.domain.roles import Role
    from recoverly.ingest.service import import_portfolio
    from recoverly.simulate.portfolio import AS_OF, PortfolioSpec, write_portfolio
    from recoverly.store.repositories import status, tenancy

    workdir.mkdir(parents=True, exist_ok=True)
    portfolio = workdir / "portfolio.csv"
    engine = store()
    with progress_bar() as bar:
        task = bar.add_task("generating portfolio", total=accounts)
        write_portfolio(
            PortfolioSpec(accounts=accounts, seed=seed, as_of=AS_OF),
            portfolio,
            on_progress=lambda n: bar.advance(task, n),
        )
        with engine.begin() as conn:
            tenant_id = resolve_tenant(conn, DEFAULT_TENANT)
        task = bar.add_task("importing portfolio", total=accounts)
        report = import_portfolio(
            engine, tenant_id, portfolio, AS_OF, progress=lambda n, _total: bar.advance(task, n)
        )
    if not report.committed:
        for finding in report.findings[:20]:
            console.print(finding.render(), highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    hasher = PasswordHasher()
    now = datetime.now(UTC)
    with engine.begin() as conn:
        for username, role, password in DEMO_USERS:
            if tenancy.user_credentials(conn, tenant_id, username) is None:
                tenancy.create_user(
                    conn, tenant_id, username, hasher.hash(password), Role(role), now
                )
        token = tenancy.create_token(conn, tenant_id, Role.ADMIN, "demo", now)
        counts = status.counts(conn, tenant_id)
    console.print(
        f"Demo database ready: {counts['debtors']:,} debtors, {counts['accounts']:,} accounts, "
        f"{counts['cases']:,} cases (business date {AS_OF}).",
        highlight=False,
        soft_wrap=True,
    )
    for username, role, password in DEMO_USERS:
        console.print(f"  log-in {username} / {password}  ({role})", highlight=False)
    console.print(f"  API token (admin): {token}", highlight=False, soft_wrap=True)
    console.print(
        f"Next: RECOVERLY_BUSINESS_DATE={AS_OF} recoverly serve (so that arrears are "
        "counted to the portfolio's date), then open http://127.0.0.1:8000/docs or: "
        f'curl -H "Authorization: Bearer {token}" http://127.0.0.1:8000/api/v1/cases',
        highlight=False,
        soft_wrap=True,
    )
