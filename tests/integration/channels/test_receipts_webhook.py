"""Delivery receipts end to end: the sandbox provider posts signed status callbacks to
the real API, which records each message as delivered or failed, once."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine, select

from recoverly.api import create_app
from recoverly.channels.adapters.twilio import TwilioAdapter, TwilioSettings, compute_signature
from recoverly.channels.dispatcher import Dispatcher
from recoverly.channels.sandbox.sms_provider import SandboxSmsProvider
from recoverly.config import get_settings
from recoverly.store.tables import contact_attempts
from tests.integration.channels.test_dispatcher import CATALOG, Clock, _setup

PATH = "/api/v1/webhooks/twilio/status"


@pytest.fixture
def api_url(database_url: str) -> Iterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(database_url), log_config=None, log_level="warning")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(5)


def test_receipts_mark_messages_delivered_and_forgeries_are_refused(
    engine: Engine,
    tmp_path: Path,
    sms_provider: SandboxSmsProvider,
    api_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    callback = api_url + PATH
    monkeypatch.setenv("RECOVERLY_TWILIO_AUTH_TOKEN", sms_provider.auth_token)
    monkeypatch.setenv("RECOVERLY_TWILIO_STATUS_CALLBACK", callback)
    get_settings.cache_clear()
    try:
        tenant_id = _setup(engine, tmp_path, accounts=60)
        adapter = TwilioAdapter(
            TwilioSettings(
                account_sid=sms_provider.account_sid,
                auth_token=sms_provider.auth_token,
                from_number="+15005550006",
                base_url=sms_provider.base_url,
                status_callback=callback,
            )
        )
        noon = Clock(datetime(2026, 3, 9, 15, 0, tzinfo=UTC))

        async def go() -> int:
            dispatcher = Dispatcher(engine, {"sms": adapter}, CATALOG, clock=noon)
            report = await dispatcher.drain()
            await adapter.aclose()
            return report.by_channel["sms"]

        sent = asyncio.run(go())
        assert sent > 0
        sms_provider.wait_for_callbacks(2 * sent, timeout=10)  # sent, then delivered
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                outcomes = (
                    conn.execute(
                        select(contact_attempts.c.outcome).where(
                            contact_attempts.c.tenant_id == tenant_id,
                            contact_attempts.c.channel == "sms",
                        )
                    )
                    .scalars()
                    .all()
                )
            if outcomes.count("delivered") == sent:
                break
            time.sleep(0.1)
        assert outcomes.count("delivered") == sent

        # A forged callback is refused and changes nothing.
        params = {"MessageSid": sms_provider.messages()[0].sid, "MessageStatus": "failed"}
        forged = httpx.post(callback, data=params, headers={"X-Twilio-Signature": "bm9wZQ=="})
        assert forged.status_code == 403
        # A genuine but late "failed" after "delivered" does not undo it.
        signature = compute_signature(callback, params, sms_provider.auth_token)
        late = httpx.post(callback, data=params, headers={"X-Twilio-Signature": signature})
        assert late.status_code == 204
        with engine.connect() as conn:
            again = (
                conn.execute(
                    select(contact_attempts.c.outcome).where(contact_attempts.c.channel == "sms")
                )
                .scalars()
                .all()
            )
        assert again.count("delivered") == sent
    finally:
        get_settings.cache_clear()
