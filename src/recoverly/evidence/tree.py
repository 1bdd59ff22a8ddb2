"""The log's Merkle tree as stored: the nodes an append adds, and roots and proofs read back.

Every root and proof is folded from perfect subtrees (``domain.merkle_nodes``). Those of
``NODE_MIN_LEVEL`` and up are read from ``evidence_nodes``; the few lower ones a question
needs are rehashed from the leaf hashes their block of ``2**NODE_MIN_LEVEL`` recorded when
it was appended (the block node's ``leaves``, or the log's ``edge_leaves`` for the last,
incomplete block). So a signature or a proof is one short query, however long the log,
and never reads the entries.

The tree is the log's record as appended; the audit checks it against the entries' own
bytes (``audit.py``) and never relies on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection

from recoverly.domain import merkle_nodes as mn
from recoverly.domain.merkle_nodes import Node
from recoverly.evidence.errors import LogTampered
from recoverly.store.repositories import evidence as repo
from recoverly.store.tables.evidence import NODE_MIN_LEVEL

BLOCK = 1 << NODE_MIN_LEVEL


def grow(conn: Connection, size: int, leaves: Sequence[bytes]) -> None:
    """Store the perfect subtrees that appending ``leaves`` at position ``size`` completes,
    each block with its leaf hashes, and the new incomplete block's leaf hashes.

    Call it under the log's lock (after ``repo.reserve``), in the append's transaction: it
    reads what it needs of the right edge the previous append left (at most O(log n)
    nodes, and the fewer than ``2**NODE_MIN_LEVEL`` leaf hashes of the last block).
    """
    tail = repo.edge_leaves(conn)
    base = size - size % BLOCK
    if len(tail) != size - base:
        raise LogTampered(
            f"the stored tree's last block holds {len(tail)} leaf hashes where the log's size "
            f"({size:,}) says {size - base}: run `recoverly evidence audit`"
        )
    known = tail + list(leaves)
    needed = mn.edge_needed(size, len(leaves))
    edge = _hashes(
        needed, _stored(conn, [n for n in needed if n.level >= NODE_MIN_LEVEL]), base, known
    )
    rows = []
    for row in mn.extend(size, edge, leaves):
        if row.level < NODE_MIN_LEVEL:
            continue
        for i, h in enumerate(row.hashes):
            node = Node(row.level, row.first + i)
            block = None
            if row.level == NODE_MIN_LEVEL:
                block = b"".join(known[node.start - base : node.end - base])
            rows.append((node, h, block))
    repo.add_nodes(conn, rows)
    end = size + len(leaves)
    repo.set_edge_leaves(conn, known[end - end % BLOCK - base :])


def _stored(conn: Connection, wanted: list[Node]) -> dict[Node, bytes]:
    return repo.read_tree(conn, wanted, ()).nodes if wanted else {}


def _hashes(
    wanted: Iterable[Node], nodes: dict[Node, bytes], start: int, leaves: Sequence[bytes]
) -> dict[Node, bytes]:
    """``nodes`` plus the low nodes among ``wanted`` hashed from ``leaves`` (which begin at
    position ``start``); raises when one is neither stored nor has its leaves here."""
    found = dict(nodes)
    for node in wanted:
        if node in found:
            continue
        lo, hi = node.start - start, node.end - start
        if node.level < NODE_MIN_LEVEL and lo >= 0 and hi <= len(leaves):
            found[node] = mn.perfect_root(leaves[lo:hi])
        else:
            raise LogTampered(
                f"the stored tree lacks a subtree it needs (level {node.level}, position "
                f"{node.position}): run `recoverly evidence audit`"
            )
    return found


def subtrees(conn: Connection, wanted: Iterable[Node]) -> dict[Node, bytes]:
    """The hashes of these perfect subtrees, read or rehashed from their block's leaves.

    Raises:
        LogTampered: a node or leaf hash they need is not stored.
    """
    wanted = set(wanted)
    low = {n for n in wanted if n.level < NODE_MIN_LEVEL}
    read = repo.read_tree(
        conn, [n for n in wanted if n.level >= NODE_MIN_LEVEL], {n.start // BLOCK for n in low}
    )
    found = {n: h for n, h in read.nodes.items() if n in wanted}
    for node in low:
        block = node.start // BLOCK
        if block in read.blocks:
            found |= _hashes([node], {}, block * BLOCK, read.blocks[block])
        else:
            found |= _hashes([node], {}, read.edge_start, read.edge)
    return _hashes(wanted, found, 0, [])


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
