"""Webhooks providers call: authenticated by their signature, not by a bearer token."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qsl

from fastapi import APIRouter, Header, Request, Response

from recoverly.api.deps import Conn
from recoverly.api.schemas.common import error_responses
from recoverly.channels import receipts
from recoverly.channels.adapters.twilio import receipt_from_callback
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
    if not settings.twilio_auth_token:
        raise NotPermitted("SMS receipts are not accepted: no Twilio account is configured")
    params = parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True)
    url = settings.twilio_status_callback or str(request.url)
    receipt = receipt_from_callback(
        url, params, signature, settings.twilio_auth_token, received_at=datetime.now(UTC)
    )
    receipts.apply(conn, receipt)
    conn.commit()
    return Response(status_code=204)
