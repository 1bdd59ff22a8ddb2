"""``recoverly model``: evaluate repayment-propensity models on any tabular file.

Exit codes: 0 when the evaluation ran, 2 for bad input (a missing or unreadable file, a
column that is not there, a target that is not binary), naming what and where.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from recoverly.cli.common import console, err_console

app = typer.Typer(
    help="Repayment-propensity models: evaluate a scorecard and LightGBM on your data.",
    no_args_is_help=True,
)


def _table(report: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(title=f"Test part: {report['n_test']:,} rows (trained on {report['n_train']:,})")
    for heading in ("model", "AUC", "KS", "Brier", "validation AUC"):
        table.add_column(heading, justify="left" if heading == "model" else "right")
    for name, metrics in report["models"].items():
        mark = " (chosen)" if name == report["model"] else ""
        table.add_row(
            f"{name}{mark}",
            f"{metrics['auc']:.4f}",
            f"{metrics['ks']:.4f}",
            f"{metrics['brier']:.4f}",
            f"{metrics['validation_auc']:.4f}",
        )
    console.print(table)
    if report["excluded_rows"]:
        shown = ", ".join(repr(v) for v in report["excluded_values"])
        console.print(f"{report['excluded_rows']:,} rows left out: target not 0/1 (e.g. {shown})")
    if report["dropped_columns"]:
        console.print(
            "columns left out (identifiers or constant): " + ", ".join(report["dropped_columns"])
        )


@app.command("evaluate")
def evaluate(
    data: Annotated[Path, typer.Option("--data", help="A CSV or Parquet file, one row each.")],
    target: Annotated[str, typer.Option("--target", help="The 0/1 outcome column.")],
    id_column: Annotated[
        str | None, typer.Option("--id", help="A row identifier column, left out of features.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Train a scorecard and LightGBM on a stratified 70 % of the rows (seed 0) and report
    AUC, KS and Brier on the other 30 %.

    Categorical and missing values need no preprocessing. Rows whose target is not 0/1
    are left out and counted; a target that is not binary at all exits with code 2.
    """
    from recoverly.scoring.evaluate import evaluate as run_protocol
    from recoverly.scoring.frame import prepare, read_table

    table = prepare(read_table(data), target, id_column, str(data))
    err_console.print(
        f"{data}: {table.n_rows:,} rows, {len(table.columns)} features, "
        f"{table.excluded_rows:,} rows left out (target not 0/1)",
        highlight=False,
    )
    report = run_protocol(table, progress=lambda m: err_console.print(m, highlight=False))
    report = {"data": str(data), "target": target, **report}
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        _table(report)
