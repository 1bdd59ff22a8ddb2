"""Appending to the evidence log and signing its tree heads.

Appends run inside the caller's transaction, so an event is logged exactly when what it
records is committed (a message's ``sent`` and its entry commit together, or neither).
The tree's nodes an append completes are stored in that transaction too (``tree.py``),
so signing reads O(log n) of them instead of every leaf hash.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from sqlalchemy import Connection, Engine

from recoverly.config import Settings
from recoverly.domain.cases import Hold
from recoverly.domain.evidence import Evidence, EvidenceKind, TreeHead, tree_head_message
from recoverly.domain.merkle import leaf_hash
from recoverly.evidence import keys, tree
from recoverly.evidence.errors import LogTampered, NothingSigned
from recoverly.evidence.keys import SigningKey
from recoverly.store.repositories import evidence as repo
from recoverly.store.repositories import tenancy

# Entries are made and sent in batches of this many: PostgreSQL stores one while the next
# is canonicalised and hashed.
_BATCH = 2_048


def append(conn: Connection, events: Sequence[Evidence], now: datetime) -> list[int]:
    """Append ``events`` in order, in the caller's transaction; returns their positions.

    The log stays locked for other appenders until that transaction ends. Writes the
    entries and the tree nodes they complete: by COPY for a large batch on PostgreSQL.
    """
    if not events:
        return []
    _, first = repo.reserve(conn, len(events), now)
    leaf_hashes: list[bytes] = []

    def batches() -> Iterator[repo.NewEntries]:
        for at in range(0, len(events), _BATCH):
            chunk = events[at : at + _BATCH]
            entries = [event.entry(first + at + i) for i, event in enumerate(chunk)]
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
    kind = EvidenceKind.HOLD_RELEASED if released else EvidenceKind.HOLD_PLACED
    event = Evidence(
        kind=kind,
        tenant_id=tenant_id,
        tenant=tenancy.tenant_name(conn, tenant_id),
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
    one, entries wait for the next ``recoverly evidence sign``."""
    key = keys.configured(settings)
    if key is None:
        return None
    with engine.begin() as conn:
        head, _ = sign(conn, key, now)
    return head
