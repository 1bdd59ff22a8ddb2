"""The command line as a user meets it: exit codes, diagnostics, JSON, tenants."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.ingest.test_portfolio_import import GOOD

RECOVERLY = Path(sys.executable).parent / "recoverly"


def cli(url: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, RECOVERLY_DATABASE_URL=url, COLUMNS="200")
    return subprocess.run(
        [str(RECOVERLY), *args], env=env, capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_import_then_status_json_counts_what_was_imported(
    database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "p.csv"
    path.write_text(GOOD, encoding="utf-8")
    done = cli(database_url, "import", "portfolio", str(path), "--as-of", "2026-03-09")
    assert done.returncode == 0, done.stderr
    assert "imported 4 of 4 rows" in done.stdout
    status = json.loads(cli(database_url, "status", "--json").stdout)
    assert (status["debtors"], status["accounts"], status["cases"]) == (3, 4, 3)
    assert status["payments"] == 0
    assert status["contacts"] == 0


def test_bad_rows_print_compiler_style_lines_and_exit_2(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(GOOD.replace("CNY,1000.50", "CNX,1000.50"), encoding="utf-8")
    done = cli(database_url, "import", "portfolio", str(path))
    assert done.returncode == 2
    assert done.stdout.splitlines() == [
        f'{path}:2:5: currency: "CNX" is not an ISO 4217 currency code'
    ]
    assert "nothing imported" in done.stderr
    assert json.loads(cli(database_url, "status", "--json").stdout)["accounts"] == 0


def test_tenants_are_separate_and_unknown_ones_are_refused(
    database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "p.csv"
    path.write_text(GOOD, encoding="utf-8")
    refused = cli(database_url, "import", "portfolio", str(path), "--tenant", "acme")
    assert refused.returncode == 2
    assert "no tenant named 'acme'" in refused.stderr
    assert cli(database_url, "tenant", "create", "acme").returncode == 0
    assert cli(database_url, "import", "portfolio", str(path), "--tenant", "acme").returncode == 0
    acme = json.loads(cli(database_url, "status", "--json", "--tenant", "acme").stdout)
    default = json.loads(cli(database_url, "status", "--json").stdout)
    assert acme["accounts"] == 4
    assert default["accounts"] == 0


def test_token_create_json_names_tenant_and_role(database_url: str) -> None:
    done = cli(database_url, "token", "create", "--role", "agent", "--json")
    token = json.loads(done.stdout)
    assert token["tenant"] == "default"
    assert token["role"] == "agent"
    assert token["token"].startswith("rcv_")
    assert len(token["token"]) > 40


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("import", "portfolio", "/nonexistent.csv"), "no such file"),
        (("token", "create", "--role", "emperor"), "emperor"),
    ],
)
def test_bad_input_exits_2_with_a_message_and_no_traceback(
    database_url: str, args: tuple[str, ...], words: str
) -> None:
    done = cli(database_url, *args)
    assert done.returncode == 2
    assert words in done.stderr
    assert "Traceback" not in done.stderr


def test_users_are_created_with_hashed_passwords_and_checked(database_url: str) -> None:
    from sqlalchemy import select

    from recoverly.store.session import open_engine
    from recoverly.store.tables import users

    made = cli(
        database_url,
        "user",
        "create",
        "maria",
        "--role",
        "supervisor",
        "--password",
        "a-long-enough-secret",
    )
    assert made.returncode == 0, made.stderr
    again = cli(database_url, "user", "create", "maria", "--password", "a-long-enough-secret")
    assert again.returncode == 2
    assert "already exists" in again.stderr
    short = cli(database_url, "user", "create", "li", "--password", "short")
    assert short.returncode == 2
    assert "at least 10 characters" in short.stderr
    with open_engine(database_url).connect() as conn:
        stored = conn.execute(select(users.c.username, users.c.role, users.c.password_hash)).all()
    assert [(u, r) for u, r, _ in stored] == [("maria", "supervisor")]
    assert stored[0][2].startswith("$argon2")
    assert "a-long-enough-secret" not in stored[0][2]


def test_import_complaints_takes_the_documented_example_once(
    database_url: str, tmp_path: Path
) -> None:
    """docs/examples/complaints.csv against the demo's synthetic portfolio."""
    portfolio = tmp_path / "p.csv"
    made = cli(
        database_url,
        "simulate",
        "portfolio",
        "--accounts",
        "200",
        "--seed",
        "1",
        "--out",
        str(portfolio),
    )
    assert made.returncode == 0, made.stderr
    assert cli(database_url, "import", "portfolio", str(portfolio)).returncode == 0
    example = Path(__file__).resolve().parents[3] / "docs" / "examples" / "complaints.csv"
    for _ in range(2):
        done = cli(database_url, "import", "complaints", str(example), "--source", "crm")
        assert done.returncode == 0, done.stderr
        assert "imported 3 of 3 rows from complaints" in done.stdout
    from sqlalchemy import func, select

    from recoverly.store.session import open_engine
    from recoverly.store.tables import complaints

    with open_engine(database_url).connect() as conn:
        assert conn.execute(select(func.count()).select_from(complaints)).scalar_one() == 3


def test_import_complaints_reports_bad_rows_and_needs_a_source(
    database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "case_id,received_at,channel,text\nC-NOPE,2026-03-05,phone,Rude.\n", encoding="utf-8"
    )
    done = cli(database_url, "import", "complaints", str(path), "--source", "crm")
    assert done.returncode == 2
    assert done.stdout.splitlines() == [f'{path}:2:1: case_id: no case "C-NOPE" in this tenant']
    assert "nothing imported" in done.stderr
    unnamed = cli(database_url, "import", "complaints", str(path))
    assert unnamed.returncode == 2
    assert "--source" in unnamed.stderr
    api = cli(database_url, "import", "complaints", str(path), "--source", "api")
    assert api.returncode == 2
    assert "not 'api'" in api.stderr


def test_a_token_issued_to_a_user_has_their_role(database_url: str) -> None:
    made = cli(database_url, "user", "create", "maria", "--password", "a-long-enough-secret")
    assert made.returncode == 0, made.stderr
    done = cli(database_url, "token", "create", "--user", "maria", "--json")
    assert done.returncode == 0, done.stderr
    token = json.loads(done.stdout)
    assert (token["role"], token["user"]) == ("agent", "maria")
    clash = cli(database_url, "token", "create", "--user", "maria", "--role", "admin")
    assert clash.returncode == 2
    assert "has the role agent" in clash.stderr
    nobody = cli(database_url, "token", "create", "--user", "nobody")
    assert nobody.returncode == 2
    assert "no active user 'nobody'" in nobody.stderr
