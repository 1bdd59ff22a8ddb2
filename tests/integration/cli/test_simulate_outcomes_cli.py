"""``recoverly simulate outcomes`` drives a day from files: portfolio, run, plan, outcomes,
and the contacts and payments imported back, all through the real command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl

RECOVERLY = Path(sys.executable).parent / "recoverly"
DAY = "2026-03-09"


def cli(url: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, RECOVERLY_DATABASE_URL=url, COLUMNS="200")
    return subprocess.run(
        [str(RECOVERLY), *map(str, args)], env=env, capture_output=True, text=True, timeout=300
    )


def ok(url: str, *args: str | Path) -> str:
    done = cli(url, *args)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


def test_a_day_of_outcomes_goes_back_in_as_contacts_and_payments(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    p, plan = tmp_path / "p.csv", tmp_path / "plan.csv"
    contacts, payments, promises = (tmp_path / f"{n}.csv" for n in ("c", "pay", "ptp"))
    ok(url, "simulate", "portfolio", "--accounts", "300", "--seed", "1", "--out", p)
    ok(url, "import", "portfolio", p, "--as-of", DAY)
    ok(url, "run", "--as-of", DAY)
    ok(url, "plan", "export", "--as-of", DAY, "--out", plan)
    planned = pl.read_csv(plan, infer_schema=False).height
    assert planned > 100

    twin = ["simulate", "outcomes", "--plan", plan, "--behaviour", tmp_path / "p.behaviour.csv",
            "--portfolio", p, "--seed", "5", "--contacts-out", contacts,
            "--payments-out", payments, "--promises-out", promises]  # fmt: skip
    said = ok(url, *twin)
    paid = pl.read_csv(payments, infer_schema=False).height
    promised = pl.read_csv(promises, infer_schema=False).height
    assert said.startswith(f"wrote {planned} contacts (")
    assert f"and {paid} payments to {payments}; {promised} promises to {promises}" in said
    assert paid > 0
    first = [f.read_bytes() for f in (contacts, payments, promises)]
    ok(url, *twin)
    assert [f.read_bytes() for f in (contacts, payments, promises)] == first

    assert f"imported {planned} of {planned} rows" in ok(url, "import", "contacts", contacts)
    assert f"imported {paid} of {paid} rows" in ok(url, "import", "payments", payments)
    status = json.loads(ok(url, "status", "--json"))
    assert (status["contacts"], status["payments"]) == (planned, paid)


def test_bad_input_exits_2_naming_the_file_and_the_problem(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    p, plan = tmp_path / "p.csv", tmp_path / "plan.csv"
    ok(url, "simulate", "portfolio", "--accounts", "20", "--seed", "1", "--out", p)
    pl.DataFrame(
        {"plan_id": ["P1"], "debtor_id": ["D9999999"], "account_id": [None],
         "channel": ["sms"], "scheduled_at": ["2026-03-09T10:00:00Z"]},
        schema_overrides={"account_id": pl.String},
    ).write_csv(plan)  # fmt: skip
    done = cli(url, "simulate", "outcomes", "--plan", plan,
               "--behaviour", tmp_path / "p.behaviour.csv", "--portfolio", p,
               "--contacts-out", tmp_path / "c.csv", "--payments-out", tmp_path / "pay.csv")  # fmt: skip
    assert done.returncode == 2
    message = " ".join(done.stderr.split())
    assert f"{plan}: 1 row(s) name a debtor absent from {tmp_path / 'p.behaviour.csv'}" in message
    assert 'line 2 ("D9999999")' in message
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "c.csv").exists()
