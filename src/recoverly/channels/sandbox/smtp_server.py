"""A local SMTP server that keeps what it receives, for tests and the demo.

It records every delivery, duplicates included: de-duplication by Message-ID is the
receiver's business, and tests count duplicates to prove a retry reused the same id.
Refusals can be arranged (a recipient answered 550, the next deliveries answered 451) so
that the adapter's handling of each reply class runs against a real SMTP conversation.
"""

from __future__ import annotations

import asyncio
import email.policy
import hmac
import threading
import warnings
from collections import deque
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from types import TracebackType
from typing import Any, Self

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


@dataclass(frozen=True, slots=True)
class ReceivedEmail:
    """One delivery: the SMTP envelope and the parsed message."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage
    received_at: datetime


class _Handler:
    """aiosmtpd's hooks; runs on the server's own thread, hence the lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[ReceivedEmail] = []
        self.refused: dict[str, str] = {}
        self.failures: deque[str] = deque()

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        with self.lock:
            reply = self.refused.get(address.lower())
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        with self.lock:
            if self.failures:
                return self.failures.popleft()
        content = envelope.original_content or b""
        parsed = BytesParser(policy=email.policy.default).parsebytes(content)
        assert isinstance(parsed, EmailMessage)  # guaranteed by policy.default
        record = ReceivedEmail(
            mail_from=envelope.mail_from or "",
            rcpt_tos=tuple(envelope.rcpt_tos),
            message=parsed,
            received_at=datetime.now(UTC),
        )
        with self.lock:
            self.received.append(record)
        return "250 Message accepted for delivery"


class _FreePortController(Controller):
    """aiosmtpd's controller, bound to a port the OS picks (no clash between parallel
    test workers); the port is known once the server listens."""

    def _create_server(self) -> Coroutine[Any, Any, asyncio.AbstractServer]:
        return self._listen()

    async def _listen(self) -> asyncio.AbstractServer:
        server = await self.loop.create_server(
            self._factory_invoker, host=self.hostname, port=0, ssl=self.ssl_context
        )
        self.port = server.sockets[0].getsockname()[1]
        return server


class SandboxSmtpServer:
    """An SMTP server on 127.0.0.1 and a free port, running on its own thread.

    Args:
        credentials: (username, password) to require AUTH PLAIN/LOGIN (allowed over clear
            text: this is a local stand-in); ``None`` accepts mail without login.
    """

    def __init__(
        self, *, host: str = "127.0.0.1", credentials: tuple[str, str] | None = None
    ) -> None:
        self._handler = _Handler()
        self._credentials = credentials
        # Without credentials no AUTH is required; with them it is, over clear text, which
        # aiosmtpd warns about on every connection: on 127.0.0.1 that is the point.
        if credentials is not None:
            warnings.filterwarnings(
                "ignore", "Requiring AUTH while not requiring TLS", UserWarning, "aiosmtpd.smtp"
            )
        self._controller = _FreePortController(
            self._handler,
            hostname=host,
            port=0,
            authenticator=self._authenticate if credentials is not None else None,
            auth_require_tls=False,
            auth_required=credentials is not None,
        )
        self._running = False

    @property
    def host(self) -> str:
        return str(self._controller.hostname)

    @property
    def port(self) -> int:
        if not self._running:
            raise RuntimeError("the sandbox SMTP server has no port until start() is called")
        return int(self._controller.port)

    def start(self) -> Self:
        self._controller.start()
        self._running = True
        return self

    def stop(self) -> None:
        if self._running:
            self._controller.stop()
            self._running = False

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def deliveries(self) -> list[ReceivedEmail]:
        """Every delivery so far, envelope included, oldest first."""
        with self._handler.lock:
            return list(self._handler.received)

    def messages(self) -> list[EmailMessage]:
        """Every message received so far, oldest first."""
        return [delivery.message for delivery in self.deliveries()]

    def reset(self) -> None:
        """Forget every delivery, refused recipient and arranged failure."""
        with self._handler.lock:
            self._handler.received.clear()
            self._handler.refused.clear()
            self._handler.failures.clear()

    def refuse_recipient(self, address: str, reply: str = "550 5.1.1 Mailbox unavailable") -> None:
        """Answer RCPT TO for ``address`` with ``reply`` from now on."""
        with self._handler.lock:
            self._handler.refused[address.lower()] = reply

    def fail_next(self, count: int = 1, reply: str = "451 4.3.0 Try again later") -> None:
        """Answer the next ``count`` deliveries' DATA with ``reply`` instead of storing them."""
        with self._handler.lock:
            self._handler.failures.extend([reply] * count)

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: object
    ) -> AuthResult:
        if self._credentials is None or not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        username, password = self._credentials
        ok = hmac.compare_digest(auth_data.login, username.encode()) & hmac.compare_digest(
            auth_data.password, password.encode()
        )
        return AuthResult(success=ok, handled=False)
