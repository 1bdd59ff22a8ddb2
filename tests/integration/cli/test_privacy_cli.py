"""``recoverly privacy``: export, erase (exit 2 naming the holds), legal holds and the purge,
end to end through the command line on each backend."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update

from recoverly.store import session
from recoverly.store.tables import cases, personal_data_reads
from tests.integration.cli.test_import_cli import cli

PORTFOLIO = """\
account_id,debtor_id,debtor_name,country,timezone,currency,principal_outstanding,due_date,email
A1,D1,Jane Roe,US,America/New_York,USD,100.00,2020-01-01,jane@example.com
A2,D2,Hans Meier,DE,Europe/Berlin,EUR,50.00,2020-01-01,hans@example.de
A3,D3,Ann Lee,SG,Asia/Singapore,SGD,70.00,2020-01-01,ann@example.sg
"""


def _imported(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(PORTFOLIO, encoding="utf-8")
    done = cli(database_url, "import", "portfolio", str(path), "--as-of", "2020-02-01")
    assert done.returncode == 0, done.stderr


def _close_every_case(database_url: str) -> None:
    with session.open_engine(database_url).begin() as conn:
        conn.execute(update(cases).values(closed_at=datetime(2020, 3, 1, tzinfo=UTC)))


def test_export_writes_the_person_and_records_the_read(database_url: str, tmp_path: Path) -> None:
    _imported(database_url, tmp_path)
    out = tmp_path / "d1.json"
    done = cli(database_url, "privacy", "export", "--debtor", "D1", "--out", str(out))
    assert done.returncode == 0, done.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["records"]["debtors"][0]["name"] == "Jane Roe"
    assert [p["value"] for p in document["records"]["contact_points"]] == ["jane@example.com"]
    assert "Hans" not in out.read_text(encoding="utf-8")
    with session.open_engine(database_url).connect() as conn:
        (read,) = conn.execute(select(personal_data_reads)).all()
    assert (read.debtor_id, read.purpose, read.via) == (
        "D1",
        "subject-access",
        "recoverly privacy export",
    )
    assert read.actor.startswith("cli:")


def test_erase_is_refused_with_exit_2_while_held_then_done(
    database_url: str, tmp_path: Path
) -> None:
    _imported(database_url, tmp_path)
    refused = cli(database_url, "privacy", "erase", "--debtor", "D1", "--reason", "letter")
    assert refused.returncode == 2
    assert "open_case C-D1" in refused.stderr
    _close_every_case(database_url)
    placed = cli(
        database_url, "privacy", "hold", "--debtor", "D1", "--reason", "court 4B", "--json"
    )
    hold_id = json.loads(placed.stdout)["hold_id"]
    refused = cli(database_url, "privacy", "erase", "--debtor", "D1", "--reason", "x", "--json")
    assert refused.returncode == 2
    assert json.loads(refused.stdout)["holds"][0]["ground"] == "legal_hold"
    assert cli(database_url, "privacy", "release", str(hold_id)).returncode == 0
    done = cli(database_url, "privacy", "erase", "--debtor", "D1", "--reason", "x", "--json")
    assert done.returncode == 0, done.stderr
    erased = json.loads(done.stdout)
    assert erased["outcome"] == "erased"
    assert erased["tables"]["contact_points"] == 1


def test_purge_counts_by_jurisdiction_and_a_second_run_erases_nothing(
    database_url: str, tmp_path: Path
) -> None:
    _imported(database_url, tmp_path)
    _close_every_case(database_url)

    # The import opened the cases today: four years on, US (3 years after the last
    # activity) and DE (3 from the end of this year) are due, SG (5, UNCONFIRMED) is not.
    as_of = date.today().replace(month=6, day=1) + timedelta(days=4 * 365 + 200)

    def purge(*extra: str) -> dict[str, object]:
        done = cli(database_url, "privacy", "purge", "--as-of", str(as_of), "--json", *extra)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)  # type: ignore[no-any-return]

    dry = purge("--dry-run")
    expected = {
        "DE": {"erased": 1, "held": 0, "not_due": 0},
        "SG": {"erased": 0, "held": 0, "not_due": 1},
        "US": {"erased": 1, "held": 0, "not_due": 0},
    }
    assert dry["by_jurisdiction"] == expected
    assert purge()["by_jurisdiction"] == expected
    assert purge()["erased"] == 0
    shown = cli(database_url, "privacy", "purge", "--as-of", str(as_of))
    assert "erased 0 debtor(s)" in shown.stdout
