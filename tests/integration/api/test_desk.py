"""The agent desktop and holds over the API: a call or a message starts only when the
rules allow it, a hold placed by anyone stops every path at once, and each case, hold
and message stays within its tenant."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select

from recoverly.api import deps
from recoverly.domain.roles import Role
from recoverly.store.tables import contact_attempts, contact_points, outbox, personal_data_reads
from tests.integration.api.conftest import Api
from tests.integration.api.seed import HOME, NEIGHBOUR, NEIGHBOUR_ONLY

CASE = "C-A-D3"  # debtor A-D3: US-CA, in UTC for the seed's purposes, no hold
NOON = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)  # a Monday, inside [08:00, 21:00)
NIGHT = datetime(2026, 3, 9, 23, 0, tzinfo=UTC)


@pytest.fixture
def desk(api: Api, engine: Engine) -> Iterator[Api]:
    """The API with A-D3 reachable by phone and e-mail, and a clock set at noon."""
    with engine.begin() as conn:
        conn.execute(
            insert(contact_points),
            [
                {
                    "tenant_id": _tenant_of(engine, "A-D3"),
                    "debtor_id": "A-D3",
                    "kind": kind,
                    "value": value,
                    "source": "test",
                    "consent": "given",
                    "verification": "verified",
                    "created_at": NOON,
                    "updated_at": NOON,
                }
                for kind, value in [("phone", "+13105550199"), ("email", "alvin@example.com")]
            ],
        )
    _clock(api, NOON)
    yield api
    api.app.dependency_overrides.clear()


def _tenant_of(engine: Engine, debtor_id: str) -> int:
    from recoverly.store.tables import debtors

    with engine.connect() as conn:
        found: int = conn.execute(
            select(debtors.c.tenant_id).where(debtors.c.debtor_id == debtor_id)
        ).scalar_one()
    return found


def _clock(api: Api, at: datetime) -> None:
    api.app.dependency_overrides[deps.now] = lambda: at


def _post(
    api: Api, path: str, body: Any = None, *, role: Role = Role.AGENT, tenant: str = HOME
) -> Any:
    token = api.tokens[tenant, role]
    return api.client.post(
        f"/api/v1{path}", json=body, headers={"Authorization": f"Bearer {token}"}
    )


def _count(engine: Engine, table: Any, *where: Any) -> int:
    with engine.connect() as conn:
        found: int = conn.execute(
            select(func.count()).select_from(table).where(*where)
        ).scalar_one()
    return found


def test_a_call_inside_the_rules_gives_the_number_and_counts(desk: Api, engine: Engine) -> None:
    answer = _post(desk, f"/cases/{CASE}/calls", {"contact_id": "desk-call-1"})
    assert answer.status_code == 201, answer.text
    call = answer.json()
    assert call["number"] == "+13105550199"
    assert call["contact_id"] == "desk-call-1"
    stored = _count(engine, contact_attempts, contact_attempts.c.contact_id == "desk-call-1")
    assert stored == 1
    read = personal_data_reads.c
    assert (
        _count(engine, personal_data_reads, read.debtor_id == "A-D3", read.purpose == "call") == 1
    )
    # The outcome is recorded under the same id: the call becomes a conversation, and the
    # quiet week after it (12 CFR 1006.14(b)(2)(i)(B)) stops the next call.
    talk = {
        "contact_id": "desk-call-1",
        "debtor_id": "A-D3",
        "channel": "call",
        "outcome": "conversation",
        "at": NOON.isoformat(),
    }
    assert _post(desk, "/contacts", talk).status_code == 201
    again = _post(desk, f"/cases/{CASE}/calls")
    assert again.status_code == 409
    assert again.json()["reasons"][0]["rule"] == "12 CFR 1006.14(b)(2)(i)(B)"


def test_a_refused_call_gives_no_number_and_records_nothing(desk: Api, engine: Engine) -> None:
    _clock(desk, NIGHT)
    answer = _post(desk, f"/cases/{CASE}/calls")
    assert answer.status_code == 409
    refusal = answer.json()
    assert refusal["decision"] == "block"
    assert refusal["next_allowed_at"] == "2026-03-10T08:00:00Z"
    assert "+1310" not in answer.text
    assert _count(engine, contact_attempts, contact_attempts.c.debtor_id == "A-D3") == 0
    assert _count(engine, personal_data_reads, personal_data_reads.c.debtor_id == "A-D3") == 0


def test_seven_calls_in_seven_days_then_no_eighth(desk: Api) -> None:
    for _ in range(7):
        assert _post(desk, f"/cases/{CASE}/calls").status_code == 201
    eighth = _post(desk, f"/cases/{CASE}/calls")
    assert eighth.status_code == 409
    assert eighth.json()["reasons"][0]["rule"] == "12 CFR 1006.14(b)(2)(i)(A)"


def test_an_opt_out_hold_stops_its_medium_until_released(desk: Api, engine: Engine) -> None:
    placed = _post(
        desk, f"/cases/{CASE}/holds", {"kind": "opt_out", "channel": "sms", "reason": "STOP"}
    )
    assert placed.status_code == 201, placed.text
    hold = placed.json()
    assert hold["active"] is True
    assert hold["channel"] == "sms"
    sms = {"message_id": "m-1", "channel": "sms", "template": "gentle_reminder"}
    refused = _post(desk, f"/cases/{CASE}/messages", sms)
    assert refused.status_code == 409
    assert "1006.14(h)" in refused.json()["reasons"][0]["rule"]
    email = {"message_id": "m-2", "channel": "email", "template": "gentle_reminder"}
    assert _post(desk, f"/cases/{CASE}/messages", email).status_code == 202
    assert _post(desk, f"/cases/{CASE}/calls").status_code == 201
    # An agent may stop collection, not lift a stop.
    release = f"/cases/{CASE}/holds/{hold['hold_id']}/release"
    assert _post(desk, release, {"reason": "opted back in"}).status_code == 403
    lifted = _post(desk, release, {"reason": "opted back in"}, role=Role.SUPERVISOR)
    assert lifted.status_code == 200, lifted.text
    assert lifted.json()["active"] is False
    assert "released: opted back in" in lifted.json()["reason"]
    assert _post(desk, f"/cases/{CASE}/messages", sms).status_code == 202
    o = outbox.c
    assert _count(engine, outbox, o.plan_id.in_(["M-m-1", "M-m-2"])) == 2
    again = _post(desk, release, {"reason": "twice"}, role=Role.SUPERVISOR)
    assert again.status_code == 422


def test_a_message_is_queued_once_whatever_the_retries(desk: Api, engine: Engine) -> None:
    body = {"message_id": "m-7", "channel": "email", "template": "gentle_reminder"}
    first = _post(desk, f"/cases/{CASE}/messages", body)
    assert first.status_code == 202, first.text
    assert first.json()["status"] == "queued"
    # a dispute arrives, then the client retries: it gets its first message back
    dispute = {"kind": "dispute", "reason": "debtor disputes the fees"}
    assert _post(desk, f"/cases/{CASE}/holds", dispute).status_code == 201
    retry = _post(desk, f"/cases/{CASE}/messages", body)
    assert retry.status_code == 202
    assert retry.json()["status"] == "already_queued"
    assert _count(engine, outbox, outbox.c.plan_id == "M-m-7") == 1
    fresh = _post(desk, f"/cases/{CASE}/messages", body | {"message_id": "m-8"})
    assert fresh.status_code == 409  # the dispute holds every new contact


def test_messages_are_judged_at_their_own_instant(desk: Api) -> None:
    late = {
        "message_id": "m-late",
        "channel": "email",
        "template": "gentle_reminder",
        "send_at": "2026-03-09T22:30:00Z",
    }
    refused = _post(desk, f"/cases/{CASE}/messages", late)
    assert refused.status_code == 409
    later = refused.json()["next_allowed_at"]
    assert later == "2026-03-10T08:00:00Z"
    scheduled = _post(desk, f"/cases/{CASE}/messages", late | {"send_at": later})
    assert scheduled.status_code == 202
    assert scheduled.json()["send_at"] == later


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ({"kind": "opt_out", "reason": "x"}, "channel"),
        ({"kind": "dispute", "channel": "sms", "reason": "x"}, "channel"),
        (
            {
                "kind": "dispute",
                "reason": "x",
                "starts_at": "2026-03-09T10:00:00Z",
                "ends_at": "2026-03-09T09:00:00Z",
            },
            "ends_at",
        ),
        ({"kind": "holiday", "reason": "x"}, "kind"),
    ],
)
def test_bad_holds_are_refused_naming_the_field(desk: Api, body: Any, names: str) -> None:
    answer = _post(desk, f"/cases/{CASE}/holds", body)
    assert answer.status_code == 422
    assert names in answer.text


def test_bad_messages_are_refused_naming_what(desk: Api) -> None:
    unknown = {"message_id": "m-x", "channel": "sms", "template": "no_such_template"}
    assert _post(desk, f"/cases/{CASE}/messages", unknown).status_code == 404
    wrong = {"message_id": "m-y", "channel": "sms", "template": "final_notice"}
    answer = _post(desk, f"/cases/{CASE}/messages", wrong)
    assert answer.status_code == 422
    assert "final_notice" in answer.text


def test_another_tenants_case_hold_and_message_are_unknown(desk: Api) -> None:
    theirs = NEIGHBOUR_ONLY["case_id"]
    assert _post(desk, f"/cases/{theirs}/calls").status_code == 404
    body = {"message_id": "m-n", "channel": "email", "template": "gentle_reminder"}
    assert _post(desk, f"/cases/{theirs}/messages", body).status_code == 404
    hold = {"kind": "dispute", "reason": "x"}
    assert _post(desk, f"/cases/{theirs}/holds", hold).status_code == 404
    mine = _post(desk, "/cases/C-A-D4/holds", hold).json()["hold_id"]
    release = {"reason": "x"}
    assert (
        _post(
            desk,
            f"/cases/C-A-D4/holds/{mine}/release",
            release,
            role=Role.ADMIN,
            tenant=NEIGHBOUR,
        ).status_code
        == 404
    )
    # the neighbour's message ids do not collide with ours
    assert _post(desk, f"/cases/{CASE}/messages", body).status_code == 202
    assert _post(desk, f"/cases/{CASE}/messages", body).json()["status"] == "already_queued"


def test_readonly_users_cannot_call_or_hold(desk: Api) -> None:
    assert _post(desk, f"/cases/{CASE}/calls", role=Role.READONLY).status_code == 403
    hold = {"kind": "dispute", "reason": "x"}
    assert _post(desk, f"/cases/{CASE}/holds", hold, role=Role.READONLY).status_code == 403


def test_may_i_call_at_work_is_a_question_of_its_own(desk: Api) -> None:
    check = f"/api/v1/cases/{CASE}/contact-check"
    at = {"at": NOON.isoformat()}
    assert desk.ok(check, role=Role.AGENT, place="work", **at)["decision"] == "allow"
    body = {"kind": "no_work_contact", "reason": "employer forbids personal calls"}
    assert _post(desk, f"/cases/{CASE}/holds", body).status_code == 201
    at_work = desk.ok(check, role=Role.AGENT, place="work", **at)
    assert at_work["decision"] == "block"
    assert at_work["next_allowed_at"] is None
    assert "1006.6(b)(3)" in at_work["reasons"][0]["rule"]
    assert desk.ok(check, role=Role.AGENT, **at)["decision"] == "allow"  # at home
    assert desk.get(check, role=Role.AGENT, place="office", **at).status_code == 422


def test_holds_placed_and_lifted_are_in_the_evidence_log(desk: Api, engine: Engine) -> None:
    import json

    from recoverly.store.tables import evidence_entries

    body = {"kind": "opt_out", "channel": "sms", "reason": "Alvin's wife said stop"}
    hold = _post(desk, f"/cases/{CASE}/holds", body).json()
    release = f"/cases/{CASE}/holds/{hold['hold_id']}/release"
    assert _post(desk, release, {"reason": "opted in"}, role=Role.SUPERVISOR).status_code == 200
    with engine.connect() as conn:
        logged = [
            json.loads(row.entry)
            for row in conn.execute(
                select(evidence_entries.c.entry)
                .where(evidence_entries.c.case_id == CASE)
                .order_by(evidence_entries.c.entry_index)
            )
        ]
    # An opt-out is consent to a channel withdrawn; lifting it gives consent back.
    assert [e["kind"] for e in logged] == ["consent_withdrawn", "consent_given"]
    assert {(e["hold"], e["channel"], e["hold_id"]) for e in logged} == {
        ("opt_out", "sms", hold["hold_id"])
    }
    assert logged[1]["ends_at"] is not None
    assert all("wife" not in json.dumps(e) for e in logged)  # never the reason's words


def _put_recording(
    api: Api, case_id: str, contact_id: str, audio: bytes, *, tenant: str = HOME
) -> Any:
    token = api.tokens[tenant, Role.AGENT]
    return api.client.put(
        f"/api/v1/cases/{case_id}/calls/{contact_id}/recording",
        content=audio,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "audio/ogg"},
    )


def test_a_calls_recording_is_stored_by_hash_and_logged_with_it(
    desk: Api, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib
    import json

    from recoverly.config import get_settings
    from recoverly.store.blobs import LocalBlobStore
    from recoverly.store.tables import evidence_entries

    monkeypatch.setenv("RECOVERLY_BLOB_DIR", str(tmp_path / "blobs"))
    get_settings.cache_clear()
    assert _post(desk, f"/cases/{CASE}/calls", {"contact_id": "rec-1"}).status_code == 201
    talk = {
        "contact_id": "rec-1",
        "debtor_id": "A-D3",
        "channel": "call",
        "outcome": "promise_to_pay",
        "at": NOON.isoformat(),
    }
    assert _post(desk, "/contacts", talk).status_code == 201
    audio = b"OggS\x00" + bytes(range(256)) * 40
    digest = hashlib.sha256(audio).hexdigest()
    first = _put_recording(desk, CASE, "rec-1", audio)
    assert first.status_code == 201, first.text
    assert first.json() == {
        "contact_id": "rec-1",
        "case_id": CASE,
        "recording_sha256": digest,
        "bytes": len(audio),
    }
    assert _put_recording(desk, CASE, "rec-1", audio).status_code == 201  # again: no change
    assert LocalBlobStore(tmp_path / "blobs").get(digest) == audio
    with engine.connect() as conn:
        stored = conn.execute(
            select(contact_attempts.c.recording_sha256).where(
                contact_attempts.c.contact_id == "rec-1"
            )
        ).scalar_one()
        e = evidence_entries.c
        calls = [
            json.loads(r)
            for r in conn.execute(
                select(e.entry).where(e.kind == "call_outcome").order_by(e.entry_index)
            ).scalars()
        ]
    assert stored == digest
    # placed (no answer yet), answered (a promise), then the recording named: once each
    assert [(c["outcome"], c["recording_sha256"]) for c in calls] == [
        ("no_answer", None),
        ("promise_to_pay", None),
        ("promise_to_pay", digest),
    ]
    assert {c["case_id"] for c in calls} == {CASE}


def test_a_recording_needs_a_call_of_the_cases_own_debtor(desk: Api) -> None:
    audio = b"RIFF....WAVE"
    assert _put_recording(desk, CASE, "no-such-call", audio).status_code == 404
    assert _post(desk, f"/cases/{CASE}/calls", {"contact_id": "rec-2"}).status_code == 201
    theirs = NEIGHBOUR_ONLY["case_id"]
    assert _put_recording(desk, theirs, "rec-2", audio).status_code == 404
    assert _put_recording(desk, CASE, "rec-2", audio, tenant=NEIGHBOUR).status_code == 404
    assert _put_recording(desk, "C-A-D4", "rec-2", audio).status_code == 404  # not D4's call
    empty = _put_recording(desk, CASE, "rec-2", b"")
    assert empty.status_code == 422
    assert "body" in empty.json()["error"]["message"]
