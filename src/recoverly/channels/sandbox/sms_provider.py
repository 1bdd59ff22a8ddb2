"""A local stand-in for Twilio's Messages API, for tests and the demo.

A real HTTP server (FastAPI under uvicorn, on 127.0.0.1 and a port the OS picks, on its
own thread) that answers ``POST /2010-04-01/Accounts/{sid}/Messages.json`` the way Twilio
does: basic auth with the account SID and auth token, Twilio's error codes for a bad
number or a missing sender or body, one message per ``I-Twilio-Idempotency-Token`` (a
repeated token gets the first answer again), and signed status callbacks (``sent``, then
``delivered``, or ``undelivered`` for numbers listed as unreachable).

The callback signature is computed here independently of the adapter's code on purpose:
a test where both sides share one implementation would pass even if it were wrong.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl

import httpx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.background import BackgroundTask

log = logging.getLogger("recoverly.channels.sandbox.sms")

_E164 = re.compile(r"\+[1-9]\d{6,14}")
_MAX_BODY = 1600  # Twilio's limit on a message body, in characters (error 21617)


@dataclass(frozen=True, slots=True)
class SandboxSms:
    """One message the sandbox accepted (stored once per idempotency token)."""

    sid: str
    to: str
    from_number: str | None
    messaging_service_sid: str | None
    body: str
    status_callback: str | None
    idempotency_token: str | None
    received_at: datetime


@dataclass(frozen=True, slots=True)
class SandboxCallback:
    """One status callback the sandbox posted, and how the receiver answered."""

    url: str
    params: tuple[tuple[str, str], ...]
    response_status: int | None  # None: the receiver could not be reached
    error: str | None


def _sign(url: str, params: Iterable[tuple[str, str]], auth_token: str) -> str:
    payload = url + "".join(k + v for k, v in sorted(params))
    return base64.b64encode(
        hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    ).decode()


def _error(status: int, code: int, message: str) -> JSONResponse:
    return JSONResponse(
        {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        },
        status_code=status,
    )


class SandboxSmsProvider:
    """Twilio's Messages endpoint on a free local port.

    Args:
        account_sid, auth_token: the credentials it accepts; random unless given (the demo
            passes its own so that it can configure the adapter before starting).
        undeliverable: numbers whose messages end ``undelivered`` (error 30003, unreachable
            handset) instead of ``delivered``.
        unsubscribed: numbers that texted STOP: sending to them is refused (error 21610).
    """

    def __init__(
        self,
        *,
        account_sid: str | None = None,
        auth_token: str | None = None,
        undeliverable: Iterable[str] = (),
        unsubscribed: Iterable[str] = (),
        host: str = "127.0.0.1",
    ) -> None:
        self.account_sid = account_sid or "AC" + secrets.token_hex(16)
        self.auth_token = auth_token or secrets.token_hex(16)
        self.host = host
        self._undeliverable = frozenset(undeliverable)
        self._unsubscribed = frozenset(unsubscribed)
        self._lock = threading.Lock()
        self._posted = threading.Condition(self._lock)  # notified after each callback
        self._messages: list[SandboxSms] = []
        self._answers: dict[str, dict[str, Any]] = {}  # idempotency token -> first answer
        self._callbacks: list[SandboxCallback] = []
        self._failures: deque[tuple[int, int, str]] = deque()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._port: int | None = None
        self.app = self._build_app()

    # -- lifecycle -----------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """What to configure as the adapter's ``base_url``."""
        if self._port is None:
            raise RuntimeError("the sandbox SMS provider has no URL until start() is called")
        return f"http://{self.host}:{self._port}"

    def start(self, timeout: float = 10.0) -> Self:
        """Listen and serve on a background thread; returns once requests are answered."""
        if self._thread is not None:
            raise RuntimeError("the sandbox SMS provider is already running")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, 0))  # the OS picks a free port: no clash between test workers
        self._port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_config=None,  # leave the host application's logging alone
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=2,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="sandbox-sms", daemon=True
        )
        self._server, self._thread = server, thread
        thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                sock.close()
                raise RuntimeError("the sandbox SMS provider did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- what tests and the demo look at or arrange ------------------------------------------

    def messages(self) -> list[SandboxSms]:
        """Every message accepted so far, oldest first; a repeated token counts once."""
        with self._lock:
            return list(self._messages)

    def callbacks(self) -> list[SandboxCallback]:
        """Every status callback posted so far, oldest first."""
        with self._lock:
            return list(self._callbacks)

    def reset(self) -> None:
        """Forget every message, token, callback and arranged failure (a fresh provider
        without the cost of a restart)."""
        with self._lock:
            self._messages.clear()
            self._answers.clear()
            self._callbacks.clear()
            self._failures.clear()

    def wait_for_callbacks(
        self, count: int, *, message_sid: str | None = None, timeout: float = 5.0
    ) -> list[SandboxCallback]:
        """The callbacks posted so far (about ``message_sid`` only, if given), once there are
        ``count`` of them or ``timeout`` passed: callbacks are posted after the send was
        answered, so whoever sent may be ahead of them."""

        def posted() -> list[SandboxCallback]:
            return [
                c
                for c in self._callbacks
                if message_sid is None or dict(c.params).get("MessageSid") == message_sid
            ]

        with self._posted:
            self._posted.wait_for(lambda: len(posted()) >= count, timeout)
            return posted()

    def fail_next(
        self, count: int = 1, *, status: int = 503, code: int | None = None, message: str = ""
    ) -> None:
        """Answer the next ``count`` authenticated requests with ``status``, storing nothing.

        ``code`` defaults to Twilio's code for the status (20429, 20500, 20503...).
        """
        entry = (status, code if code is not None else 20000 + status, message or "Sandbox failure")
        with self._lock:
            self._failures.extend([entry] * count)

    # -- the API -------------------------------------------------------------------------

    def _build_app(self) -> FastAPI:
        app = FastAPI(title="Recoverly SMS sandbox (Twilio Messages API)", openapi_url=None)

        @app.post("/2010-04-01/Accounts/{account_sid}/Messages.json")
        async def create_message(account_sid: str, request: Request) -> JSONResponse:
            return self._create(account_sid, request, await request.body())

        return app

    def _authenticated(self, account_sid: str, request: Request) -> bool:
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        same_user = hmac.compare_digest(user.encode(), self.account_sid.encode())
        same_token = hmac.compare_digest(password.encode(), self.auth_token.encode())
        return same_user and same_token and account_sid == self.account_sid

    def _create(self, account_sid: str, request: Request, raw: bytes) -> JSONResponse:
        if not self._authenticated(account_sid, request):
            return _error(401, 20003, "Authenticate")
        with self._lock:
            failure = self._failures.popleft() if self._failures else None
        if failure is not None:
            return _error(*failure)
        form = dict(parse_qsl(raw.decode(), keep_blank_values=True))
        to, body = form.get("To", ""), form.get("Body", "")
        sender, service = form.get("From") or None, form.get("MessagingServiceSid") or None
        if not _E164.fullmatch(to):
            return _error(400, 21211, f"Invalid 'To' Phone Number: {to}")
        if to in self._unsubscribed:
            return _error(400, 21610, "Attempt to send to unsubscribed recipient")
        if sender is None and service is None:
            return _error(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required")
        if not body:
            return _error(400, 21602, "Message body is required.")
        if len(body) > _MAX_BODY:
            return _error(
                400, 21617, "The concatenated message body exceeds the 1600 character limit."
            )
        token = request.headers.get("i-twilio-idempotency-token")
        with self._lock:
            if token is not None and token in self._answers:
                return JSONResponse(self._answers[token], status_code=201)
            now = datetime.now(UTC)
            record = SandboxSms(
                sid="SM" + uuid.uuid4().hex,
                to=to,
                from_number=sender,
                messaging_service_sid=service,
                body=body,
                status_callback=form.get("StatusCallback") or None,
                idempotency_token=token,
                received_at=now,
            )
            answer = self._resource(record)
            self._messages.append(record)
            if token is not None:
                self._answers[token] = answer
        callbacks = BackgroundTask(self._post_callbacks, record) if record.status_callback else None
        return JSONResponse(answer, status_code=201, background=callbacks)

    def _resource(self, record: SandboxSms) -> dict[str, Any]:
        """The message as Twilio's API shows it right after creation."""
        created = format_datetime(record.received_at, usegmt=True)
        return {
            "sid": record.sid,
            "account_sid": self.account_sid,
            "messaging_service_sid": record.messaging_service_sid,
            "to": record.to,
            "from": record.from_number,
            "body": record.body,
            "status": "queued" if record.from_number else "accepted",
            "direction": "outbound-api",
            "num_segments": "1",
            "num_media": "0",
            "api_version": "2010-04-01",
            "date_created": created,
            "date_updated": created,
            "date_sent": None,
            "error_code": None,
            "error_message": None,
            "price": None,
            "price_unit": "USD",
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{record.sid}.json",
        }

    async def _post_callbacks(self, record: SandboxSms) -> None:
        """``sent`` then the outcome, one after the other, each signed like Twilio's."""
        assert record.status_callback is not None
        final = "undelivered" if record.to in self._undeliverable else "delivered"
        async with httpx.AsyncClient(timeout=5.0) as client:
            for status in ("sent", final):
                params = [
                    ("AccountSid", self.account_sid),
                    ("ApiVersion", "2010-04-01"),
                    ("From", record.from_number or ""),
                    ("MessageSid", record.sid),
                    ("MessageStatus", status),
                    ("SmsSid", record.sid),
                    ("SmsStatus", status),
                    ("To", record.to),
                ]
                if record.messaging_service_sid is not None:
                    params.append(("MessagingServiceSid", record.messaging_service_sid))
                if status == "undelivered":
                    params.append(("ErrorCode", "30003"))
                await self._post_callback(client, record.status_callback, params)

    async def _post_callback(
        self, client: httpx.AsyncClient, url: str, params: list[tuple[str, str]]
    ) -> None:
        headers = {
            "X-Twilio-Signature": _sign(url, params, self.auth_token),
            "I-Twilio-Idempotency-Token": str(uuid.uuid4()),
            "User-Agent": "TwilioProxy/1.1 (Recoverly sandbox)",
        }
        status: int | None = None
        error: str | None = None
        try:
            response = await client.post(url, data=dict(params), headers=headers)
            status = response.status_code
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
            log.warning("sandbox status callback could not be delivered: %s", error)
        with self._posted:
            self._callbacks.append(SandboxCallback(url, tuple(params), status, error))
            self._posted.notify_all()
