"""Merkle roots and proofs from stored perfect subtrees, and the nodes an append completes.

A log of a million entries cannot rebuild its whole tree for every signature or proof.
Every hash an RFC 9162 root or proof needs is the hash of a range of leaves that the
tree's own recursion cuts out, and every such range is a run of *perfect subtrees*:
aligned blocks of ``2**level`` leaves, the largest first (the binary digits of its
width). A perfect subtree never changes once its last leaf is appended, so it can be
stored when it completes and looked up ever after. Given a lookup of perfect subtrees,
a root or a proof costs O(log n) lookups, whatever the size of the log.

Appending ``b`` leaves to a tree of ``n`` completes exactly the perfect subtrees whose
last leaf is among the new ones; to hash them it needs only the tree's right edge, the
perfect subtrees of ``[0, n)`` (one per set bit of ``n``, the "compact range").

Pure: hashes in, hashes out; whoever stores the nodes decides which levels to keep.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from recoverly.domain.merkle import EMPTY_ROOT, node_hash


class Node(NamedTuple):
    """The perfect subtree over leaves ``[position * 2**level, (position + 1) * 2**level)``."""

    level: int
    position: int

    @property
    def start(self) -> int:
        return self.position << self.level

    @property
    def end(self) -> int:
        return (self.position + 1) << self.level


class Span(NamedTuple):
    """A range of leaves ``[start, end)`` whose MTH a root or proof needs."""

    start: int
    end: int


class Completed(NamedTuple):
    """Nodes an append completed on one level: ``hashes[i]`` is ``(level, first + i)``."""

    level: int
    first: int
    hashes: list[bytes]


def perfect_subtrees(start: int, end: int) -> list[Node]:
    """The aligned perfect subtrees that tile ``[start, end)``, left to right, each as
    large as its position allows (for ``[0, n)``: one per set bit of ``n``, largest first)."""
    nodes = []
    while start < end:
        level = (end - start).bit_length() - 1
        if start:
            level = min(level, (start & -start).bit_length() - 1)
        nodes.append(Node(level, start >> level))
        start += 1 << level
    return nodes


def span_hash(span: Span, nodes: Mapping[Node, bytes]) -> bytes:
    """MTH(D[start:end]) for a span the tree's recursion cuts out, from its perfect subtrees.

    Such a span starts on a multiple of the smallest power of two at least its width, so
    its perfect subtrees shrink left to right and MTH splits off the first one at each
    step: the hash is their right-to-left fold.

    Raises:
        ValueError: the span is not one MTH cuts out (its fold would not be its MTH).
        KeyError: ``nodes`` lacks one of its perfect subtrees.
    """
    start, end = span
    width = end - start
    if width <= 0 or start % (1 << (width - 1).bit_length()):
        raise ValueError(f"span must be one the tree's recursion cuts out; got [{start}, {end})")
    parts = perfect_subtrees(start, end)
    acc = nodes[parts[-1]]
    for node in reversed(parts[:-1]):
        acc = node_hash(nodes[node], acc)
    return acc


def _split(n: int) -> int:
    """The largest power of two strictly below ``n`` (``n`` ≥ 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def _check(size: int, index: int | None = None) -> None:
    if size < 0:
        raise ValueError(f"size must be ≥ 0; got {size}")
    if index is not None and not 0 <= index < size:
        raise ValueError(f"index must be in [0, {size}); got {index}")


def root_spans(size: int) -> list[Span]:
    """The span whose MTH is the root of a tree of ``size`` leaves (none when empty)."""
    _check(size)
    return [Span(0, size)] if size else []


def inclusion_spans(index: int, size: int) -> list[Span]:
    """The spans whose MTHs are PATH(index, D[0:size]) (RFC 9162 2.1.3.1), leaf first."""
    _check(size, index)
    spans = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            spans.append(Span(start + k, end))
            end = start + k
        else:
            spans.append(Span(start, start + k))
            start += k
    spans.reverse()
    return spans


def consistency_spans(old_size: int, size: int) -> list[Span]:
    """The spans whose MTHs are PROOF(old_size, D[0:size]) (RFC 9162 2.1.4.1), in order;
    none when ``old_size`` is 0 or ``size`` (every tree extends the empty one and itself)."""
    _check(size)
    if not 0 <= old_size <= size:
        raise ValueError(f"old_size must be in [0, {size}]; got {old_size}")
    if old_size in (0, size):
        return []
    spans: list[Span] = []
    m, start, end, complete = old_size, 0, size, True
    tail: list[Span] = []  # SUBPROOF appends its right-hand hash after the recursion's
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            tail.append(Span(start + k, end))
            end = start + k
        else:
            tail.append(Span(start, start + k))
            m -= k
            start += k
            complete = False
    if not complete:
        spans.append(Span(start, end))
    spans.extend(reversed(tail))
    return spans


def needed(spans: Iterable[Span]) -> set[Node]:
    """Every perfect subtree the spans' hashes are folded from."""
    return {node for span in spans for node in perfect_subtrees(*span)}


def hashes(spans: Iterable[Span], nodes: Mapping[Node, bytes]) -> list[bytes]:
    """The spans' MTHs, in order: a proof, or a one-element list holding a root."""
    return [span_hash(span, nodes) for span in spans]


def root(size: int, nodes: Mapping[Node, bytes]) -> bytes:
    """MTH(D[0:size]) from its perfect subtrees (the hash of nothing for an empty tree)."""
    spans = root_spans(size)
    return span_hash(spans[0], nodes) if spans else EMPTY_ROOT


def perfect_root(leaves: Sequence[bytes]) -> bytes:
    """The hash of a perfect subtree from its ``2**level`` leaf hashes."""
    if not leaves or len(leaves) & (len(leaves) - 1):
        raise ValueError(f"a perfect subtree has 2**level leaves; got {len(leaves)}")
    row = list(leaves)
    while len(row) > 1:
        row = [node_hash(row[i], row[i + 1]) for i in range(0, len(row), 2)]
    return row[0]


def edge_needed(size: int, count: int) -> list[Node]:
    """The nodes of the right edge that ``extend`` reads to append ``count`` leaves to a
    tree of ``size``: on each level that gains nodes, the left sibling of the first new
    one when that is a right child. Often none (half of all single appends)."""
    return [
        Node(level, (size >> level) - 1)
        for level in range((size + count).bit_length())
        if (size + count) >> level > size >> level and (size >> level) & 1
    ]


def extend(size: int, edge: Mapping[Node, bytes], leaves: Sequence[bytes]) -> list[Completed]:
    """The perfect subtrees (level ≥ 1) that appending ``leaves`` to a tree of ``size``
    leaves completes, one row of consecutive nodes per level, lowest level first.

    Args:
        size: the tree's size before the append.
        edge: the hashes of ``perfect_subtrees(0, size)``, the right edge new nodes hang
            from (more is fine; only those are read).
        leaves: the new leaf hashes, at positions ``size, size + 1, …``.
    Returns:
        For each level with new nodes, its first new position and their hashes.

    Each level pairs its new nodes from an even position, borrowing the edge's node on
    that level as the left partner when the first new node is a right child; a lone last
    node waits for a later append. Whole rows are hashed at once, so a large batch costs
    about one hash per leaf.
    """
    if size < 0:
        raise ValueError(f"size must be ≥ 0; got {size}")
    completed: list[Completed] = []
    row, first, level = list(leaves), size, 0
    while row:
        if level:
            completed.append(Completed(level, first, row))
        if first & 1:  # the first new node is a right child: its left sibling is on the edge
            row = [edge[Node(level, first - 1)], *row]
            first -= 1
        row = [node_hash(row[i], row[i + 1]) for i in range(0, len(row) - 1, 2)]
        first >>= 1
        level += 1
    return completed


def edge_after(
    size: int, edge: Mapping[Node, bytes], leaves: Sequence[bytes], completed: Sequence[Completed]
) -> dict[Node, bytes]:
    """The right edge after ``extend(size, edge, leaves)`` returned ``completed``: what the
    next append needs, for whoever keeps the edge in memory (a backfill, an audit)."""
    rows = {row.level: row for row in completed}
    new: dict[Node, bytes] = {}
    for node in perfect_subtrees(0, size + len(leaves)):
        row = rows.get(node.level)
        if node.level == 0 and node.position >= size:
            new[node] = leaves[node.position - size]
        elif row is not None and row.first <= node.position < row.first + len(row.hashes):
            new[node] = row.hashes[node.position - row.first]
        else:
            new[node] = edge[node]
    return new
