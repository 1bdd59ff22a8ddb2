"""The RFC 9162 Merkle tree hash, its inclusion and consistency proofs, and their checks.

This is what makes the evidence log tamper-evident: a signed root commits to every
entry and its position, an inclusion proof shows one entry is under a root, and a
consistency proof shows a later root extends an earlier one without rewriting it.
Everything follows RFC 9162 section 2.1 (the same tree as RFC 6962): leaves hash as
``SHA-256(0x00 || entry)``, nodes as ``SHA-256(0x01 || left || right)``, and a tree of
``n`` leaves splits at the largest power of two below ``n``.

Pure: hashes in, hashes out. The tree keeps every level (a list of hashes per level),
so a proof costs O(log n) lookups instead of rehashing subtrees.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()  # MTH({}), RFC 9162 section 2.1.1


def leaf_hash(entry: bytes) -> bytes:
    """The hash of one log entry: ``SHA-256(0x00 || entry)``."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an interior node: ``SHA-256(0x01 || left || right)``."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly below ``n`` (``n`` ≥ 2)."""
    return 1 << ((n - 1).bit_length() - 1)


class MerkleTree:
    """The tree over a sequence of leaf hashes, with every level kept.

    Level 0 holds the leaf hashes; each higher level pairs the one below, and an odd
    last node moves up unpaired. That yields exactly RFC 9162's MTH, because a tree of
    ``n`` leaves splits at the largest power of two below ``n``: the left part is always
    a perfect subtree, and only the right edge can be short.
    """

    def __init__(self, leaf_hashes: Sequence[bytes]) -> None:
        level = list(leaf_hashes)
        self.levels: list[list[bytes]] = [level]
        while len(level) > 1:
            paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
            if len(level) % 2:
                paired.append(level[-1])
            self.levels.append(paired)
            level = paired

    @property
    def size(self) -> int:
        return len(self.levels[0])

    @property
    def root(self) -> bytes:
        """MTH of all leaves (the hash of the empty string for an empty tree)."""
        return self.levels[-1][0] if self.size else EMPTY_ROOT

    def subtree(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for ``0 ≤ start < end ≤ size``.

        A kept node answers when the range is one (a perfect aligned subtree, or the
        short right edge of the whole tree); any other range is split as MTH splits it.
        """
        width = end - start
        height = (width - 1).bit_length()  # levels above the leaves of this range
        aligned = start % (1 << height) == 0
        if aligned and (width == 1 << height or end == self.size):
            return self.levels[height][start >> height]
        k = _split(width)
        return node_hash(self.subtree(start, start + k), self.subtree(start + k, end))

    def root_at(self, size: int) -> bytes:
        """MTH of the first ``size`` leaves: the root a tree head of that size signed."""
        _check_size(size, self.size)
        return self.subtree(0, size) if size else EMPTY_ROOT

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[0:size]) (RFC 9162 section 2.1.3.1), leaf to root.

        Args:
            index: the leaf's 0-based position.
            size: the tree size the proof is for (default: the whole tree).
        Returns:
            The sibling hashes, nearest the leaf first.
        """
        size = self.size if size is None else size
        _check_size(size, self.size)
        if not 0 <= index < size:
            raise ValueError(f"index must be in [0, {size}); got {index}")
        path: list[bytes] = []
        start, end = 0, size
        while end - start > 1:
            k = _split(end - start)
            if index < start + k:
                path.append(self.subtree(start + k, end))
                end = start + k
            else:
                path.append(self.subtree(start, start + k))
                start += k
        path.reverse()
        return path

    def consistency_proof(self, old_size: int, size: int | None = None) -> list[bytes]:
        """PROOF(old_size, D[0:size]) (RFC 9162 section 2.1.4.1).

        Empty when ``old_size`` is 0 or equals ``size``: every tree extends the empty one
        and itself.
        """
        size = self.size if size is None else size
        _check_size(size, self.size)
        if not 0 <= old_size <= size:
            raise ValueError(f"old_size must be in [0, {size}]; got {old_size}")
        if old_size in (0, size):
            return []
        return self._subproof(old_size, 0, size, complete=True)

    def _subproof(self, m: int, start: int, end: int, *, complete: bool) -> list[bytes]:
        """SUBPROOF(m, D[start:end], complete), with ``m`` counted from ``start``."""
        if m == end - start:
            return [] if complete else [self.subtree(start, end)]
        k = _split(end - start)
        if m <= k:
            return [
                *self._subproof(m, start, start + k, complete=complete),
                self.subtree(start + k, end),
            ]
        return [
            *self._subproof(m - k, start + k, end, complete=False),
            self.subtree(start, start + k),
        ]


def _check_size(size: int, available: int) -> None:
    if not 0 <= size <= available:
        raise ValueError(f"size must be in [0, {available}]; got {size}")


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH of a sequence of leaf hashes."""
    return MerkleTree(leaf_hashes).root


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root_hash: bytes
) -> bool:
    """Whether ``proof`` shows the leaf hash ``leaf`` at ``index`` under ``root_hash`` of a
    tree of ``size`` leaves: RFC 9162 section 2.1.3.2, step by step."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root_hash


def verify_consistency(
    old_size: int, size: int, old_root: bytes, root_hash: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether ``proof`` shows that the tree of ``size`` leaves with ``root_hash`` extends
    the tree of ``old_size`` leaves with ``old_root``: RFC 9162 section 2.1.4.2.

    The sizes the RFC leaves out: every tree extends the empty tree (the proof must be
    empty), and a tree extends itself only with an empty proof and the same root.
    """
    if not 0 <= old_size <= size:
        return False
    if old_size == 0:
        return not proof
    if old_size == size:
        return not proof and old_root == root_hash
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is a node itself
        path.insert(0, old_root)
    fn, sn = old_size - 1, size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == root_hash
