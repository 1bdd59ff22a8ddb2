"""``recoverly serve``: options, the app it runs, and access logs without query strings."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
import uvicorn
from fastapi import FastAPI
from typer.testing import CliRunner
from uvicorn.logging import AccessFormatter

from recoverly.api import create_app
from recoverly.cli import serve
from recoverly.store import session


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Run ``serve`` up to the point where uvicorn would take over, and record the call."""
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    calls: dict[str, Any] = {}
    monkeypatch.setenv("RECOVERLY_DATABASE_URL", url)
    monkeypatch.setattr(serve, "create_app", lambda: create_app(url))
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.update(app=app, **kw))
    yield calls
    session.dispose(url)


def _cli() -> typer.Typer:
    app = typer.Typer()
    app.command("serve")(serve.serve)
    app.command("other")(lambda: None)  # two commands, so "serve" stays a subcommand
    return app


def test_serve_runs_the_api_with_host_and_port(served: dict[str, Any]) -> None:
    result = CliRunner().invoke(_cli(), ["serve", "--host", "127.0.0.2", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert (served["host"], served["port"]) == ("127.0.0.2", 8123)
    assert isinstance(served["app"], FastAPI)
    assert "docs at http://127.0.0.2:8123/docs" in result.output


def test_serve_defaults_to_localhost_8000(served: dict[str, Any]) -> None:
    assert CliRunner().invoke(_cli(), ["serve"]).exit_code == 0
    assert (served["host"], served["port"]) == ("127.0.0.1", 8000)


def test_a_port_out_of_range_is_refused() -> None:
    result = CliRunner().invoke(_cli(), ["serve", "--port", "70000"])
    assert result.exit_code == 2


def test_access_log_lines_drop_the_query_string() -> None:
    config = serve.log_config()
    assert config["handlers"]["access"]["filters"] == ["drop_query_string"]
    drop = config["filters"]["drop_query_string"]["()"]()
    formatter = AccessFormatter(config["formatters"]["access"]["fmt"], use_colors=False)
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/api/v1/debtors?q=Alice%20Archer", "1.1", 200),
        None,
    )
    assert drop.filter(record)
    line = formatter.format(record)
    assert "/api/v1/debtors" in line
    assert "Alice" not in line
    assert "?" not in line
