"""A debtor's "stop" by text message: an opt-out of that medium, honoured at once.

Regulation F requires honouring an opt-out sent in words the collector did not ask for
("stop", "unsubscribe", "end", "quit", "cancel": 12 CFR 1006.6(e)), and carriers treat the
same words, with "stopall", "revoke" and "optout", as an opt-out of the sending number;
Chinese senders use 退订 (reply "TD" to unsubscribe). "start" and "unstop" opt back in, the
consent through that medium that 12 CFR 1006.14(h)(2)(iii) allows.

The opt-out is an ``opt_out`` hold naming ``sms`` on each open case of every debtor with
that number, in every tenant that texts from the same sender: the person asked the
number that texted them to stop, whoever the creditor.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, Connection, select, update

from recoverly.domain.cases import Hold, HoldKind
from recoverly.domain.events import Channel
from recoverly.domain.parties import ContactKind
from recoverly.evidence import log as evidence_log
from recoverly.store.tables import cases, contact_points, holds

STOP_WORDS = frozenset(
    ["stop", "stopall", "unsubscribe", "end", "quit", "cancel", "revoke", "optout", "td", "退订"]
)
START_WORDS = frozenset(["start", "unstop", "yes"])
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
BY_TEXT = "debtor: text message"  # who placed or lifted the opt-out


class Reply(StrEnum):
    STOP = "stop"
    START = "start"


def keyword(text: str) -> Reply | None:
    """What a text message says about consent, if anything: its first word decides, as
    carriers read it ("Stop!", " STOP please", "退订" are stops; "don't stop" is not one)."""
    normal = unicodedata.normalize("NFKC", text).strip().casefold()
    first = _WORD.match(normal)
    if first is None:
        return None
    word = first.group()
    if word in STOP_WORDS:
        return Reply.STOP
    if word in START_WORDS and normal == word:  # "yes" only on its own
        return Reply.START
    return None


@dataclass(frozen=True, slots=True)
class Applied:
    """What a reply changed: holds placed or released, over how many debtors."""

    reply: Reply
    debtors: int
    holds: int


def apply_reply(conn: Connection, number: str, reply: Reply, at: datetime) -> Applied:
    """Place (STOP) or release (START) the SMS opt-out of every open case of every debtor
    reached at ``number``, in the caller's transaction; idempotent."""
    p = contact_points.c
    reached = conn.execute(
        select(p.tenant_id, p.debtor_id)
        .where(p.kind == ContactKind.PHONE.value, p.value == number)
        .distinct()
    ).all()
    changed = 0
    for tenant_id, debtor_id in reached:
        open_cases = conn.execute(
            select(cases.c.case_id).where(
                cases.c.tenant_id == tenant_id,
                cases.c.debtor_id == debtor_id,
                cases.c.closed_at.is_(None),
            )
        ).scalars()
        for case_id in open_cases:
            changed += (
                _stop(conn, tenant_id, case_id, at)
                if reply is Reply.STOP
                else _start(conn, tenant_id, case_id, at)
            )
    return Applied(reply, len(reached), changed)


def _active(tenant_id: int, case_id: str, at: datetime) -> list[ColumnElement[bool]]:
    h = holds.c
    return [
        h.tenant_id == tenant_id,
        h.case_id == case_id,
        h.kind == HoldKind.OPT_OUT.value,
        h.channel == Channel.SMS.value,
        h.starts_at <= at,
        (h.ends_at.is_(None)) | (h.ends_at > at),
    ]


def _stop(conn: Connection, tenant_id: int, case_id: str, at: datetime) -> int:
    if conn.execute(select(holds.c.id).where(*_active(tenant_id, case_id, at))).first():
        return 0
    hold = Hold(HoldKind.OPT_OUT, at, None, BY_TEXT, Channel.SMS.value)
    hold_id = conn.execute(
        holds.insert()
        .values(
            tenant_id=tenant_id,
            case_id=case_id,
            kind=hold.kind.value,
            channel=hold.channel,
            starts_at=at,
            ends_at=None,
            reason="debtor: texted stop",
            created_at=at,
        )
        .returning(holds.c.id)
    ).scalar_one()
    placed = replace(hold, hold_id=hold_id)
    evidence_log.hold_changed(conn, tenant_id, case_id, placed, released=False, by=BY_TEXT, now=at)
    return 1


def _start(conn: Connection, tenant_id: int, case_id: str, at: datetime) -> int:
    active = conn.execute(
        select(holds.c.id, holds.c.starts_at).where(*_active(tenant_id, case_id, at))
    ).all()
    for hold_id, starts_at in active:
        conn.execute(
            update(holds)
            .where(holds.c.id == hold_id)
            .values(ends_at=at, reason=holds.c.reason + "; released: debtor texted start")
        )
        lifted = Hold(HoldKind.OPT_OUT, starts_at, at, BY_TEXT, Channel.SMS.value, hold_id)
        evidence_log.hold_changed(
            conn, tenant_id, case_id, lifted, released=True, by=BY_TEXT, now=at
        )
    return len(active)
