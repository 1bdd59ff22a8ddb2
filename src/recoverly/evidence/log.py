"""Appending to the evidence log and signing its tree heads.

Appends run inside the caller's transaction, so an event is logged exactly when what it
records is committed (a message's ``sent`` and its entry commit together, or neither).
The tree's nodes an append completes are stored in that transaction too (``tree.py``),
so signing reads O(log n) of them instead of every leaf hash.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import datetime

import polars as pl
from sqlalchemy import Connection, Engine

from recoverly.config import Settings
from recoverly.domain.cases import Hold, HoldKind
from recoverly.domain.evidence import Evidence, EvidenceKind, TreeHead, tree_head_message
from recoverly.domain.merkle import leaf_hash
from recoverly.evidence import keys, timestamp, tree
from recoverly.evidence.errors import LogTampered, NothingSigned, TimestampError
from recoverly.evidence.frames import canonical_entries, instant
from recoverly.evidence.keys import SigningKey
from recoverly.store.repositories import evidence as repo
from recoverly.store.repositories import tenancy

# Entries are made and sent in batches of this many: PostgreSQL stores one while the next
# is canonicalised and hashed.
_BATCH = 2_048

_log = logging.getLogger("recoverly.evidence")


def append(conn: Connection, events: Sequence[Evidence], now: datetime) -> list[int]:
    """Append ``events`` in order, in the caller's transaction; returns their positions.

    The log stays locked for other appenders until that transaction ends. Writes the
    entries and the tree nodes they complete: by COPY for a large batch on PostgreSQL.
    """
    if not events:
        return []
    _, first = repo.reserve(conn, len(events), now)
    names = {t: tenancy.tenant_name(conn, t) for t in {event.tenant_id for event in events}}
    leaf_hashes: list[bytes] = []

    def batches() -> Iterator[repo.NewEntries]:
        for at in range(0, len(events), _BATCH):
            chunk = events[at : at + _BATCH]
            entries = [
                event.entry(first + at + i, names[event.tenant_id]) for i, event in enumerate(chunk)
            ]
            hashes = [leaf_hash(entry) for entry in entries]
            leaf_hashes.extend(hashes)  # kept for the tree, once the entries are written
            yield repo.NewEntries(
                first=first + at,
                tenant_ids=[event.tenant_id for event in chunk],
                kinds=[event.kind.value for event in chunk],
                case_ids=[event.case_id for event in chunk],
                entries=entries,
                leaf_hashes=hashes,
            )

    repo.add_entries(conn, batches(), now)
    tree.grow(conn, first, leaf_hashes)
    return list(range(first, first + len(events)))


def append_frame(
    conn: Connection, tenant_id: int, kind: EvidenceKind, events: pl.DataFrame, now: datetime
) -> int:
    """Append one ``kind`` entry per row of ``events``, in the caller's transaction, in
    row order; returns how many. For the daily run's decisions and other large batches:
    the entries are encoded column by column (``frames.canonical_entries``) and stored
    with COPY, and each has the same bytes ``Evidence.entry`` would give it.

    ``events`` has ``case_id``, ``at`` (a UTC datetime) and one column per fact (text or
    integers); every row belongs to ``tenant_id``.
    """
    if events.height == 0:
        return 0
    _, first = repo.reserve(conn, events.height, now)
    body = events.with_columns(
        instant("at"),
        pl.lit(kind.value).alias("kind"),
        pl.lit(tenancy.tenant_name(conn, tenant_id)).alias("tenant"),
        pl.int_range(first, first + events.height, dtype=pl.Int64).alias("index"),
    )
    entries = canonical_entries(body)
    hashes = [leaf_hash(e) for e in entries]
    repo.add_entries(
        conn,
        [
            repo.NewEntries(
                first=first,
                tenant_ids=[tenant_id] * events.height,
                kinds=[kind.value] * events.height,
                case_ids=events["case_id"].cast(pl.String).to_list(),
                entries=entries,
                leaf_hashes=hashes,
            )
        ],
        now,
    )
    tree.grow(conn, first, hashes)
    return events.height


# Holds a reader looks for by their own names: a dispute, and consent to a channel (an
# opt-out is consent withdrawn; lifting it, by START or by an agent, is consent given).
_HOLD_KINDS = {
    HoldKind.DISPUTE: (EvidenceKind.DISPUTE_OPENED, EvidenceKind.DISPUTE_CLOSED),
    HoldKind.OPT_OUT: (EvidenceKind.CONSENT_WITHDRAWN, EvidenceKind.CONSENT_GIVEN),
}


def hold_changed(
    conn: Connection,
    tenant_id: int,
    case_id: str,
    hold: Hold,
    *,
    released: bool,
    by: str,
    now: datetime,
) -> None:
    """Log that a hold took effect or was lifted, in the caller's transaction: which
    kind, on which channel, by whom; never the reason's words (they may name people)."""
    placed, lifted = _HOLD_KINDS.get(
        hold.kind, (EvidenceKind.HOLD_PLACED, EvidenceKind.HOLD_RELEASED)
    )
    kind = lifted if released else placed
    event = Evidence(
        kind=kind,
        tenant_id=tenant_id,
        at=now,
        case_id=case_id,
        facts=(
            ("hold", hold.kind.value),
            ("hold_id", hold.hold_id),
            ("channel", hold.channel),
            ("starts_at", hold.starts_at.isoformat()),
            ("ends_at", None if hold.ends_at is None else hold.ends_at.isoformat()),
            ("by", by),
        ),
    )
    append(conn, [event], now)


def sign(conn: Connection, key: SigningKey, now: datetime) -> tuple[TreeHead, bool]:
    """Sign a head over everything appended so far; returns it and whether it is new.

    Refuses to sign over a log that no longer extends its last signed head (a signature
    must never launder an edit): the stored tree must reproduce that head's root. The
    root comes from the stored tree, so signing costs O(log n) reads; it commits to the
    entries as they were appended, and an entry edited since is the audit's to find
    (``audit.py`` recomputes every head from the entries' own bytes).
    """
    state = repo.log_state(conn)
    if state is None or state[1] == 0:
        raise NothingSigned("the evidence log is empty: nothing to sign")
    log_id, size = state
    previous = repo.latest_head(conn, log_id)
    if previous and previous.tree_size == size and previous.key_id == key.key_id:
        return previous, False
    if previous and tree.root(conn, previous.tree_size) != previous.root_hash:
        raise LogTampered(
            f"the stored tree no longer reproduces the head signed at size "
            f"{previous.tree_size}: run `recoverly evidence audit`"
        )
    root_hash = tree.root(conn, size)
    head = TreeHead(
        log_id=log_id,
        tree_size=size,
        root_hash=root_hash,
        signature=key.sign(tree_head_message(log_id, size, root_hash)),
        key_id=key.key_id,
        public_key=key.public_key,
        signed_at=now,
    )
    repo.add_head(conn, head)
    return head, True


def sign_if_configured(engine: Engine, settings: Settings, now: datetime) -> TreeHead | None:
    """Sign a head when a signing key is configured (after a dispatch run, say); without
    one, entries wait for the next ``recoverly evidence sign``.

    With a TSA configured, the committed head is then time-stamped; a TSA that fails is
    logged, not raised: the dispatch run is done and the head is kept, and
    ``recoverly evidence timestamp`` stamps it later.
    """
    key = keys.configured(settings)
    if key is None:
        return None
    with engine.begin() as conn:
        head, _ = sign(conn, key, now)
    try:
        timestamp.stamp_if_configured(engine, settings, head)
    except TimestampError as exc:
        _log.warning("tree head %s signed but not time-stamped: %s", head.tree_size, exc.message)
    return head
