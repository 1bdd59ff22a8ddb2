"""The RFC 9162 Merkle tree: the published reference vectors, and its proofs' invariants
over trees of every small size."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from recoverly.domain.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

VECTORS = json.loads(
    (Path(__file__).parents[2] / "data" / "merkle" / "rfc6962_vectors.json").read_text()
)
LEAVES = [leaf_hash(bytes.fromhex(x)) for x in VECTORS["leaves"]]
ROOTS = [bytes.fromhex(x) for x in VECTORS["roots"]]
TREE = MerkleTree(LEAVES)


def _hashes(hexes: list[str]) -> list[bytes]:
    return [bytes.fromhex(x) for x in hexes]


def _flip(proof: list[bytes], at: int) -> list[bytes]:
    changed = list(proof)
    changed[at] = bytes([changed[at][0] ^ 1]) + changed[at][1:]
    return changed


class TestReferenceVectors:
    def test_the_empty_tree_is_the_hash_of_nothing(self) -> None:
        assert MerkleTree([]).root == EMPTY_ROOT
        assert EMPTY_ROOT.hex() == VECTORS["empty_tree_root"]

    def test_roots_of_every_prefix(self) -> None:
        for size, expected in enumerate(ROOTS, start=1):
            assert root(LEAVES[:size]) == expected
            assert TREE.root_at(size) == expected

    def test_inclusion_proofs_are_the_published_ones_and_verify(self) -> None:
        for case in VECTORS["inclusion"]:
            index, size = case["leaf"] - 1, case["size"]
            expected = _hashes(case["proof"])
            assert TREE.inclusion_proof(index, size) == expected
            assert verify_inclusion(LEAVES[index], index, size, expected, ROOTS[size - 1])

    def test_consistency_proofs_are_the_published_ones_and_verify(self) -> None:
        for case in VECTORS["consistency"]:
            old, new = case["size1"], case["size2"]
            expected = _hashes(case["proof"])
            assert TREE.consistency_proof(old, new) == expected
            assert verify_consistency(old, new, ROOTS[old - 1], ROOTS[new - 1], expected)

    def test_corrupted_published_proofs_fail(self) -> None:
        """The reference implementation's own probes: wrong index, size, leaf, root, and
        a proof with a component changed, dropped or added."""
        for case in VECTORS["inclusion"]:
            index, size = case["leaf"] - 1, case["size"]
            proof, good = _hashes(case["proof"]), ROOTS[size - 1]
            leaf = LEAVES[index]
            assert not verify_inclusion(leaf, index + 1, size, proof, good)
            assert not verify_inclusion(leaf, index, size * 2, proof, good)
            assert not verify_inclusion(b"WrongLeaf", index, size, proof, good)
            assert not verify_inclusion(leaf, index, size, proof, EMPTY_ROOT)
            assert not verify_inclusion(leaf, index, size, [*proof, good], good)
            assert not verify_inclusion(leaf, index, size, [good, *proof], good)
            for at in range(len(proof)):
                assert not verify_inclusion(leaf, index, size, _flip(proof, at), good)
            if proof:
                assert not verify_inclusion(leaf, index, size, proof[:-1], good)
        for case in VECTORS["consistency"]:
            old, new, proof = case["size1"], case["size2"], _hashes(case["proof"])
            if not proof:
                continue
            r1, r2 = ROOTS[old - 1], ROOTS[new - 1]
            assert not verify_consistency(old + 1, new, r1, r2, proof)
            assert not verify_consistency(old, new * 2, r1, r2, proof)
            assert not verify_consistency(old, new, r2, r1, proof)
            assert not verify_consistency(old, new, r1, r2, [])
            assert not verify_consistency(old, new, r1, r2, proof[:-1])
            assert not verify_consistency(old, new, r1, r2, [*proof, r2])
            for at in range(len(proof)):
                assert not verify_consistency(old, new, r1, r2, _flip(proof, at))

    def test_trivial_consistency(self) -> None:
        assert verify_consistency(0, 5, b"any", ROOTS[4], [])
        assert verify_consistency(3, 3, ROOTS[2], ROOTS[2], [])
        assert not verify_consistency(3, 3, ROOTS[2], ROOTS[3], [])
        assert not verify_consistency(3, 3, ROOTS[2], ROOTS[2], [EMPTY_ROOT])
        assert not verify_consistency(4, 3, ROOTS[3], ROOTS[2], [])


def _reference_mth(leaves: list[bytes]) -> bytes:
    """MTH straight from the RFC's recursive definition, to check the level-kept tree."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return node_hash(_reference_mth(leaves[:k]), _reference_mth(leaves[k:]))


entries = st.lists(st.binary(max_size=12), min_size=1, max_size=70)


class TestProperties:
    @given(entries)
    def test_the_root_is_rfc_mth_for_every_prefix(self, data: list[bytes]) -> None:
        leaves = [leaf_hash(d) for d in data]
        tree = MerkleTree(leaves)
        for size in range(len(leaves) + 1):
            assert tree.root_at(size) == _reference_mth(leaves[:size])

    @given(entries, st.data())
    def test_every_inclusion_proof_verifies_and_a_flipped_byte_fails(
        self, data: list[bytes], draw: st.DataObject
    ) -> None:
        leaves = [leaf_hash(d) for d in data]
        tree = MerkleTree(leaves)
        size = draw.draw(st.integers(1, len(leaves)))
        top = tree.root_at(size)
        for index in range(size):
            proof = tree.inclusion_proof(index, size)
            assert verify_inclusion(leaves[index], index, size, proof, top)
            for at in range(len(proof)):
                assert not verify_inclusion(leaves[index], index, size, _flip(proof, at), top)
            wrong_leaf = bytes([leaves[index][0] ^ 0x80]) + leaves[index][1:]
            assert not verify_inclusion(wrong_leaf, index, size, proof, top)

    @given(entries)
    def test_consistency_verifies_for_every_old_size_and_fails_for_a_wrong_old_root(
        self, data: list[bytes]
    ) -> None:
        leaves = [leaf_hash(d) for d in data]
        tree = MerkleTree(leaves)
        size = len(leaves)
        for old in range(size + 1):
            proof = tree.consistency_proof(old)
            old_root = tree.root_at(old)
            assert verify_consistency(old, size, old_root, tree.root, proof)
            if old > 0:
                wrong = bytes([old_root[0] ^ 1]) + old_root[1:]
                assert not verify_consistency(old, size, wrong, tree.root, proof)
            for at in range(len(proof)):
                assert not verify_consistency(old, size, old_root, tree.root, _flip(proof, at))
