"""Evidence bundles: a case's entries with the proofs that put them under a signed head.

The bundle is the evidence-log contract's JSON: ``log_id``, ``tree_size``, ``root_hash``
(hex), ``signature`` (base64), ``public_key`` (base64, raw 32 bytes) and ``entries``, each
``{"index", "entry" (base64), "inclusion_proof": [hex, …]}``; it adds ``key_id`` and
``signed_at``, and ``timestamp`` when the head has an RFC 3161 stamp (``timestamp.py``).
It needs nothing else to be checked (see ``verify.py``).

A consistency file shows that a later signed head extends an earlier one: ``{"type":
"consistency", "log_id", "from": head, "to": head, "consistency_proof": [hex, …]}``, each
head ``{"tree_size", "root_hash" (hex), "signature", "public_key" (base64), "key_id",
"signed_at"}``. Whoever kept an earlier head (or a bundle under it) can check with it
that the log was only appended to since.
"""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy import Connection

from recoverly.domain.errors import InvalidInput, NotFound
from recoverly.domain.evidence import TreeHead
from recoverly.domain.merkle import leaf_hash, verify_consistency, verify_inclusion
from recoverly.evidence import timestamp, tree
from recoverly.evidence.errors import LogTampered, NothingSigned
from recoverly.store.repositories import evidence as repo


def export_case(conn: Connection, tenant_id: int, case_id: str) -> dict[str, Any]:
    """The bundle of one case's entries under the latest signed head.

    Refuses rather than exports a bundle that would not verify: the stored tree must
    reproduce the signed root, and each exported entry its own leaf hash and, by its
    proof (read from the stored tree), that root.
    """
    state = repo.log_state(conn)
    head = repo.latest_head(conn, state[0]) if state else None
    if head is None:
        raise NothingSigned("no signed tree head yet: run `recoverly evidence sign` first")
    if tree.root(conn, head.tree_size) != head.root_hash:
        raise LogTampered(
            f"the stored log no longer matches its head signed at size {head.tree_size}: "
            "run `recoverly evidence audit`"
        )
    entries = repo.case_entries(conn, tenant_id, case_id, head.tree_size)
    if not entries:
        raise NotFound(
            f"no signed evidence for case {case_id!r} (entries appended since the last "
            "head are in the next one: `recoverly evidence sign`)"
        )
    proofs = tree.inclusion_proofs(conn, [e.index for e in entries], head.tree_size)
    for e, proof in zip(entries, proofs, strict=True):
        own = leaf_hash(e.entry)
        if own != e.leaf_hash:
            raise LogTampered(f"entry {e.index} no longer matches its leaf hash")
        if not verify_inclusion(own, e.index, head.tree_size, proof, head.root_hash):
            raise LogTampered(
                f"entry {e.index} is not under the signed root by the stored tree: "
                "run `recoverly evidence audit`"
            )
    bundle: dict[str, Any] = {
        "log_id": head.log_id,
        **_head(head),
        "entries": [
            {
                "index": e.index,
                "entry": base64.b64encode(e.entry).decode(),
                "inclusion_proof": [p.hex() for p in proof],
            }
            for e, proof in zip(entries, proofs, strict=True)
        ],
    }
    stamp = repo.head_timestamp(conn, head.tree_size, head.key_id)
    if stamp is not None:
        bundle["timestamp"] = timestamp.bundle_field(stamp)
    return bundle


def _head(head: TreeHead) -> dict[str, Any]:
    return {
        "tree_size": head.tree_size,
        "root_hash": head.root_hash.hex(),
        "signature": base64.b64encode(head.signature).decode(),
        "public_key": base64.b64encode(head.public_key).decode(),
        "key_id": head.key_id,
        "signed_at": head.signed_at.isoformat(),
    }


def consistency(conn: Connection, from_size: int, to_size: int | None = None) -> dict[str, Any]:
    """The proof that the head signed at ``to_size`` (default: the latest) extends the
    head signed at ``from_size``, with both heads, from the stored tree.

    Refuses rather than writes a proof that would not verify: the stored tree must give
    both signed roots.
    """
    state = repo.log_state(conn)
    if state is None:
        raise NothingSigned("the evidence log is empty: no signed heads")
    log_id = state[0]
    signed = repo.heads(conn, log_id)
    if not signed:
        raise NothingSigned("no signed tree head yet: run `recoverly evidence sign` first")
    sizes = ", ".join(f"{s:,}" for s in sorted({h.tree_size for h in signed}))
    to_head = signed[-1] if to_size is None else repo.head_at(conn, log_id, to_size)
    from_head = repo.head_at(conn, log_id, from_size)
    if from_head is None or to_head is None:
        size = from_size if from_head is None else to_size
        raise NotFound(f"no head was signed at tree size {size:,}; signed sizes: {sizes}")
    if from_head.tree_size > to_head.tree_size:
        raise InvalidInput(
            f"--from-size must be at most --to-size ({to_head.tree_size:,}); got {from_size:,}"
        )
    proof = tree.consistency_proof(conn, from_head.tree_size, to_head.tree_size)
    if not verify_consistency(
        from_head.tree_size, to_head.tree_size, from_head.root_hash, to_head.root_hash, proof
    ):
        raise LogTampered(
            f"the stored tree does not show the head at {to_head.tree_size:,} extending the "
            f"head at {from_head.tree_size:,}: run `recoverly evidence audit`"
        )
    return {
        "type": "consistency",
        "log_id": log_id,
        "from": _head(from_head),
        "to": _head(to_head),
        "consistency_proof": [p.hex() for p in proof],
    }
