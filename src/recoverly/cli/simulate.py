"""``recoverly simulate``: synthetic data for demos, tests, benchmarks and the digital twin.

The generator (numpy, Polars, Faker) is imported inside the command, so that it costs
nothing to the other commands and to ``recoverly --help``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from recoverly.cli.common import console, progress_bar
from recoverly.domain.errors import InvalidInput

app = typer.Typer(
    help="Generate synthetic data: realistic portfolios with no real person in them.",
    no_args_is_help=True,
)


@app.callback()
def simulate() -> None:
    """Keep ``simulate`` a command group even while it has a single command."""


@app.command(
    "portfolio",
    help=(
        "Write a synthetic portfolio of debtors in 15 markets, and their behaviour profile.\n\n"
        "Names, addresses, mobile numbers, national IDs, balances and arrears are realistic "
        "for each market; emails use reserved example domains, so nothing can ever be "
        "delivered to a real person. The behaviour profile (willingness, capacity, preferred "
        "channel, contactability per debtor) drives the simulator; never import it."
    ),
)
def portfolio(
    accounts: Annotated[
        int, typer.Option("--accounts", help="Number of accounts (rows) to generate.")
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Portfolio CSV to write (the Portfolio CSV contract).")
    ],
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed; the same seed gives identical files.")
    ] = 0,
    behaviour_out: Annotated[
        Path | None,
        typer.Option(
            "--behaviour-out",
            help="Behaviour profile CSV, one row per debtor (default: OUT with the suffix "
            ".behaviour.csv).",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Date the arrears are counted to, YYYY-MM-DD (default: 2026-03-09, the "
            "demo's business date; import the file with the same --as-of).",
        ),
    ] = None,
) -> None:
    """Write a synthetic portfolio and its behaviour profile, with a progress bar."""
    from recoverly.simulate.portfolio import AS_OF, PortfolioSpec, write_portfolio

    try:
        day = date.fromisoformat(as_of) if as_of is not None else AS_OF
    except ValueError:
        raise InvalidInput(f"--as-of must be a date such as 2026-03-09; got {as_of!r}") from None
    if accounts < 1:
        raise InvalidInput(f"--accounts must be at least 1; got {accounts}")
    if seed < 0:
        raise InvalidInput(f"--seed must be a non-negative integer; got {seed}")
    spec = PortfolioSpec(accounts=accounts, seed=seed, as_of=day)
    with progress_bar() as progress:
        task = progress.add_task("writing accounts", total=accounts)
        summary = write_portfolio(
            spec, out, behaviour_out, on_progress=lambda rows: progress.advance(task, rows)
        )
    console.print(
        f"wrote {summary.accounts:,} accounts of {summary.debtors:,} debtors to "
        f"{summary.portfolio_path} (behaviour profile: {summary.behaviour_path})",
        highlight=False,
        soft_wrap=True,
    )


@app.command(
    "outcomes",
    help=(
        "Play a day's exported plan against the debtors' hidden behaviour: write what each "
        "contact came to, and the payments (and promises) that followed.\n\n"
        "CONTACTS is the plan's rows with an added outcome column, for `recoverly import "
        "contacts`; PAYMENTS is in the Payments CSV contract, for `recoverly import "
        "payments`; PROMISES (optional) has one row per promise to pay. The same inputs and "
        "seed give the same bytes."
    ),
)
def outcomes(
    plan: Annotated[
        Path, typer.Option("--plan", help="The day's plan, as `recoverly plan export` wrote it.")
    ],
    behaviour: Annotated[
        Path,
        typer.Option(
            "--behaviour", help="The behaviour profile `simulate portfolio` wrote beside it."
        ),
    ],
    portfolio: Annotated[
        Path, typer.Option("--portfolio", help="The portfolio CSV (for balances and currencies).")
    ],
    contacts_out: Annotated[
        Path, typer.Option("--contacts-out", help="Executed contacts CSV to write.")
    ],
    payments_out: Annotated[Path, typer.Option("--payments-out", help="Payments CSV to write.")],
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed; the same seed gives identical files.")
    ] = 0,
    promises_out: Annotated[
        Path | None, typer.Option("--promises-out", help="Promises to pay CSV to write.")
    ] = None,
) -> None:
    """Write the outcomes of a day's plan and say what they came to in one line."""
    from recoverly.simulate.outcomes import write_outcomes

    if not 0 <= seed < 2**64:
        raise InvalidInput(f"--seed must be an integer from 0 to 2**64 - 1; got {seed}")
    summary = write_outcomes(
        plan, behaviour, portfolio, seed, contacts_out, payments_out, promises_out
    )
    line = (
        f"wrote {summary.contacts:,} contacts ({summary.right_party:,} right-party) to "
        f"{contacts_out} and {summary.payments:,} payments to {payments_out}"
    )
    if promises_out is not None:
        line += f"; {summary.promises:,} promises to {promises_out}"
    console.print(line, highlight=False, soft_wrap=True)
