"""No path sends a contact the engine blocks: the dispatcher, the agent desktop's call
endpoint and the API's message endpoint, driven with contacts held by every kind of hold
and contacts outside their window, send nothing; the same contacts go out once the rules
allow them, so the zero is not for want of trying."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update

from recoverly.api import create_app, deps
from recoverly.channels.dispatcher import Dispatcher
from recoverly.channels.sandbox.sms_provider import SandboxSmsProvider
from recoverly.channels.sandbox.smtp_server import SandboxSmtpServer
from recoverly.channels.templates import load_catalog
from recoverly.domain.roles import Role
from recoverly.store.repositories import tenancy
from recoverly.store.tables import contact_attempts, contact_points, debtors, outbox, plan_items
from tests.integration.channels.test_dispatcher import Clock, _adapters, _setup

NOON = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
NIGHT = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
STOP_ALL = [
    "dispute",
    "cease_communication",
    "bankruptcy",
    "deceased",
    "breathing_space",
    "complaint",
    "attorney",
]


def _outbox(engine: Engine, tenant_id: int) -> list[tuple[str, str, str, str]]:
    """``case_id, plan_id, channel, status`` of every planned message."""
    o, p = outbox.c, plan_items.c
    with engine.connect() as conn:
        return [
            tuple(row)
            for row in conn.execute(
                select(p.case_id, o.plan_id, o.channel, o.status)
                .join(plan_items, (p.tenant_id == o.tenant_id) & (p.plan_id == o.plan_id))
                .where(o.tenant_id == tenant_id)
                .order_by(p.case_id)
            )
        ]


def _drain(engine: Engine, adapters: dict[str, Any], at: datetime) -> None:
    async def go() -> None:
        await Dispatcher(engine, adapters, load_catalog(), clock=Clock(at)).drain()

    asyncio.run(go())


def test_no_path_sends_a_blocked_contact(
    engine: Engine,
    database_url: str,
    tmp_path: Path,
    smtp_server: SandboxSmtpServer,
    sms_provider: SandboxSmsProvider,
) -> None:
    tenant_id = _setup(engine, tmp_path, accounts=80)
    # Every debtor lives in UTC and every message is due before noon: at noon every
    # window is open, so what blocks a contact then is its hold and nothing else.
    with engine.begin() as conn:
        conn.execute(update(debtors).values(timezone="UTC"))
        conn.execute(update(plan_items).values(debtor_timezone="UTC"))
        conn.execute(update(outbox).values(not_before=NOON - timedelta(hours=1)))
        token = tenancy.create_token(conn, tenant_id, Role.AGENT, "agent-7", NOON)
        officer = tenancy.create_token(conn, tenant_id, Role.SUPERVISOR, "sup-1", NOON)
    planned = _outbox(engine, tenant_id)
    cases = sorted({case for case, *_ in planned})
    assert len(cases) >= 30, "the portfolio must plan enough messages to drive each path"
    # Three groups: held (blocked by a hold at noon), night (due only at night, outside
    # every window) and free (due at noon, nothing against them: they must go out).
    third = len(cases) // 3
    held, night, free = cases[:third], cases[third : 2 * third], cases[2 * third :]
    channels = {case: channel for case, _, channel, _ in planned}
    with engine.begin() as conn:
        conn.execute(
            update(outbox)
            .where(outbox.c.plan_id.in_([plan for case, plan, *_ in planned if case in night]))
            .values(not_before=NIGHT - timedelta(minutes=30))
        )

    app = create_app(database_url)
    client = TestClient(app)
    clock = {"at": NOON}
    app.dependency_overrides[deps.now] = lambda: clock["at"]

    def post(path: str, body: Any = None, key: str = token) -> Any:
        return client.post(f"/api/v1{path}", json=body, headers={"Authorization": f"Bearer {key}"})

    def message(case: str, n: int) -> dict[str, str]:
        template = "gentle_reminder" if channels[case] in ("sms", "email") else "final_notice"
        return {"message_id": f"nb-{n}", "channel": channels[case], "template": template}

    # Holds placed through the API, by an agent: every kind that stops all contact, and
    # opt-outs of the very channels the plan and the desk would use.
    kinds = itertools.cycle([*STOP_ALL, "opt_out"])
    for case in held:
        kind = next(kinds)
        if kind == "opt_out":
            for channel in {channels[case], "call"}:
                body = {"kind": kind, "channel": channel, "reason": "test"}
                assert post(f"/cases/{case}/holds", body).status_code == 201
        else:
            assert post(f"/cases/{case}/holds", {"kind": kind, "reason": "test"}).status_code == 201

    refusals = []
    n = itertools.count()
    for case in held:  # at noon: held
        refusals.append(post(f"/cases/{case}/calls"))
        refusals.append(post(f"/cases/{case}/messages", message(case, next(n))))
    clock["at"] = NIGHT
    for case in night:  # at night: outside every window
        refusals.append(post(f"/cases/{case}/calls"))
        refusals.append(post(f"/cases/{case}/messages", message(case, next(n))))
    assert [r.status_code for r in refusals] == [409] * len(refusals)
    assert all(r.json()["decision"] == "block" and r.json()["reasons"] for r in refusals)
    assert not any("number" in r.json() for r in refusals)

    adapters = _adapters(smtp_server, sms_provider)
    _drain(engine, adapters, NOON)
    _drain(engine, adapters, NIGHT)
    status = {case: state for case, _, _, state in _outbox(engine, tenant_id)}
    assert {status[case] for case in held} == {"blocked"}
    # Outside its window a message waits for the next opening if that comes within a day
    # of its plan, and is blocked otherwise: either way it is not sent tonight.
    assert {status[case] for case in night} <= {"blocked", "pending"}
    with engine.connect() as conn:
        waiting = conn.execute(
            select(outbox.c.not_before).where(
                outbox.c.tenant_id == tenant_id, outbox.c.status == "pending"
            )
        ).scalars()
        assert all(at > NIGHT + timedelta(hours=8) for at in waiting)
    assert {status[case] for case in free} == {"sent"}  # the zero is not for want of trying
    delivered = [m.to for m in sms_provider.messages()] + [
        d.rcpt_tos[0] for d in smtp_server.deliveries()
    ]
    expected = sum(1 for case in free if channels[case] in ("sms", "email"))
    assert expected > 0
    assert len(delivered) == expected
    with engine.connect() as conn:
        contacted = {
            row.debtor_id
            for row in conn.execute(
                select(contact_attempts.c.debtor_id).where(
                    contact_attempts.c.tenant_id == tenant_id
                )
            )
        }
    assert contacted == {case.removeprefix("C-") for case in free}
    assert len(_outbox(engine, tenant_id)) == len(planned)  # the API queued nothing

    # Once a supervisor lifts a dispute, the desk may call that case again.
    clock["at"] = NOON
    with engine.connect() as conn:
        phoned = set(
            conn.execute(
                select(contact_points.c.debtor_id).where(
                    contact_points.c.tenant_id == tenant_id, contact_points.c.kind == "phone"
                )
            ).scalars()
        )
    # the disputed cases (every eighth held one), and of those one whose debtor has a phone
    disputed = next(c for c in held[:: len(STOP_ALL) + 1] if c.removeprefix("C-") in phoned)
    refused = post(f"/cases/{disputed}/calls")
    assert refused.status_code == 409
    hold_id = client.get(
        f"/api/v1/cases/{disputed}", headers={"Authorization": f"Bearer {officer}"}
    ).json()["holds"][0]["hold_id"]
    lifted = post(f"/cases/{disputed}/holds/{hold_id}/release", {"reason": "verified"}, officer)
    assert lifted.status_code == 200
    call = post(f"/cases/{disputed}/calls")
    assert call.status_code == 201, call.text
    assert call.json()["number"].startswith("+")
