"""The portfolio as a whole: its shape, reproducibility, and refusals of bad requests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from recoverly.domain.errors import InvalidInput
from recoverly.simulate import portfolio
from recoverly.simulate.portfolio import (
    PORTFOLIO_COLUMNS,
    PortfolioSpec,
    behaviour_path_for,
    write_portfolio,
)

DEBTOR_COLUMNS = PORTFOLIO_COLUMNS[1:12]  # debtor_id .. address


class TestShape:
    def test_the_header_is_the_contract_and_every_account_has_a_row(
        self, files: tuple[Path, Path], rows: pl.DataFrame
    ) -> None:
        header = files[0].read_text(encoding="utf-8").split("\n", 1)[0]
        assert header == ",".join(PORTFOLIO_COLUMNS)
        assert rows.height == 5000
        assert rows["account_id"].to_list() == [f"A{i:07d}" for i in range(1, 5001)]

    def test_every_field_is_one_line(self, rows: pl.DataFrame) -> None:
        multiline = rows.select(pl.any_horizontal(pl.all().str.contains("\n"))).to_series()
        assert not multiline.any()

    def test_fields_that_every_row_has_are_filled(self, rows: pl.DataFrame) -> None:
        always = [c for c in PORTFOLIO_COLUMNS if c not in {
            "region", "email", "original_amount", "credit_limit", "last_payment_date",
            "last_payment_amount"}]  # fmt: skip
        assert rows.select(pl.col(always).null_count()).row(0) == (0,) * len(always)

    def test_debtors_own_one_to_three_consecutive_accounts_with_the_same_details(
        self, rows: pl.DataFrame, debtors: pl.DataFrame
    ) -> None:
        per = rows.group_by("debtor_id").agg(
            pl.len().alias("n"), *(pl.col(c).n_unique().alias(c) for c in DEBTOR_COLUMNS[1:])
        )
        assert (per["n"].min(), per["n"].max()) == (1, 3)
        assert per.filter(pl.col("n") > 1).height > 500
        assert all(per[c].max() == 1 for c in DEBTOR_COLUMNS[1:])
        assert debtors["debtor_id"].to_list() == [f"D{i:07d}" for i in range(1, debtors.height + 1)]


class TestReproducibility:
    def test_the_same_seed_gives_byte_identical_files_and_another_seed_does_not(
        self, tmp_path: Path
    ) -> None:
        def make(name: str, seed: int) -> tuple[bytes, bytes]:
            out = tmp_path / f"{name}.csv"
            write_portfolio(PortfolioSpec(accounts=1200, seed=seed, chunk_rows=500), out)
            return out.read_bytes(), behaviour_path_for(out).read_bytes()

        first, again, other = make("a", 11), make("b", 11), make("c", 12)
        assert first == again
        assert first[0] != other[0]
        assert first[1] != other[1]

    def test_a_fresh_process_with_another_hash_seed_writes_the_same_bytes(
        self, tmp_path: Path
    ) -> None:
        here = write_portfolio(PortfolioSpec(accounts=300, seed=11), tmp_path / "here.csv")
        script = (
            "import sys; from pathlib import Path;"
            "from recoverly.simulate.portfolio import PortfolioSpec, write_portfolio;"
            "write_portfolio(PortfolioSpec(accounts=300, seed=11), Path(sys.argv[1]))"
        )
        env = {**os.environ, "PYTHONHASHSEED": "4242"}
        there = tmp_path / "there.csv"
        subprocess.run([sys.executable, "-c", script, there], check=True, env=env, timeout=120)
        assert there.read_bytes() == here.portfolio_path.read_bytes()
        assert behaviour_path_for(there).read_bytes() == here.behaviour_path.read_bytes()

    def test_chunks_hold_whole_debtors_and_add_up_to_the_accounts_asked_for(self) -> None:
        chunks = list(portfolio.generate(PortfolioSpec(accounts=1234, seed=11, chunk_rows=300)))
        assert [c.accounts.height for c in chunks] == [300, 300, 300, 300, 34]
        for chunk in chunks:
            assert chunk.behaviour["debtor_id"].to_list() == chunk.accounts["debtor_id"].unique(
                maintain_order=True).to_list()  # fmt: skip


class TestRefusals:
    @pytest.mark.parametrize(("field", "value"), [("accounts", 0), ("seed", -1), ("chunk_rows", 0)])
    def test_bad_numbers_are_refused_with_what_was_given(self, field: str, value: int) -> None:
        given = {"accounts": 10, "seed": 0, "chunk_rows": 100, field: value}
        with pytest.raises(InvalidInput, match=f"got {value}"):
            PortfolioSpec(given["accounts"], given["seed"], chunk_rows=given["chunk_rows"])

    def test_an_unwritable_path_is_refused_and_nothing_is_left_behind(self, tmp_path: Path) -> None:
        with pytest.raises(InvalidInput, match="cannot write"):
            write_portfolio(PortfolioSpec(accounts=10), tmp_path / "missing" / "p.csv")
        with pytest.raises(InvalidInput, match="is a directory"):
            write_portfolio(PortfolioSpec(accounts=10), tmp_path)
        with pytest.raises(InvalidInput, match="cannot write"):
            write_portfolio(PortfolioSpec(accounts=10), tmp_path / "p.csv", tmp_path / "no" / "b")
        with pytest.raises(InvalidInput, match="both go to"):
            write_portfolio(PortfolioSpec(accounts=10), tmp_path / "p.csv", tmp_path / "p.csv")
        assert list(tmp_path.iterdir()) == []

    def test_a_failure_midway_leaves_no_file(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        real = portfolio.generate

        def failing(spec: PortfolioSpec):  # type: ignore[no-untyped-def]
            yield next(real(spec))
            raise KeyboardInterrupt

        monkeypatch.setattr(portfolio, "generate", failing)
        with pytest.raises(KeyboardInterrupt):
            write_portfolio(PortfolioSpec(accounts=100, seed=11, chunk_rows=50), tmp_path / "p.csv")
        assert list(tmp_path.iterdir()) == []
