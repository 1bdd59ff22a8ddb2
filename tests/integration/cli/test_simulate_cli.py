"""``recoverly simulate portfolio``: the files it writes, its refusals, and the import after it.

The README's first steps are ``recoverly simulate portfolio`` then ``recoverly import
portfolio``; these tests run the real entry point and hold the two commands together.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from recoverly.cli.main import run
from recoverly.simulate.portfolio import PortfolioSpec, write_portfolio
from recoverly.store.repositories import tenancy


def test_the_command_writes_what_the_library_writes_and_says_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = write_portfolio(
        PortfolioSpec(accounts=400, seed=11, as_of=date(2026, 1, 31)), tmp_path / "lib.csv"
    )
    out = tmp_path / "cli.csv"
    argv = ["recoverly", "simulate", "portfolio", "--accounts", "400", "--seed", "11",
            "--as-of", "2026-01-31", "--out", str(out)]  # fmt: skip
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_:
        run()
    assert exit_.value.code == 0
    assert capsys.readouterr().out.splitlines() == [
        f"wrote 400 accounts of {expected.debtors} debtors to {out} "
        f"(behaviour profile: {tmp_path / 'cli.behaviour.csv'})"
    ]
    assert out.read_bytes() == expected.portfolio_path.read_bytes()
    assert (tmp_path / "cli.behaviour.csv").read_bytes() == expected.behaviour_path.read_bytes()


def test_the_behaviour_profile_goes_where_it_is_asked_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, hidden = tmp_path / "p.csv", tmp_path / "hidden" / "b.csv"
    hidden.parent.mkdir()
    (tmp_path / "lib").mkdir()
    argv = ["recoverly", "simulate", "portfolio", "--accounts", "30", "--seed", "11",
            "--out", str(out), "--behaviour-out", str(hidden)]  # fmt: skip
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_:
        run()
    assert exit_.value.code == 0
    assert not (tmp_path / "p.behaviour.csv").exists()
    expected = write_portfolio(PortfolioSpec(accounts=30, seed=11), tmp_path / "lib" / "p.csv")
    assert out.read_bytes() == expected.portfolio_path.read_bytes()  # the default as-of date
    assert hidden.read_bytes() == expected.behaviour_path.read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--accounts", "0"], "--accounts must be at least 1; got 0"),
        (["--accounts", "5", "--seed", "-3"], "--seed must be a non-negative integer; got -3"),
        (["--accounts", "5", "--as-of", "2026-02-30"], "--as-of must be a date such as"),
        (["--accounts", "5", "--out", "{tmp}/missing/p.csv"], "cannot write {tmp}/missing/p.csv"),
        (["--accounts", "5", "--out", "{tmp}"], "cannot write {tmp}: it is a directory"),
    ],
)
def test_bad_input_is_a_clear_message_and_exit_code_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    args = [a.format(tmp=tmp_path) for a in args]
    if "--out" not in args:
        args += ["--out", str(tmp_path / "p.csv")]
    monkeypatch.setattr(sys, "argv", ["recoverly", "simulate", "portfolio", *args])
    with pytest.raises(SystemExit) as exit_:
        run()
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "".join(message.format(tmp=tmp_path).split()) in "".join(err.split())  # wrapped
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_generated_portfolio_imports_without_a_single_finding(
    engine: Engine, tmp_path: Path
) -> None:
    from recoverly.ingest.service import import_portfolio

    as_of = date(2026, 3, 9)
    summary = write_portfolio(
        PortfolioSpec(accounts=1500, seed=11, as_of=as_of), tmp_path / "p.csv"
    )
    with engine.begin() as conn:
        tenant = tenancy.create_tenant(conn, "sim", datetime.now(UTC))
    report = import_portfolio(engine, tenant, summary.portfolio_path, as_of)
    assert report.findings == []
    assert (report.rows_read, report.rows_imported) == (1500, 1500)
