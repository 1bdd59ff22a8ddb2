"""``recoverly demo``: a working Recoverly on a laptop in one command.

It builds (or refreshes) the database named by RECOVERLY_DATABASE_URL with a synthetic
portfolio, the demo's log-in users and an API token, and prints what to do next. Running
it again re-imports the same portfolio in place (nothing is duplicated) and keeps users.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from recoverly.cli.common import DEFAULT_TENANT, console, progress_bar, resolve_tenant, store

if TYPE_CHECKING:
    from sqlalchemy import Engine

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
    days: Annotated[
        int,
        typer.Option("--days", min=0, help="Days of the collection cycle to simulate (0: none)."),
    ] = 3,
) -> None:
    """Build a demo database: synthetic portfolio, users, a token, and a few days of the
    collection cycle (plan, send, outcomes, payments); then: recoverly serve."""
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
    if days:
        _cycle(engine, tenant_id, AS_OF, days, workdir, portfolio, seed)
        with engine.connect() as conn:
            counts = status.counts(conn, tenant_id)
    console.print(
        f"Demo database ready: {counts['debtors']:,} debtors, {counts['accounts']:,} accounts, "
        f"{counts['cases']:,} cases, {counts['contacts']:,} contacts, "
        f"{counts['payments']:,} payments (business date {AS_OF}).",
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


def _cycle(
    engine: Engine,
    tenant_id: int,
    first: date,
    days: int,
    workdir: Path,
    portfolio: Path,
    seed: int,
) -> None:
    """Simulate ``days`` days of collection and print each day (and what the desk, the
    debtors' texts and complaints, and the staff did) and the KPIs after."""
    from rich.table import Table

    from recoverly.analytics.kpis import Period, report
    from recoverly.cli.cycle import DayResult, run_cycle
    from recoverly.simulate.portfolio import behaviour_path_for

    table = Table(
        "day",
        "planned",
        "blocked",
        "sent",
        "failed",
        "postponed",
        "contacts",
        "paid",
        box=None,
        title="Collection cycle",
    )
    staff = Table(
        "day",
        "calls",
        "refused",
        "STOP",
        "START",
        "complaints",
        "answered",
        "closed",
        "disputes",
        box=None,
        title="Desk, texts back, complaints and back office",
        caption="calls placed by the agent at the desk and refused by the rules; "
        "complaints received, answered, closed; disputes resolved",
    )

    def show(result: DayResult) -> None:
        outcomes = result.sent["outcomes"]
        table.add_row(
            str(result.day),
            f"{sum(result.planned.values()):,}",
            f"{result.blocked:,}",
            f"{outcomes.get('sent', 0):,}",
            f"{outcomes.get('failed', 0):,}",
            f"{outcomes.get('postponed', 0):,}",
            f"{result.outcomes['contacts']:,}",
            f"{result.outcomes['payments']:,}",
        )
        done = result.activity
        staff.add_row(
            str(result.day),
            *(
                f"{done.get(k, 0):,}"
                for k in (
                    "calls_placed",
                    "calls_refused",
                    "stops",
                    "starts",
                    "complaints",
                    "complaints_answered",
                    "complaints_closed",
                    "disputes_resolved",
                )
            ),
        )

    with progress_bar() as bar:
        task = bar.add_task("simulating the collection cycle", total=days)

        def advance(result: DayResult) -> None:
            show(result)
            bar.advance(task)

        run_cycle(
            engine,
            tenant_id,
            first,
            days,
            workdir,
            portfolio,
            behaviour_path_for(portfolio),
            seed,
            on_day=advance,
        )
    console.print(table)
    console.print(staff)
    last = first + timedelta(days=days - 1)
    with engine.connect() as conn:
        kpis = report(conn, tenant_id, Period(first, last))["total"]
    rate = kpis["right_party_contact_rate"]
    kept = kpis["promise_kept_rate"]
    console.print(
        f"KPIs {first} to {last}: {kpis['contacts']:,} contacts, right-party contact rate "
        f"{'–' if rate is None else f'{rate:.1%}'}, {kpis['promises']:,} promises "
        f"(kept {'–' if kept is None else f'{kept:.1%}'}), recovered "
        + ", ".join(f"{v} {c}" for c, v in list(kpis["recovered"].items())[:4])
        + (" …" if len(kpis["recovered"]) > 4 else "")
        + "; full report: recoverly report kpis",
        highlight=False,
        soft_wrap=True,
    )
