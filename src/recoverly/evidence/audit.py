"""Auditing the stored log against itself and every signed head.

Direct edits to the database are what this catches: an entry whose bytes no longer hash
to its stored leaf hash, or to the leaf hash the stored tree recorded for its position
when it was appended (``altered``: so an entry rewritten together with its leaf hash is
named too, unless the tree was rewritten as well), an entry whose bytes name another position
(``misplaced``: rows swapped or renumbered), a position with no entry (``missing``), a
head whose root differs from the one recomputed from the entries' own bytes at its size,
a head whose signature does not verify, and a latest head not signed by the configured
key.

Every head is checked, not only the latest, so an edit that rewrites an entry's bytes and
its leaf hash together is located: heads signed before it still match, heads signed after
it do not, and the edit lies between the last good head and the first bad one. A head
that does not match while a later head does cannot be extended by it: it is reported as
inconsistent with that head (as are two heads of one size with different roots).

The audit never relies on the stored tree (``evidence_nodes``): it recomputes the tree in
one pass over the entries, in O(log n) memory, and checks the heads against that. It
also compares the stored nodes with the recomputed ones and names those that disagree,
since signing and proofs read them; and it reads each block's recorded leaf hashes to
name an entry rewritten with a matching leaf hash (a block whose recorded leaves do not
hash to its node is itself named, and its record not used).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection

from recoverly.domain import merkle_nodes as mn
from recoverly.domain.evidence import TreeHead
from recoverly.domain.merkle import leaf_hash
from recoverly.domain.merkle_nodes import Node
from recoverly.evidence.keys import key_id
from recoverly.store.repositories import evidence as repo
from recoverly.store.tables.evidence import NODE_MIN_LEVEL

_CHUNK = 8_192  # leaves hashed into nodes at a time


@dataclass
class HeadCheck:
    tree_size: int
    key_id: str
    root_matches: bool  # the entries' own bytes give the signed root at this size
    signature_valid: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "tree_size": self.tree_size,
            "key_id": self.key_id,
            "root_matches": self.root_matches,
            "signature_valid": self.signature_valid,
        }


@dataclass
class AuditReport:
    log_id: str | None
    size: int  # positions handed out
    stored: int  # entries found
    signed_size: int | None  # the latest head's tree size
    altered: list[int] = field(default_factory=list)
    misplaced: list[int] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)
    heads: list[HeadCheck] = field(default_factory=list)  # smallest tree first
    inconsistent_heads: list[dict[str, object]] = field(default_factory=list)
    nodes_disagree: list[tuple[int, int]] = field(default_factory=list)  # (level, position)
    key_trusted: bool | None = None  # None: no head, or no key configured to compare with

    @property
    def root_matches(self) -> bool | None:
        """Whether every head's root matches the entries (None: no signed head yet)."""
        return all(h.root_matches for h in self.heads) if self.heads else None

    @property
    def signature_valid(self) -> bool | None:
        return all(h.signature_valid for h in self.heads) if self.heads else None

    @property
    def first_bad_head(self) -> int | None:
        """The smallest signed tree size whose root the entries no longer give."""
        return next((h.tree_size for h in self.heads if not h.root_matches), None)

    @property
    def last_good_head(self) -> int | None:
        """The largest signed tree size below the first bad head whose root still matches:
        an edit lies at a position in ``[last_good_head or 0, first_bad_head)``."""
        bad = self.first_bad_head
        good = [
            h.tree_size for h in self.heads if h.root_matches and (bad is None or h.tree_size < bad)
        ]
        return max(good, default=None)

    @property
    def ok(self) -> bool:
        return not (self.altered or self.misplaced or self.missing or self.nodes_disagree) and (
            self.root_matches is not False
            and self.signature_valid is not False
            and self.key_trusted is not False
            and not self.inconsistent_heads
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "log_id": self.log_id,
            "size": self.size,
            "stored": self.stored,
            "signed_size": self.signed_size,
            "altered": self.altered,
            "misplaced": self.misplaced,
            "missing": self.missing,
            "root_matches": self.root_matches,
            "signature_valid": self.signature_valid,
            "key_trusted": self.key_trusted,
            "heads": [h.as_dict() for h in self.heads],
            "first_bad_head": self.first_bad_head,
            "last_good_head": self.last_good_head,
            "inconsistent_heads": self.inconsistent_heads,
            "nodes_disagree": [list(n) for n in self.nodes_disagree],
        }


def _names_index(entry: bytes, index: int) -> bool:
    try:
        body = json.loads(entry)
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("index") == index


def _signature_valid(head: TreeHead) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(head.public_key).verify(head.signature, head.message)
    except (InvalidSignature, ValueError):
        return False
    return key_id(head.public_key) == head.key_id


class _Recomputed:
    """The tree rebuilt from the entries' own leaf hashes, one chunk at a time: its right
    edge (O(log n) hashes), the roots at the sizes asked for, and the stored nodes compared
    as the rebuilt ones complete (both in order of the position after their last leaf)."""

    def __init__(self, stored_nodes: Iterator[tuple[Node, bytes]], root_sizes: set[int]) -> None:
        self.size = 0
        self.edge: dict[Node, bytes] = {}
        self.pending: list[bytes] = []
        self.roots: dict[int, bytes] = {}
        self.stops = sorted(s for s in root_sizes if s > 0)
        self.stored = stored_nodes
        self.peek = next(self.stored, None)
        self.disagree: list[tuple[int, int]] = []

    def add(self, leaf: bytes) -> None:
        self.pending.append(leaf)
        if len(self.pending) >= _CHUNK or (
            self.stops and self.size + len(self.pending) == self.stops[0]
        ):
            self.flush()

    def flush(self) -> None:
        leaves, self.pending = self.pending, []
        done = mn.extend(self.size, self.edge, leaves)
        self.edge = mn.edge_after(self.size, self.edge, leaves, done)
        self.size += len(leaves)
        while self.stops and self.stops[0] == self.size:
            self.roots[self.stops.pop(0)] = mn.root(self.size, self.edge)
        rebuilt = [
            (Node(row.level, row.first + i), h)
            for row in done
            if row.level >= NODE_MIN_LEVEL
            for i, h in enumerate(row.hashes)
        ]
        rebuilt.sort(key=lambda item: (item[0].end, item[0].level))
        for node, h in rebuilt:
            self._compare(node, h)

    def _compare(self, node: Node, h: bytes) -> None:
        key = (node.end, node.level)
        while self.peek is not None and (self.peek[0].end, self.peek[0].level) < key:
            extra = self.peek[0]  # a stored node the entries do not make
            self.disagree.append((extra.level, extra.position))
            self.peek = next(self.stored, None)
        if self.peek is not None and self.peek[0] == node:
            if self.peek[1] != h:
                self.disagree.append((node.level, node.position))
            self.peek = next(self.stored, None)
        else:
            self.disagree.append((node.level, node.position))  # made, but not stored

    def finish(self, complete: bool) -> None:
        """Flush; when the entries had no gap, any stored node left over is one too many."""
        self.flush()
        while complete and self.peek is not None:
            extra = self.peek[0]
            self.disagree.append((extra.level, extra.position))
            self.peek = next(self.stored, None)


def _completion(node: tuple[int, int]) -> tuple[int, int]:
    level, position = node
    return (position + 1) << level, level


class _Recorded:
    """The leaf hashes the stored tree recorded as entries were appended, read block by
    block in position order alongside the entries."""

    def __init__(
        self, blocks: Iterator[tuple[int, bytes, list[bytes]]], edge: list[bytes], size: int
    ) -> None:
        self.blocks = blocks
        self.block: tuple[int, bytes, list[bytes]] | None = next(blocks, None)
        self.edge = edge
        self.edge_start = size - len(edge)
        self.broken: set[tuple[int, int]] = set()

    def differs(self, index: int, leaf: bytes) -> bool:
        """Whether the tree recorded another leaf hash at ``index`` (False: no record)."""
        position = index >> NODE_MIN_LEVEL
        while self.block is not None and self.block[0] < position:
            self.block = next(self.blocks, None)
        if self.block is not None and self.block[0] == position:
            _, node, leaves = self.block
            if len(leaves) != 1 << NODE_MIN_LEVEL or mn.perfect_root(leaves) != node:
                self.broken.add((NODE_MIN_LEVEL, position))  # the record itself was edited
                return False
            return leaves[index - (position << NODE_MIN_LEVEL)] != leaf
        if self.edge_start <= index < self.edge_start + len(self.edge):
            return self.edge[index - self.edge_start] != leaf
        return False


def audit(conn: Connection, trusted_key_id: str | None = None) -> AuditReport:
    """Recompute every leaf hash, and the root at every signed head's size, from the stored
    entries' bytes; compare the stored tree with the recomputed one.

    Args:
        trusted_key_id: the configured signing key's id; a latest head signed by another
            key is reported (someone with database access could sign with a key of their
            own). Older heads may be signed by keys since rotated.
    """
    state = repo.log_state(conn)
    if state is None:
        return AuditReport(log_id=None, size=0, stored=0, signed_size=None)
    log_id, size = state
    heads = repo.heads(conn, log_id)
    report = AuditReport(
        log_id=log_id, size=size, stored=0, signed_size=heads[-1].tree_size if heads else None
    )
    tree = _Recomputed(repo.all_nodes(conn), {h.tree_size for h in heads})
    recorded = _Recorded(repo.all_blocks(conn), repo.edge_leaves(conn), size)
    expected = 0
    for e in repo.all_entries(conn):
        report.stored += 1
        if e.index != expected:
            report.missing.extend(range(expected, e.index))
        own = leaf_hash(e.entry)
        # A swapped or renumbered entry is named as misplaced, not also as altered.
        misplaced = not _names_index(e.entry, e.index)
        if own != e.leaf_hash or (not misplaced and recorded.differs(e.index, own)):
            report.altered.append(e.index)
        if misplaced:
            report.misplaced.append(e.index)
        if not report.missing:  # past a gap, positions no longer say where leaves go
            tree.add(own)
        expected = e.index + 1
    report.missing.extend(range(expected, size))
    tree.finish(complete=not report.missing)
    report.nodes_disagree = sorted(set(tree.disagree) | recorded.broken, key=_completion)
    report.heads = [
        HeadCheck(
            tree_size=h.tree_size,
            key_id=h.key_id,
            root_matches=tree.roots.get(h.tree_size) == h.root_hash,
            signature_valid=_signature_valid(h),
        )
        for h in heads
    ]
    report.inconsistent_heads = _inconsistent(heads, report.heads)
    if heads and trusted_key_id is not None:
        report.key_trusted = heads[-1].key_id == trusted_key_id
    return report


def _inconsistent(heads: list[TreeHead], checks: list[HeadCheck]) -> list[dict[str, object]]:
    """Heads that a later head does not extend.

    A head whose root the entries do not give, while a head at least as large does: that
    head's tree has another root at this size. And two heads of one size with different
    roots. Two heads the entries both give are consistent, so only the bad are named.
    """
    found: list[dict[str, object]] = []
    for head, check in zip(heads, checks, strict=True):
        if check.root_matches:
            continue
        later = next(
            (
                other.tree_size
                for other, ok in zip(heads, checks, strict=True)
                if other is not head
                and other.tree_size >= head.tree_size
                and (
                    ok.root_matches
                    or (other.tree_size == head.tree_size and other.root_hash != head.root_hash)
                )
            ),
            None,
        )
        if later is not None:
            found.append({"tree_size": head.tree_size, "key_id": head.key_id, "later_size": later})
    return found
