"""Evidence bundles made in memory, for tests that need a bundle but not a database: the
same entries, tree and signature as the log would make, by the domain's own code."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from recoverly.domain.evidence import tree_head_message
from recoverly.domain.merkle import MerkleTree, leaf_hash
from recoverly.evidence.keys import SigningKey

AT = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
KEY = SigningKey(Ed25519PrivateKey.from_private_bytes(bytes(range(32))))
LOG_ID = "log-test"


def entry(index: int, kind: str, case_id: str = "C1", **facts: Any) -> bytes:
    """An entry's canonical bytes, as ``Evidence.entry`` makes them (any kind, even one
    Recoverly does not know yet)."""
    at = (AT + timedelta(minutes=index)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = {**facts, "index": index, "kind": kind, "tenant": "acme", "case_id": case_id, "at": at}
    return rfc8785.dumps(body)


def bundle(entries: Sequence[bytes], include: Sequence[int] | None = None) -> dict[str, Any]:
    """A signed bundle over a log of exactly ``entries``, holding those at ``include``
    (default: all)."""
    tree = MerkleTree([leaf_hash(e) for e in entries])
    size = len(entries)
    signature = KEY.sign(tree_head_message(LOG_ID, size, tree.root))
    return {
        "log_id": LOG_ID,
        "tree_size": size,
        "root_hash": tree.root.hex(),
        "signature": base64.b64encode(signature).decode(),
        "public_key": base64.b64encode(KEY.public_key).decode(),
        "key_id": KEY.key_id,
        "signed_at": AT.isoformat(),
        "entries": [
            {
                "index": i,
                "entry": base64.b64encode(entries[i]).decode(),
                "inclusion_proof": [p.hex() for p in tree.inclusion_proof(i)],
            }
            for i in (range(size) if include is None else include)
        ],
    }
