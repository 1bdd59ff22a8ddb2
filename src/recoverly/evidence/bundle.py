"""Evidence bundles: a case's entries with the proofs that put them under a signed head.

The bundle is the evidence-log contract's JSON: ``log_id``, ``tree_size``, ``root_hash``
(hex), ``signature`` (base64), ``public_key`` (base64, raw 32 bytes) and ``entries``, each
``{"index", "entry" (base64), "inclusion_proof": [hex, …]}``; it adds ``key_id`` and
``signed_at``. It needs nothing else to be checked (see ``verify.py``).
"""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy import Connection

from recoverly.domain.errors import NotFound
from recoverly.domain.merkle import leaf_hash, verify_inclusion
from recoverly.evidence import tree
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
    return {
        "log_id": head.log_id,
        "tree_size": head.tree_size,
        "root_hash": head.root_hash.hex(),
        "signature": base64.b64encode(head.signature).decode(),
        "public_key": base64.b64encode(head.public_key).decode(),
        "key_id": head.key_id,
        "signed_at": head.signed_at.isoformat(),
        "entries": [
            {
                "index": e.index,
                "entry": base64.b64encode(e.entry).decode(),
                "inclusion_proof": [p.hex() for p in proof],
            }
            for e, proof in zip(entries, proofs, strict=True)
        ],
    }
