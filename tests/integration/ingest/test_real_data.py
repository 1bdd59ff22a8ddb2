"""The worked example of the README, on IBM's real receivables ledger."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from recoverly.ingest.service import import_portfolio
from recoverly.store.tables import accounts, debtors
from tests.conftest import REPO, SHARED_DATA

IBM = SHARED_DATA / "ibm_accounts_receivable" / "WA_Fn-UseC_-Accounts-Receivable.csv"
pytestmark = pytest.mark.skipif(not IBM.exists(), reason=f"shared data not found at {IBM}")


def _example():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("ibm", REPO / "docs/examples/ibm_receivables.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_raw_ledger_is_refused_with_the_missing_columns(engine: Engine, tenant_id: int) -> None:
    report = import_portfolio(engine, tenant_id, IBM, date(2013, 6, 30))
    missing = {f.message for f in report.findings}
    assert "missing required column 'account_id'" in missing
    assert all(f.line == 1 for f in report.findings)
    assert not report.committed


def test_open_invoices_of_the_ledger_import_as_a_portfolio(
    engine: Engine, tenant_id: int, tmp_path: Path
) -> None:
    as_of = date(2013, 6, 30)
    frame = _example().convert(IBM, as_of)
    path = tmp_path / "ibm.csv"
    frame.write_csv(path)
    report = import_portfolio(engine, tenant_id, path, as_of)
    assert report.ok, [f.render() for f in report.findings[:5]]
    with engine.connect() as conn:
        n_accounts = conn.execute(select(func.count()).select_from(accounts)).scalar_one()
        n_debtors = conn.execute(select(func.count()).select_from(debtors)).scalar_one()
        overdue = conn.execute(
            select(func.count()).select_from(accounts).where(accounts.c.past_due_since < as_of)
        ).scalar_one()
    assert n_accounts == frame.height > 0
    assert n_debtors == frame["debtor_id"].n_unique()
    assert overdue == frame.filter(frame["due_date"] < str(as_of)).height
