"""Roots and proofs from stored perfect subtrees agree with the whole tree, and appends in
any batches complete exactly the perfect subtrees, with the whole tree's hashes."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recoverly.domain.merkle import MerkleTree, leaf_hash, verify_consistency, verify_inclusion
from recoverly.domain.merkle_nodes import (
    Node,
    Span,
    consistency_spans,
    edge_after,
    edge_needed,
    extend,
    hashes,
    inclusion_spans,
    needed,
    perfect_root,
    perfect_subtrees,
    root,
)

MAX = 300
LEAVES = [leaf_hash(b"entry %d" % n) for n in range(MAX)]
TREE = MerkleTree(LEAVES)


def all_perfect(size: int, tree: MerkleTree = TREE) -> dict[Node, bytes]:
    """Every perfect subtree of the first ``size`` leaves (level 0 too), from the whole tree."""
    return {
        Node(level, p): tree.subtree(p << level, (p + 1) << level)
        for level in range(size.bit_length())
        for p in range(size >> level)
    }


def grown(batches: list[int]) -> dict[Node, bytes]:
    """The nodes ``extend`` completes over appends of these batch sizes, with leaves."""
    nodes: dict[Node, bytes] = {}
    size = 0
    for b in batches:
        edge = {n: nodes[n] for n in edge_needed(size, b)}  # KeyError if it is short
        assert set(edge) <= set(perfect_subtrees(0, size))
        for row in extend(size, edge, LEAVES[size : size + b]):
            for i, h in enumerate(row.hashes):
                assert Node(row.level, row.first + i) not in nodes, "completed twice"
                nodes[Node(row.level, row.first + i)] = h
        for i in range(b):
            nodes[Node(0, size + i)] = LEAVES[size + i]
        size += b
    return nodes


@st.composite
def size_and_index(draw: st.DrawFn) -> tuple[int, int]:
    size = draw(st.integers(1, MAX))
    return size, draw(st.integers(0, size - 1))


class TestPerfectSubtrees:
    def test_the_right_edge_is_one_subtree_per_set_bit(self) -> None:
        assert perfect_subtrees(0, 13) == [Node(3, 0), Node(2, 2), Node(0, 12)]
        assert perfect_subtrees(0, 0) == []

    @given(st.integers(0, MAX), st.integers(0, MAX))
    def test_they_tile_any_range_and_are_aligned(self, a: int, b: int) -> None:
        start, end = min(a, b), max(a, b)
        at = start
        for node in perfect_subtrees(start, end):
            assert node.start == at
            assert node.start % (1 << node.level) == 0
            at = node.end
        assert at == end


class TestAgainstTheWholeTree:
    @given(st.integers(0, MAX))
    def test_roots(self, size: int) -> None:
        assert root(size, all_perfect(size)) == TREE.root_at(size)

    @given(size_and_index())
    def test_inclusion_proofs(self, case: tuple[int, int]) -> None:
        size, index = case
        spans = inclusion_spans(index, size)
        proof = hashes(spans, {n: all_perfect(size)[n] for n in needed(spans)})
        assert proof == TREE.inclusion_proof(index, size)
        assert verify_inclusion(LEAVES[index], index, size, proof, TREE.root_at(size))

    @given(st.integers(0, MAX), st.integers(0, MAX))
    def test_consistency_proofs(self, a: int, b: int) -> None:
        old, size = min(a, b), max(a, b)
        spans = consistency_spans(old, size)
        proof = hashes(spans, all_perfect(size))
        assert proof == TREE.consistency_proof(old, size)
        assert verify_consistency(old, size, TREE.root_at(old), TREE.root_at(size), proof)

    @given(size_and_index())
    def test_a_proof_needs_a_handful_of_nodes(self, case: tuple[int, int]) -> None:
        size, index = case
        depth = (size - 1).bit_length()
        assert len(needed(inclusion_spans(index, size))) <= 2 * depth + 1
        assert len(needed(consistency_spans(index, size))) <= 2 * depth + 2

    def test_a_span_the_recursion_never_cuts_is_refused(self) -> None:
        with pytest.raises(ValueError, match="cuts out"):
            hashes([Span(1, 3)], all_perfect(4))


class TestExtend:
    @given(st.lists(st.integers(0, 40), max_size=12))
    def test_any_batches_complete_every_perfect_subtree_once_with_its_hash(
        self, batches: list[int]
    ) -> None:
        size = sum(batches)
        if size > MAX:
            batches, size = [MAX], MAX
        assert grown(batches) == all_perfect(size)

    def test_a_large_batch_onto_an_odd_edge(self) -> None:
        tree = MerkleTree(LEAVES[:255])
        nodes = grown([7, 248])
        assert nodes[Node(7, 0)] == tree.subtree(0, 128)
        assert nodes[Node(6, 2)] == tree.subtree(128, 192)
        assert Node(7, 1) not in nodes  # 255 leaves: [128, 256) is not complete yet

    def test_perfect_root_is_the_subtree_hash(self) -> None:
        assert perfect_root(LEAVES[32:64]) == TREE.subtree(32, 64)
        assert perfect_root([hashlib.sha256(b"x").digest()]) == hashlib.sha256(b"x").digest()

    @given(st.lists(st.integers(0, 40), max_size=12))
    def test_the_edge_kept_in_memory_is_the_whole_trees(self, batches: list[int]) -> None:
        size, edge = 0, {}
        for b in batches:
            b = min(b, MAX - size)
            done = extend(size, edge, LEAVES[size : size + b])
            edge = edge_after(size, edge, LEAVES[size : size + b], done)
            size += b
            assert edge == {n: all_perfect(size)[n] for n in perfect_subtrees(0, size)}
