"""What the evidence log records, as bytes anyone can re-hash, and what a tree head signs.

An entry is the canonical JSON (RFC 8785) of one event: the same event gives the same
bytes on every machine and in every language, so a verifier needs no Recoverly code to
recompute its leaf hash. Entries name their own position in the log (``index``): a row
moved to another position no longer agrees with itself, so an audit can name it.

Events carry no personal data in clear: a message is recorded by the SHA-256 of what it
said, never its text or address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from recoverly.domain import canonical

TREE_HEAD_PREFIX = "recoverly-tree-head:v1"


class EvidenceKind(StrEnum):
    MESSAGE_SENT = "message_sent"
    COMPLIANCE_BLOCK = "compliance_block"  # a message the rules stopped at send time
    HOLD_PLACED = "hold_placed"  # a dispute, cease request, opt-out… takes effect
    HOLD_RELEASED = "hold_released"
    PAYMENT = "payment"  # allocated to the account's balance


@dataclass(frozen=True, slots=True)
class Evidence:
    """One event to append: its kind, whose it is, when, and what (no personal data)."""

    kind: EvidenceKind
    tenant_id: int  # where the entry is filed (for a tenant's bundle); not in the bytes
    tenant: str
    at: datetime
    case_id: str | None = None
    facts: tuple[tuple[str, str | int | None], ...] = ()

    def entry(self, index: int) -> bytes:
        """The entry's canonical bytes at position ``index`` of the log."""
        body: dict[str, Any] = dict(self.facts)
        body.update(
            index=index,
            kind=self.kind.value,
            tenant=self.tenant,
            case_id=self.case_id,
            at=_instant(self.at),
        )
        return canonical.dumps(body)


def _instant(at: datetime) -> str:
    """UTC, ISO 8601 with microseconds and a ``Z``: one spelling per instant."""
    if at.tzinfo is None:
        raise ValueError(f"naive datetime {at!r}: evidence instants must carry a time zone")
    utc = at.astimezone(UTC)
    if utc.year < 1000:  # strftime writes such years unpadded; isoformat would pad them
        return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    # The same bytes as the strftime above (its "+00:00" swapped for "Z") in a fifth of
    # the time: an append's hot path.
    return utc.isoformat(timespec="microseconds")[:-6] + "Z"


def tree_head_message(log_id: str, tree_size: int, root_hash: bytes) -> bytes:
    """The bytes a tree head's Ed25519 signature covers (the evidence-log contract):
    ``recoverly-tree-head:v1:<log_id>:<tree_size>:<root_hash hex>`` in UTF-8."""
    return f"{TREE_HEAD_PREFIX}:{log_id}:{tree_size}:{root_hash.hex()}".encode()


@dataclass(frozen=True, slots=True)
class TreeHead:
    """A signed commitment to the first ``tree_size`` entries of the log."""

    log_id: str
    tree_size: int
    root_hash: bytes
    signature: bytes
    key_id: str  # hex SHA-256 of the raw public key
    public_key: bytes  # raw 32-byte Ed25519 public key
    signed_at: datetime

    @property
    def message(self) -> bytes:
        return tree_head_message(self.log_id, self.tree_size, self.root_hash)
