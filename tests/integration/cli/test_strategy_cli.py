"""``recoverly strategy``: the default prints, validates, and a broken copy exits 2."""

from __future__ import annotations

from pathlib import Path

from tests.integration.cli.test_import_cli import cli


def test_the_default_round_trips_and_a_broken_copy_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    printed = cli(url, "strategy", "default")
    assert printed.returncode == 0
    good = tmp_path / "s.yaml"
    good.write_text(printed.stdout, encoding="utf-8")
    checked = cli(url, "strategy", "validate", str(good))
    assert checked.returncode == 0
    assert "strategy default v1: 6 segments" in checked.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(printed.stdout.replace("{wait: 7}", "{wait: 0}"), encoding="utf-8")
    refused = cli(url, "strategy", "validate", str(bad))
    assert refused.returncode == 2
    line = next(i for i, t in enumerate(printed.stdout.splitlines(), start=1) if "{wait: 7}" in t)
    assert refused.stdout.startswith(f"{bad}:{line}:")


def test_publish_then_list(database_url: str, tmp_path: Path) -> None:
    text = cli(database_url, "strategy", "default").stdout
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    first = cli(database_url, "strategy", "publish", str(path))
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("published: strategy default v1")
    again = cli(database_url, "strategy", "publish", str(path))
    assert again.stdout.startswith("already published: strategy default v1")
    path.write_text(text.replace("{wait: 7}", "{wait: 5}"), encoding="utf-8")
    refused = cli(database_url, "strategy", "publish", str(path))
    assert refused.returncode == 2
    assert "give the changed strategy a new version" in refused.stderr
    listed = cli(database_url, "strategy", "list").stdout.splitlines()
    assert len(listed) == 1
    assert listed[0].startswith("default v1")
