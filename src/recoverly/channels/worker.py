"""The dispatcher as a background worker of ``recoverly serve``.

It runs on a thread of its own with its own event loop, so sends and their database work
never hold up API requests; it wakes every few seconds, drains what is due, and stops
cleanly with the server. Several servers may each run one: they share the outbox safely.
"""

from __future__ import annotations

import asyncio
import logging
import threading

from sqlalchemy import Engine

from recoverly.channels import registry
from recoverly.channels.dispatcher import Dispatcher, utcnow
from recoverly.channels.templates import load_catalog
from recoverly.config import Settings
from recoverly.evidence.log import sign_if_configured

log = logging.getLogger("recoverly.dispatch")


class DispatchWorker:
    def __init__(self, engine: Engine, settings: Settings, interval: float = 30.0) -> None:
        self.engine = engine
        self.settings = settings
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._main, name="dispatcher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _main(self) -> None:
        asyncio.run(self._loop())

    async def _loop(self) -> None:
        adapters = registry.adapters(self.settings, lambda: utcnow().date())
        dispatcher = Dispatcher(
            self.engine, adapters, load_catalog(), policy=registry.policy(self.settings)
        )
        try:
            while not self._stop.is_set():
                try:
                    report = await dispatcher.drain()
                    if report.claimed:
                        log.info("dispatched: %s", report.as_dict())
                    if report.outcomes["sent"]:
                        sign_if_configured(self.engine, self.settings, utcnow())
                except Exception:  # a bad cycle must not kill the worker; the next retries
                    log.exception("dispatch cycle failed")
                await asyncio.to_thread(self._stop.wait, self.interval)
        finally:
            for adapter in adapters.values():
                await adapter.aclose()
