"""``recoverly serve``: the HTTP API, its OpenAPI document and offline docs, over uvicorn.

Access-log lines keep the path but drop the query string: ``?q=Smi`` is part of a debtor's
name, and personal data must not land in logs.
"""

from __future__ import annotations

import copy
import logging
from typing import Annotated, Any

import typer

from recoverly.cli.common import console


class DropQueryString(logging.Filter):
    """Cut ``?…`` from uvicorn access records (args: client, method, path, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's own logging set-up, with ``DropQueryString`` on the access log."""
    import uvicorn

    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config.setdefault("filters", {})["drop_query_string"] = {"()": DropQueryString}
    config["handlers"]["access"]["filters"] = ["drop_query_string"]
    return config


def serve(
    host: Annotated[
        str, typer.Option("--host", help="Interface to listen on; 0.0.0.0 for all of them.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    dispatch: Annotated[
        bool,
        typer.Option(
            "--dispatch/--no-dispatch",
            help="Also run the dispatcher in the background (sends what the outbox holds).",
        ),
    ] = True,
    interval: Annotated[
        float, typer.Option("--dispatch-interval", min=1, help="Seconds between dispatch runs.")
    ] = 30.0,
) -> None:
    """Serve the API under /api/v1, OpenAPI at /openapi.json and offline docs at /docs,
    and (unless --no-dispatch) send due messages in the background."""
    import uvicorn

    from recoverly.api.app import create_app
    from recoverly.channels.worker import DispatchWorker
    from recoverly.config import get_settings

    app = create_app()
    base = f"http://{host}:{port}"
    console.print(f"API at {base}/api/v1, docs at {base}/docs", highlight=False)
    worker = DispatchWorker(app.state.engine, get_settings(), interval) if dispatch else None
    if worker is not None:
        worker.start()
        console.print(f"dispatcher running every {interval:g} s", highlight=False)
    try:
        uvicorn.run(app, host=host, port=port, log_config=log_config(), server_header=False)
    finally:
        if worker is not None:
            worker.stop()
