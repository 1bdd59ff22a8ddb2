"""``recoverly model evaluate``: the contract's protocol on real and on messy data, and exit
code 2 naming the column when the target is missing or not binary."""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path

import numpy as np
import pytest

from tests.integration.cli.test_import_cli import cli

REPO = Path(__file__).resolve().parents[3]
TAIWAN = REPO.parent / "shared" / "data" / "uci_credit_card_taiwan" / "UCI_Credit_Card.csv"
TAIWAN_TARGET = "default.payment.next.month"


def evaluate(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    done = cli(f"sqlite:///{tmp_path / 'unused.db'}", "model", "evaluate", *args)
    return done.returncode, done.stdout, done.stderr


@pytest.mark.slow
def test_taiwan_beats_plain_lightgbm_and_reports_both_model_kinds(tmp_path: Path) -> None:
    # ../shared/data/README.md: under this protocol plain LightGBM gets 0.774, plain
    # logistic regression 0.715; issue 6 asks for at least 0.78.
    started = time.perf_counter()
    code, out, err = evaluate(
        tmp_path, "--data", str(TAIWAN), "--target", TAIWAN_TARGET, "--id", "ID", "--json"
    )
    elapsed = time.perf_counter() - started
    assert code == 0, err
    report = json.loads(out)
    assert report["auc"] >= 0.78
    assert {"scorecard", "lightgbm"} <= set(report["models"])
    assert report["models"]["scorecard"]["auc"] > 0.715
    assert report["models"][report["model"]]["auc"] == report["auc"]
    for key in ("ks", "brier"):
        assert 0 < report[key] < 1
    assert report["n_train"] + report["n_test"] + report["excluded_rows"] == 30_000
    assert report["n_test"] == 9_000
    assert elapsed < 60, f"took {elapsed:.0f} s"


def _messy_csv(path: Path, rows: int = 2_000) -> None:
    """A credit table with awkward names, text categories, gaps and an id; the outcome
    depends on two numbers and the region, so a model can learn it."""
    rng = np.random.default_rng(7)
    balance = rng.lognormal(8, 1, rows)
    late = rng.integers(0, 6, rows)
    region = rng.choice(["北部", "South", "East-side", "west"], rows)
    noise = rng.normal(size=rows)
    effect = {"北部": 0.8, "South": -0.5, "East-side": 0.0, "west": 0.3}
    logit = -0.5 + 0.6 * late - 0.4 * (np.log(balance) - 8) + np.vectorize(effect.get)(region)
    target = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(int)
    header = ["customer id", "balance (USD)", "months=late", "地区", "noise x", "target y"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for i in range(rows):
            writer.writerow(
                [
                    f"C{i:05d}",
                    "" if i % 17 == 0 else f"{balance[i]:.2f}",
                    "NA" if i % 23 == 0 else int(late[i]),
                    "" if i % 29 == 0 else region[i],
                    f"{noise[i]:.4f}",
                    target[i],
                ]
            )
        for i, bad in enumerate(["yes", "", "2"]):
            writer.writerow([f"X{i}", "100.0", 1, "west", "0.1", bad])


def test_a_messy_table_evaluates_and_reports_the_rows_left_out(tmp_path: Path) -> None:
    path = tmp_path / "messy credit.csv"
    _messy_csv(path)
    code, out, err = evaluate(
        tmp_path, "--data", str(path), "--target", "target y", "--id", "customer id", "--json"
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["excluded_rows"] == 3
    assert set(report["excluded_values"]) == {"yes", "", "2"}
    assert report["n_train"] + report["n_test"] == 2_000
    assert report["n_rows"] == 2_003
    assert report["auc"] > 0.65
    assert report["models"]["scorecard"]["auc"] > 0.65
    assert report["models"]["lightgbm"]["auc"] > 0.65
    # Without --json a table of both models is printed.
    code, out, err = evaluate(tmp_path, "--data", str(path), "--target", "target y")
    assert code == 0, err
    assert "scorecard" in out
    assert "lightgbm" in out
    assert "3 rows left out" in out


def test_a_target_that_is_not_binary_exits_2_naming_the_column(tmp_path: Path) -> None:
    path = tmp_path / "counts.csv"
    rng = np.random.default_rng(1)
    lines = ["x,number of calls"] + [f"{rng.normal():.3f},{k % 7}" for k in range(200)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = evaluate(tmp_path, "--data", str(path), "--target", "number of calls")
    assert code == 2
    assert out == ""
    assert "'number of calls' is not binary" in err
    assert str(path) in err
    assert "Traceback" not in err


def test_a_missing_target_column_exits_2_naming_it_and_the_file(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,0\n2,1\n", encoding="utf-8")
    code, _, err = evaluate(tmp_path, "--data", str(path), "--target", "defaulted")
    assert code == 2
    assert "target column 'defaulted' not found" in err
    assert str(path) in err


def test_a_missing_id_column_and_a_missing_file_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,y\n1,0\n2,1\n", encoding="utf-8")
    code, _, err = evaluate(tmp_path, "--data", str(path), "--target", "y", "--id", "key")
    assert (code, "id column 'key' not found" in err) == (2, True)
    code, _, err = evaluate(tmp_path, "--data", str(tmp_path / "none.parquet"), "--target", "y")
    assert code == 2
    assert "none.parquet: no such file" in err


def test_too_few_rows_of_one_outcome_exit_2_with_the_counts(tmp_path: Path) -> None:
    path = tmp_path / "rare.csv"
    rows = [f"{k * 0.1:.1f},{int(k < 3)}" for k in range(40)]
    path.write_text("x,bad\n" + "\n".join(rows) + "\n", encoding="utf-8")
    code, _, err = evaluate(tmp_path, "--data", str(path), "--target", "bad")
    assert code == 2
    assert "target column 'bad' has 37 rows of 0 and 3 of 1" in err
