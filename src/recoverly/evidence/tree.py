"""The log's Merkle tree as stored: the nodes an append adds, and roots and proofs read back.

Every root and proof is folded from perfect subtrees (``domain.merkle_nodes``). Those of
``NODE_MIN_LEVEL`` and up are read from ``evidence_nodes``; the few lower ones a question
needs are rehashed from at most ``2**NODE_MIN_LEVEL`` consecutive leaf hashes each. So a
signature or a proof costs two short queries, however long the log.

The nodes are the log's commitment as appended; the audit checks them against the
entries' own bytes (``audit.py``) and never relies on them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection

from recoverly.domain import merkle_nodes as mn
from recoverly.domain.merkle_nodes import Node, Span
from recoverly.evidence.errors import LogTampered
from recoverly.store.repositories import evidence as repo
from recoverly.store.tables.evidence import NODE_MIN_LEVEL


def grow(conn: Connection, size: int, leaves: Sequence[bytes]) -> None:
    """Store the perfect subtrees that appending ``leaves`` at position ``size`` completes.

    Call it under the log's lock (after ``repo.reserve``), in the append's transaction: it
    reads what it needs of the right edge the previous append left (at most O(log n)
    nodes and fewer than ``2**NODE_MIN_LEVEL`` leaf hashes; often nothing).
    """
    edge = subtrees(conn, mn.edge_needed(size, len(leaves)))
    repo.add_nodes(
        conn,
        [
            (Node(row.level, row.first + i), h)
            for row in mn.extend(size, edge, leaves)
            if row.level >= NODE_MIN_LEVEL
            for i, h in enumerate(row.hashes)
        ],
    )


def subtrees(conn: Connection, wanted: Iterable[Node]) -> dict[Node, bytes]:
    """The hashes of these perfect subtrees, read or rehashed from their leaf hashes.

    Raises:
        LogTampered: a node or leaf they need is not stored.
    """
    wanted = set(wanted)
    low = [n for n in wanted if n.level < NODE_MIN_LEVEL]
    found, leaves = repo.nodes_and_leaves(
        conn,
        [n for n in wanted if n.level >= NODE_MIN_LEVEL],
        [Span(n.start, n.end) for n in low],
    )
    for node in low:
        hashes = [leaves.get(i) for i in range(node.start, node.end)]
        if None not in hashes:
            found[node] = mn.perfect_root([h for h in hashes if h is not None])
    lacking = sorted(wanted - found.keys())
    if lacking:
        level, position = lacking[0]
        raise LogTampered(
            f"the stored tree lacks {len(lacking)} of the subtrees it needs (the first: "
            f"level {level}, position {position}): run `recoverly evidence audit`"
        )
    return found


def root(conn: Connection, size: int) -> bytes:
    """The root of the first ``size`` entries, from the stored tree."""
    return mn.root(size, subtrees(conn, mn.needed(mn.root_spans(size))))


def inclusion_proofs(conn: Connection, indexes: Sequence[int], size: int) -> list[list[bytes]]:
    """PATH(index, D[0:size]) for each index, from one read of the nodes they all need."""
    spans = [mn.inclusion_spans(index, size) for index in indexes]
    nodes = subtrees(conn, mn.needed(s for path in spans for s in path))
    return [mn.hashes(path, nodes) for path in spans]


def consistency_proof(conn: Connection, old_size: int, size: int) -> list[bytes]:
    """PROOF(old_size, D[0:size]), from the stored tree."""
    return mn.hashes(
        mn.consistency_spans(old_size, size),
        subtrees(conn, mn.needed(mn.consistency_spans(old_size, size))),
    )
