"""The evidence log in SQL: hand out positions, keep entries and signed heads, read back.

Positions come from the single ``evidence_log`` row: an append moves ``next_index`` on
by the size of its batch, which locks the row until the transaction ends (PostgreSQL's
row lock; SQLite's one writer). Appenders therefore queue on it, and a transaction that
rolls back gives its positions back, so the log never has a gap.

The tree's state (``evidence_nodes``, perfect subtrees from ``NODE_MIN_LEVEL`` up) is
written by the append that completes each node, in its transaction, so it can never
disagree with the entries committed alongside it. Large batches go to PostgreSQL by COPY
(``store.bulk``), an order of magnitude faster than INSERT; SQLite takes executemany.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import (
    Connection,
    LargeBinary,
    Row,
    Select,
    SmallInteger,
    insert,
    literal,
    select,
    tuple_,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql import Executable

from recoverly.domain.evidence import HeadTimestamp, TreeHead
from recoverly.domain.merkle_nodes import Node
from recoverly.store import bulk
from recoverly.store.tables import evidence_entries, evidence_log, evidence_nodes, tree_heads
from recoverly.store.tables.evidence import NODE_MIN_LEVEL

# From this many rows a batch goes by COPY on PostgreSQL: below it, COPY's own round trips
# and frame building cost more than the INSERT they replace.
COPY_FROM_ROWS = 64
# Bound parameters per statement stay well under SQLite's and PostgreSQL's limits.
_CHUNK = 2_000


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


@dataclass(frozen=True, slots=True)
class NewEntries:
    """Entries at consecutive positions from ``first``, column by column (as COPY takes them)."""

    first: int
    tenant_ids: list[int]
    kinds: list[str]
    case_ids: list[str | None]
    entries: list[bytes]
    leaf_hashes: list[bytes]

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "entry_index": range(self.first, self.first + len(self.entries)),
                "tenant_id": self.tenant_ids,
                "kind": self.kinds,
                "case_id": self.case_ids,
                "entry": self.entries,
                "leaf_hash": self.leaf_hashes,
            },
            schema=_ENTRY_SCHEMA,
        )

    def rows(self, now: datetime) -> list[dict[str, Any]]:
        return [
            {
                "entry_index": self.first + i,
                "tenant_id": self.tenant_ids[i],
                "kind": self.kinds[i],
                "case_id": self.case_ids[i],
                "entry": self.entries[i],
                "leaf_hash": self.leaf_hashes[i],
                "appended_at": now,
            }
            for i in range(len(self.entries))
        ]


_ENTRY_SCHEMA = {
    "entry_index": pl.Int64,
    "tenant_id": pl.Int64,
    "kind": pl.String,
    "case_id": pl.String,
    "entry": pl.Binary,
    "leaf_hash": pl.Binary,
}


def add_entries(conn: Connection, batches: Iterable[NewEntries], now: datetime) -> None:
    """Write new entries (their positions reserved by ``reserve`` in this transaction).

    ``batches`` may be made lazily: on PostgreSQL, when the first holds at least
    ``COPY_FROM_ROWS`` entries, they stream through one COPY and the server stores each
    batch while the next is being made.
    """
    batches = iter(batches)
    first = next(batches, None)
    if first is None:
        return
    if conn.dialect.name == "postgresql" and len(first.entries) >= COPY_FROM_ROWS:
        frames = itertools.chain([first.frame()], (b.frame() for b in batches))
        bulk.insert_stream(conn, evidence_entries, frames, constants={"appended_at": now})
        return
    rows = first.rows(now)
    for batch in batches:
        rows.extend(batch.rows(now))
    conn.execute(insert(evidence_entries), rows)


def add_nodes(conn: Connection, nodes: Sequence[tuple[Node, bytes, bytes | None]]) -> None:
    """Keep newly completed perfect subtrees (levels from ``NODE_MIN_LEVEL`` only), each
    with its leaf hashes concatenated when it is a block (``NODE_MIN_LEVEL``) else None."""
    if not nodes:
        return
    if conn.dialect.name == "postgresql" and len(nodes) >= COPY_FROM_ROWS:
        frame = pl.DataFrame(
            {
                "level": [n.level for n, _, _ in nodes],
                "position": [n.position for n, _, _ in nodes],
                "hash": [h for _, h, _ in nodes],
                "leaves": [leaves for _, _, leaves in nodes],
            },
            schema={
                "level": pl.Int16,
                "position": pl.Int64,
                "hash": pl.Binary,
                "leaves": pl.Binary,
            },
        )
        bulk.insert(conn, evidence_nodes, frame)
        return
    conn.execute(
        insert(evidence_nodes),
        [
            {"level": n.level, "position": n.position, "hash": h, "leaves": leaves}
            for n, h, leaves in nodes
        ],
    )


def edge_leaves(conn: Connection) -> list[bytes]:
    """The leaf hashes of the log's incomplete last block, as appended."""
    raw = conn.execute(select(evidence_log.c.edge_leaves).where(evidence_log.c.id == 1)).scalar()
    return _split(raw)


def set_edge_leaves(conn: Connection, leaves: Sequence[bytes]) -> None:
    conn.execute(
        update(evidence_log).where(evidence_log.c.id == 1).values(edge_leaves=b"".join(leaves))
    )


def _split(raw: bytes | None) -> list[bytes]:
    raw = bytes(raw or b"")
    return [raw[i : i + 32] for i in range(0, len(raw), 32)]


@dataclass(frozen=True, slots=True)
class TreeRead:
    """What a root or proof reads of the stored tree: nodes by key, the recorded leaf
    hashes of whole blocks by block position, and the incomplete last block's."""

    nodes: dict[Node, bytes]
    blocks: dict[int, list[bytes]]
    edge_start: int  # the position of the first leaf in ``edge``
    edge: list[bytes]


def read_tree(conn: Connection, wanted: Collection[Node], blocks: Collection[int]) -> TreeRead:
    """These nodes (levels from ``NODE_MIN_LEVEL``), these blocks' leaf hashes, and the
    edge's, in one query (a proof's whole read: one round trip); a large read in chunks
    under the databases' parameter limits. What is not stored is absent."""
    n, g = evidence_nodes.c, evidence_log.c
    keys = sorted(set(wanted) | {Node(NODE_MIN_LEVEL, p) for p in blocks})
    parts: list[Select[Any]] = [
        select(
            literal(-1, SmallInteger).label("level"),
            g.next_index,
            literal(b"", LargeBinary).label("hash"),
            g.edge_leaves,
        ).where(g.id == 1)
    ]
    for at in range(0, len(keys), _CHUNK):
        parts.append(
            select(n.level, n.position, n.hash, n.leaves).where(
                tuple_(n.level, n.position).in_(keys[at : at + _CHUNK])
            )
        )
    statements: list[Executable] = [union_all(*parts)] if len(parts) == 2 else list(parts)
    read = TreeRead({}, {}, 0, [])
    size = 0
    for statement in statements:
        for level, position, h, leaves in conn.execute(statement):
            if level < 0:
                size, edge = position, _split(leaves)
                read = TreeRead(read.nodes, read.blocks, size - len(edge), edge)
                continue
            read.nodes[Node(level, position)] = bytes(h)
            if level == NODE_MIN_LEVEL and leaves is not None:
                read.blocks[position] = _split(leaves)
    return read


def all_blocks(conn: Connection, batch: int = 10_000) -> Iterator[tuple[int, bytes, list[bytes]]]:
    """Every block's position, node hash and recorded leaf hashes, in position order."""
    n = evidence_nodes.c
    rows = conn.execute(
        select(n.position, n.hash, n.leaves)
        .where(n.level == NODE_MIN_LEVEL)
        .order_by(n.position)
        .execution_options(yield_per=batch)
    )
    for position, h, leaves in rows:
        yield position, bytes(h), _split(leaves)


def all_nodes(conn: Connection, batch: int = 10_000) -> Iterator[tuple[Node, bytes]]:
    """Every stored node, streamed in the order appends complete them: by the position
    after their last leaf, then level (the order an audit recomputes them in)."""
    n = evidence_nodes.c
    rows = conn.execute(
        select(n.level, n.position, n.hash)
        .order_by((n.position + 1).op("<<")(n.level), n.level)
        .execution_options(yield_per=batch)
    )
    for level, position, h in rows:
        yield Node(level, position), bytes(h)


def log_state(conn: Connection) -> tuple[str, int] | None:
    """The log's id and how many positions it has handed out, if it exists yet."""
    g = evidence_log.c
    row = conn.execute(select(g.log_id, g.next_index).where(g.id == 1)).first()
    return None if row is None else (row.log_id, row.next_index)


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
    # On the statement: a connection's execution_options would outlive this query.
    rows = conn.execute(
        select(evidence_entries)
        .order_by(evidence_entries.c.entry_index)
        .execution_options(yield_per=batch)
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
    return None if row is None else _head(log_id, row)


def head_at(conn: Connection, log_id: str, tree_size: int) -> TreeHead | None:
    """The newest signed head of a tree of ``tree_size`` leaves, if one was signed."""
    h = tree_heads.c
    row = conn.execute(
        select(tree_heads)
        .where(h.tree_size == tree_size)
        .order_by(h.signed_at.desc(), h.key_id)
        .limit(1)
    ).first()
    return None if row is None else _head(log_id, row)


def heads(conn: Connection, log_id: str) -> list[TreeHead]:
    """Every signed head, smallest tree first (oldest signature first among equals)."""
    h = tree_heads.c
    rows = conn.execute(select(tree_heads).order_by(h.tree_size, h.signed_at, h.key_id))
    return [_head(log_id, row) for row in rows]


def _head(log_id: str, row: Row[Any]) -> TreeHead:
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
    return [_head(log_id, row) for row in rows]


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
