"""A debtor texting STOP opts their number out of text messages at once, on every open
case of theirs and no one else's; START opts it back in; forgeries change nothing."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine, select

from recoverly.channels.adapters.twilio import compute_signature
from recoverly.config import get_settings
from recoverly.store.tables import evidence_entries, holds
from tests.integration.api.conftest import Api

PATH = "/api/v1/webhooks/twilio/inbound"
URL = "http://testserver" + PATH
TOKEN = "twilio-test-auth-token"
ALICE = "+12125550101"  # A-D1 of acme, case C-A-D1


@pytest.fixture
def inbound(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    monkeypatch.setenv("RECOVERLY_TWILIO_AUTH_TOKEN", TOKEN)
    get_settings.cache_clear()
    yield api
    get_settings.cache_clear()


def _text(api: Api, sender: str, body: str, *, token: str = TOKEN) -> int:
    params = [("From", sender), ("To", "+15005550006"), ("Body", body), ("MessageSid", "SM1")]
    signature = compute_signature(URL, params, token)
    response = api.client.post(
        PATH,
        content=urlencode(params),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature,
        },
    )
    return response.status_code


def _sms_opt_outs(engine: Engine) -> list[tuple[str, bool]]:
    h = holds.c
    with engine.connect() as conn:
        return [
            (row.case_id, row.ends_at is None)
            for row in conn.execute(
                select(h.case_id, h.ends_at).where(h.kind == "opt_out", h.channel == "sms")
            )
        ]


def test_stop_then_start(inbound: Api, engine: Engine) -> None:
    assert _text(inbound, ALICE, "I will pay Friday") == 204
    assert _sms_opt_outs(engine) == []
    assert _text(inbound, ALICE, "STOP") == 204
    assert _sms_opt_outs(engine) == [("C-A-D1", True)]
    assert _text(inbound, ALICE, "stop!!") == 204  # said twice, held once
    assert _sms_opt_outs(engine) == [("C-A-D1", True)]
    case = inbound.ok("/api/v1/cases/C-A-D1")
    assert any(
        h["kind"] == "opt_out" and h["channel"] == "sms" and h["active"] for h in case["holds"]
    )
    assert _text(inbound, ALICE, "START") == 204
    assert _sms_opt_outs(engine) == [("C-A-D1", False)]
    e = evidence_entries.c
    with engine.connect() as conn:
        logged = conn.execute(
            select(e.kind).where(e.case_id == "C-A-D1").order_by(e.entry_index)
        ).scalars()
        # the repeated STOP logged nothing; reading the case is itself a logged access
        assert list(logged) == ["consent_withdrawn", "data_access", "consent_given"]


def test_a_forged_or_unknown_text_changes_nothing(inbound: Api, engine: Engine) -> None:
    assert _text(inbound, ALICE, "STOP", token="not-the-token") == 403
    assert _text(inbound, "+19995550000", "STOP") == 204  # nobody has this number
    assert _sms_opt_outs(engine) == []


def test_without_a_twilio_account_texts_are_refused(api: Api) -> None:
    get_settings.cache_clear()
    assert _text(api, ALICE, "STOP") == 403
