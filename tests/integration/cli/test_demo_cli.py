"""``recoverly demo`` builds a usable database and can be run again safely."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from recoverly.api.app import create_app
from tests.integration.cli.test_import_cli import cli


def test_demo_builds_a_portfolio_users_and_a_working_token(
    database_url: str, tmp_path: Path
) -> None:
    first = cli(database_url, "demo", "--accounts", "300", "--workdir", str(tmp_path))
    assert first.returncode == 0, first.stderr
    again = cli(database_url, "demo", "--accounts", "300", "--workdir", str(tmp_path))
    assert again.returncode == 0, again.stderr
    counts = json.loads(cli(database_url, "status", "--json").stdout)
    assert counts["accounts"] == 300
    assert counts["cases"] == counts["debtors"] > 0
    token = next(
        line.split(": ", 1)[1] for line in again.stdout.splitlines() if "API token" in line
    )
    with TestClient(create_app(database_url)) as client:
        page = client.get("/api/v1/cases?limit=5", headers={"Authorization": f"Bearer {token}"})
    assert page.status_code == 200
    assert page.json()["total"] == counts["cases"]
