"""One synthetic portfolio for every test of the generator, read back from its files.

The 5,000-account portfolio is generated once per test session and read back from its
CSVs, because the files are the contract: the importer, the simulator and the demo only
ever see the files. Each test module checks what one module of ``recoverly.simulate``
makes: places, names, contacts, national IDs, accounts, the behaviour profile.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from recoverly.simulate.portfolio import PortfolioSpec, write_portfolio


@pytest.fixture(scope="session")
def as_of() -> date:
    return date(2026, 3, 9)


@pytest.fixture(scope="session")
def files(tmp_path_factory: pytest.TempPathFactory, as_of: date) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("portfolio") / "p.csv"
    summary = write_portfolio(PortfolioSpec(accounts=5000, seed=11, as_of=as_of), out)
    assert summary.behaviour_path == out.parent / "p.behaviour.csv"
    return summary.portfolio_path, summary.behaviour_path


@pytest.fixture(scope="session")
def rows(files: tuple[Path, Path]) -> pl.DataFrame:
    """One row per account, every field as the text the file holds."""
    return pl.read_csv(files[0], infer_schema=False)


@pytest.fixture(scope="session")
def debtors(rows: pl.DataFrame) -> pl.DataFrame:
    """The first account row of each debtor: the debtor's own fields."""
    return rows.unique("debtor_id", keep="first", maintain_order=True)


@pytest.fixture(scope="session")
def behaviour(files: tuple[Path, Path]) -> pl.DataFrame:
    return pl.read_csv(files[1])
