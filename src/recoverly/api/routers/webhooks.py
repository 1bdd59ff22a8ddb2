"""Webhooks providers call: authenticated by their signature, not by a bearer token."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qsl

from fastapi import APIRouter, Header, Request, Response

from recoverly.api.deps import Conn
from recoverly.api.schemas.common import error_responses
from recoverly.channels import receipts
from recoverly.channels.adapters.twilio import inbound_from_callback, receipt_from_callback
from recoverly.compliance.opt_outs import apply_reply, keyword
from recoverly.config import get_settings
from recoverly.domain.errors import NotPermitted

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


@router.post(
    "/twilio/status",
    status_code=204,
    summary="SMS delivery receipt (Twilio status callback)",
    description=(
        "Twilio posts each message's status here (set RECOVERLY_TWILIO_STATUS_CALLBACK to "
        "this URL as the public sees it). The X-Twilio-Signature must match; repeats and "
        "out-of-order receipts are harmless."
    ),
    responses=error_responses(403, 422),
)
async def twilio_status(
    request: Request,
    conn: Conn,
    signature: str = Header(default="", alias="X-Twilio-Signature"),
) -> Response:
    settings = get_settings()
    url, params, token = await _twilio(request, settings.twilio_status_callback, "SMS receipts")
    receipt = receipt_from_callback(url, params, signature, token, received_at=datetime.now(UTC))
    receipts.apply(conn, receipt)
    conn.commit()
    return Response(status_code=204)


@router.post(
    "/twilio/inbound",
    status_code=204,
    summary="Incoming SMS (Twilio messaging webhook)",
    description=(
        "Twilio posts each text a debtor sends to the sending number here (set "
        "RECOVERLY_TWILIO_INBOUND_URL to this URL as the public sees it). A text whose "
        "first word is stop, stopall, unsubscribe, end, quit, cancel, revoke, optout, td or "
        "退订 opts that number out of text messages at once (an `opt_out` hold on `sms` on "
        "each open case of every debtor with the number); start or unstop opts it back in. "
        "Nothing is answered: Twilio's own opt-out handling sends the confirmation."
    ),
    responses=error_responses(403, 422),
)
async def twilio_inbound(
    request: Request,
    conn: Conn,
    signature: str = Header(default="", alias="X-Twilio-Signature"),
) -> Response:
    settings = get_settings()
    url, params, token = await _twilio(request, settings.twilio_inbound_url, "incoming SMS")
    sms = inbound_from_callback(url, params, signature, token)
    reply = keyword(sms.body)
    if reply is not None:
        apply_reply(conn, sms.sender, reply, datetime.now(UTC))
        conn.commit()
    return Response(status_code=204)


async def _twilio(
    request: Request, public_url: str | None, what: str
) -> tuple[str, list[tuple[str, str]], str]:
    """What checking a Twilio request's signature needs: the URL Twilio signed (as the
    public sees it, when configured), the form it posted, and the account's auth token."""
    token = get_settings().twilio_auth_token
    if not token:
        raise NotPermitted(f"{what}: not accepted, no Twilio account is configured")
    params = parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True)
    return public_url or str(request.url), params, token
