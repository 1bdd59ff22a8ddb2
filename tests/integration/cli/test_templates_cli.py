"""``recoverly templates``: list, preview and check, as a strategy manager uses them."""

from __future__ import annotations

import shutil
from pathlib import Path

from recoverly.channels.templates import default_catalog_dir
from tests.integration.cli.test_import_cli import cli


def test_list_and_preview_in_traditional_chinese(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    listed = cli(url, "templates", "list")
    assert listed.returncode == 0, listed.stderr
    assert "gentle_reminder" in listed.stdout
    shown = cli(url, "templates", "preview", "gentle_reminder", "--locale", "zh-TW")
    assert shown.returncode == 0, shown.stderr
    assert "zh-Hant" in shown.stdout
    assert "US$1,234.56" in shown.stdout


def test_check_names_the_file_of_a_broken_template(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(Path(str(default_catalog_dir())), catalog)
    broken = catalog / "gentle_reminder.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("{{", "{{ nope ~ ", 1))
    done = cli(f"sqlite:///{tmp_path / 'x.db'}", "templates", "check", str(catalog))
    assert done.returncode == 2
    assert "gentle_reminder.yaml:" in done.stdout
