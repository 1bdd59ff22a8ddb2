"""``recoverly dispatch``: send what the outbox holds, exactly once."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from recoverly.cli.common import console, store


def dispatch(
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Stop after claiming this many.")
    ] = None,
    batch: Annotated[int, typer.Option("--batch", min=1, help="Rows claimed at a time.")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Send every due message: re-check compliance now, render, send, record.

    Several dispatchers may run at once (on PostgreSQL they skip each other's rows); a
    dispatcher that dies leaves its messages to the next one, never sent twice.
    """
    import asyncio

    from recoverly.channels import registry
    from recoverly.channels.dispatcher import Dispatcher, utcnow
    from recoverly.channels.templates import load_catalog
    from recoverly.config import get_settings

    settings = get_settings()
    engine = store()

    async def go() -> dict[str, object]:
        adapters = registry.adapters(settings, lambda: utcnow().date())
        try:
            dispatcher = Dispatcher(
                engine, adapters, load_catalog(), policy=registry.policy(settings)
            )
            report = await dispatcher.drain(batch=batch, limit=limit)
        finally:
            for adapter in adapters.values():
                await adapter.aclose()
        return report.as_dict()

    report = asyncio.run(go())
    head = None
    if report["outcomes"].get("sent"):  # type: ignore[attr-defined]
        from recoverly.evidence.log import sign_if_configured

        head = sign_if_configured(engine, settings, utcnow())
    if as_json:
        print(json.dumps(report, sort_keys=True))
        return
    outcomes = ", ".join(f"{k} {v:,}" for k, v in report["outcomes"].items()) or "nothing due"  # type: ignore[attr-defined]
    console.print(f"claimed {report['claimed']:,}: {outcomes}", highlight=False)
    if head is not None:
        console.print(f"evidence: signed tree head of size {head.tree_size:,}", highlight=False)
