"""Local servers for the channel adapters: the sandbox providers, a status-callback
receiver, and ports that refuse or never answer. Every one binds a port the OS picks, so
parallel test workers never clash."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest
from sqlalchemy import Engine, update

from recoverly.channels.sandbox.sms_provider import SandboxSmsProvider
from recoverly.channels.sandbox.smtp_server import SandboxSmtpServer
from recoverly.store.tables import outbox, plan_items


@pytest.fixture(scope="session")
def _smtp_server() -> Iterator[SandboxSmtpServer]:
    with SandboxSmtpServer() as server:
        yield server


@pytest.fixture
def smtp_server(_smtp_server: SandboxSmtpServer) -> SandboxSmtpServer:
    """The worker's SMTP sandbox, emptied for this test."""
    _smtp_server.reset()
    return _smtp_server


UNSUBSCRIBED = "+447700900998"  # texted STOP to the sender: Twilio refuses it (21610)


@pytest.fixture(scope="session")
def _sms_provider() -> Iterator[SandboxSmsProvider]:
    with SandboxSmsProvider(
        undeliverable=["+447700900999"], unsubscribed=[UNSUBSCRIBED]
    ) as provider:
        yield provider


@pytest.fixture
def sms_provider(_sms_provider: SandboxSmsProvider) -> SandboxSmsProvider:
    """The worker's Twilio sandbox, emptied for this test."""
    _sms_provider.reset()
    return _sms_provider


@dataclass
class Callback:
    path: str
    headers: dict[str, str]
    params: list[tuple[str, str]]


@dataclass
class CallbackReceiver:
    """What a Recoverly webhook endpoint would see: each POST's path, headers and form."""

    url: str
    received: list[Callback] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Callback]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.received) >= count, timeout)
            return list(self.received)


@pytest.fixture
def callback_receiver() -> Iterator[CallbackReceiver]:
    receiver: CallbackReceiver

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            params = parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True)
            callback = Callback(self.path, dict(self.headers.items()), params)
            self.send_response(204)
            self.end_headers()
            with receiver.arrived:
                receiver.received.append(callback)
                receiver.arrived.notify_all()

        def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    host, port = server.server_address[:2]
    receiver = CallbackReceiver(url=f"http://{host!s}:{port}/webhooks/twilio/status?tenant=t1")
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port bound but not listening: connecting is refused, and no one else can take it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections (the kernel's backlog) but never says a word."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield sock.getsockname()[1]


def make_due_now(engine: Engine) -> None:
    """Make every planned message due now and inside its contact window, whatever the
    hour: tests that run real dispatcher processes (on the real clock) must not depend on
    the time of day they happen to run at."""
    now = datetime.now(UTC)
    offset = 12 - now.hour  # hours to add to UTC to make it about noon
    zone = "UTC" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"
    with engine.begin() as conn:
        conn.execute(
            update(plan_items).values(debtor_timezone=zone, scheduled_at=now - timedelta(minutes=1))
        )
        conn.execute(update(outbox).values(not_before=now - timedelta(minutes=1)))
