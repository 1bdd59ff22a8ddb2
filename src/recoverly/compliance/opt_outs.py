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
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Connection, select

from recoverly.compliance import holds
from recoverly.domain.cases import Hold, HoldKind
from recoverly.domain.events import Channel
from recoverly.domain.parties import ContactKind
from recoverly.store.repositories import cases
from recoverly.store.tables import contact_points

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
        for case_id in cases.open_case_ids(conn, tenant_id, debtor_id):
            found = cases.active_holds(
                conn, tenant_id, case_id, HoldKind.OPT_OUT, at, Channel.SMS.value
            )
            if reply is Reply.STOP and not found:
                stop = Hold(HoldKind.OPT_OUT, at, None, "debtor: texted stop", Channel.SMS.value)
                holds.place(conn, tenant_id, case_id, stop, BY_TEXT, at)
                changed += 1
            elif reply is Reply.START:
                for hold in found:
                    assert hold.hold_id is not None  # read from the store
                    holds.release(
                        conn, tenant_id, case_id, hold.hold_id, "debtor texted start", BY_TEXT, at
                    )
                changed += len(found)
    return Applied(reply, len(reached), changed)
