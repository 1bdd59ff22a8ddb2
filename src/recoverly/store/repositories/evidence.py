"""The evidence log in SQL: hand out positions, keep entries and signed heads, read back.

Positions come from the single ``evidence_log`` row: an append moves ``next_index`` on
by the size of its batch, which locks the row until the transaction ends (PostgreSQL's
row lock; SQLite's one writer). Appenders therefore queue on it, and a transaction that
rolls back gives its positions back, so the log never has a gap.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, Row, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from recoverly.domain.evidence import HeadTimestamp, TreeHead
from recoverly.store import bulk
from recoverly.store.tables import evidence_entries, evidence_log, tree_heads


@dataclass(frozen=True, slots=True)
class StoredEntry:
    index: int
    tenant_id: int
    kind: str
    case_id: str | None
    entry: bytes
    leaf_hash: bytes


def reserve(conn: Connection, count: int, now: datetime) -> tuple[str, int]:
    """Take ``count`` consecutive positions; returns the log's id and the first of them.

    Holds the log's lock until the caller's transaction ends: commit soon after.
    """
    g = evidence_log.c
    taken = conn.execute(
        update(evidence_log)
        .where(g.id == 1)
        .values(next_index=g.next_index + count)
        .returning(g.log_id, g.next_index)
    ).first()
    if taken is None:  # the first append ever: create the log, then take the lock
        dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        conn.execute(  # two first appenders may race here: one row wins, both then queue
            dialect_insert(evidence_log)
            .values(id=1, log_id=f"recoverly-{uuid.uuid4().hex}", next_index=0, created_at=now)
            .on_conflict_do_nothing(index_elements=["id"])
        )
        return reserve(conn, count, now)
    return taken.log_id, taken.next_index - count


def add_entry_frame(conn: Connection, entries: pl.DataFrame, now: datetime) -> None:
    """Store entries given as a frame (``entry_index, tenant_id, kind, case_id, entry,
    leaf_hash``) by the fastest route: COPY on PostgreSQL."""
    bulk.insert(conn, evidence_entries, entries, constants={"appended_at": now})


def add_entries(conn: Connection, entries: Sequence[StoredEntry], now: datetime) -> None:
    conn.execute(
        insert(evidence_entries),
        [
            {
                "entry_index": e.index,
                "tenant_id": e.tenant_id,
                "kind": e.kind,
                "case_id": e.case_id,
                "entry": e.entry,
                "leaf_hash": e.leaf_hash,
                "appended_at": now,
            }
            for e in entries
        ],
    )


def log_state(conn: Connection) -> tuple[str, int] | None:
    """The log's id and how many positions it has handed out, if it exists yet."""
    g = evidence_log.c
    row = conn.execute(select(g.log_id, g.next_index).where(g.id == 1)).first()
    return None if row is None else (row.log_id, row.next_index)


def leaf_hashes(conn: Connection, size: int) -> list[bytes]:
    """The stored leaf hashes of positions below ``size``, in order (gaps skipped)."""
    e = evidence_entries.c
    rows = conn.execute(
        select(e.leaf_hash).where(e.entry_index < size).order_by(e.entry_index)
    ).scalars()
    return [bytes(h) for h in rows]


def _stored(row: Row[Any]) -> StoredEntry:
    r = row._mapping
    return StoredEntry(
        index=r["entry_index"],
        tenant_id=r["tenant_id"],
        kind=r["kind"],
        case_id=r["case_id"],
        entry=bytes(r["entry"]),
        leaf_hash=bytes(r["leaf_hash"]),
    )


def all_entries(conn: Connection, batch: int = 10_000) -> Iterator[StoredEntry]:
    """Every stored entry in position order, streamed."""
    rows = conn.execution_options(yield_per=batch).execute(
        select(evidence_entries).order_by(evidence_entries.c.entry_index)
    )
    for row in rows:
        yield _stored(row)


def case_entries(conn: Connection, tenant_id: int, case_id: str, below: int) -> list[StoredEntry]:
    """A tenant's entries about one case, among the first ``below`` positions."""
    e = evidence_entries.c
    rows = conn.execute(
        select(evidence_entries)
        .where(e.tenant_id == tenant_id, e.case_id == case_id, e.entry_index < below)
        .order_by(e.entry_index)
    )
    return [_stored(row) for row in rows]


def add_head(conn: Connection, head: TreeHead) -> None:
    """Keep a signed head; the same size signed by the same key twice is kept once."""
    dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(
        dialect_insert(tree_heads)
        .values(
            tree_size=head.tree_size,
            key_id=head.key_id,
            root_hash=head.root_hash,
            signature=head.signature,
            public_key=head.public_key,
            signed_at=head.signed_at,
        )
        .on_conflict_do_nothing(index_elements=["tree_size", "key_id"])
    )


def latest_head(conn: Connection, log_id: str) -> TreeHead | None:
    """The signed head of the largest tree (the newest signature among equals)."""
    h = tree_heads.c
    row = conn.execute(
        select(tree_heads).order_by(h.tree_size.desc(), h.signed_at.desc()).limit(1)
    ).first()
    if row is None:
        return None
    return TreeHead(
        log_id=log_id,
        tree_size=row.tree_size,
        root_hash=bytes(row.root_hash),
        signature=bytes(row.signature),
        key_id=row.key_id,
        public_key=bytes(row.public_key),
        signed_at=row.signed_at,
    )


def head_timestamp(conn: Connection, tree_size: int, key_id: str) -> HeadTimestamp | None:
    """The RFC 3161 time-stamp kept with a signed head, if it has one yet."""
    h = tree_heads.c
    row = conn.execute(
        select(h.timestamp_token, h.timestamp_gen_time, h.tsa_chain).where(
            h.tree_size == tree_size, h.key_id == key_id, h.timestamp_token.is_not(None)
        )
    ).first()
    if row is None:
        return None
    return HeadTimestamp(
        token=bytes(row.timestamp_token),
        gen_time=row.timestamp_gen_time,
        tsa_chain=row.tsa_chain or "",
    )


def unstamped_heads(conn: Connection, log_id: str) -> list[TreeHead]:
    """Signed heads without a time-stamp yet, smallest tree first."""
    h = tree_heads.c
    rows = conn.execute(
        select(tree_heads).where(h.timestamp_token.is_(None)).order_by(h.tree_size, h.signed_at)
    )
    return [
        TreeHead(
            log_id=log_id,
            tree_size=row.tree_size,
            root_hash=bytes(row.root_hash),
            signature=bytes(row.signature),
            key_id=row.key_id,
            public_key=bytes(row.public_key),
            signed_at=row.signed_at,
        )
        for row in rows
    ]


def set_timestamp(conn: Connection, head: TreeHead, stamp: HeadTimestamp) -> bool:
    """Keep ``stamp`` with ``head``; returns False when the head already had one (two
    stampers raced: the first token is kept, and either proves the same thing)."""
    h = tree_heads.c
    done = conn.execute(
        update(tree_heads)
        .where(
            h.tree_size == head.tree_size,
            h.key_id == head.key_id,
            h.timestamp_token.is_(None),
        )
        .values(
            timestamp_token=stamp.token,
            timestamp_gen_time=stamp.gen_time,
            tsa_chain=stamp.tsa_chain,
        )
    )
    return done.rowcount == 1
