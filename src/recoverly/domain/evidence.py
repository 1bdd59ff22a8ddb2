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

# Facts that name a blob in the blob store by its SHA-256 (a call's recording, a letter's
# PDF): the log commits to the hash, so a blob swapped later is found out.
BLOB_FACTS = ("recording_sha256", "document_sha256")


class EvidenceKind(StrEnum):
    """What an entry records. The names are part of every entry's bytes: never rename one."""

    # A message's life: decided by the daily run, sent (or stopped), and what the
    # provider later said became of it.
    MESSAGE_PLANNED = "message_planned"
    MESSAGE_SENT = "message_sent"
    MESSAGE_DELIVERED = "message_delivered"
    MESSAGE_FAILED = "message_failed"  # the provider's final word: not delivered
    COMPLIANCE_BLOCK = "compliance_block"  # a contact the rules stopped (plan or send time)
    STRATEGY_DECISION = "strategy_decision"  # a case queued for agents, escalated, moved
    CALL_OUTCOME = "call_outcome"  # what a call reached, with its recording's hash
    CONSENT_GIVEN = "consent_given"  # a channel opted back into (START)
    CONSENT_WITHDRAWN = "consent_withdrawn"  # a channel opted out of (STOP)
    PROMISE_MADE = "promise_made"
    PROMISE_KEPT = "promise_kept"
    PROMISE_BROKEN = "promise_broken"
    PAYMENT = "payment"  # allocated to the account's balance
    DISPUTE_OPENED = "dispute_opened"
    DISPUTE_CLOSED = "dispute_closed"
    HOLD_PLACED = "hold_placed"  # a cease request, bankruptcy, attorney… takes effect
    HOLD_RELEASED = "hold_released"
    COMPLAINT_RECEIVED = "complaint_received"
    COMPLAINT_RESPONDED = "complaint_responded"
    COMPLAINT_CLOSED = "complaint_closed"
    DATA_ACCESS = "data_access"  # a person read personal data in clear


@dataclass(frozen=True, slots=True)
class Evidence:
    """One event to append: its kind, whose it is, when, and what (no personal data)."""

    kind: EvidenceKind
    tenant_id: int  # whose it is; the entry names the tenant (see ``entry``)
    at: datetime
    case_id: str | None = None
    facts: tuple[tuple[str, str | int | None], ...] = ()

    def entry(self, index: int, tenant: str) -> bytes:
        """The entry's canonical bytes at position ``index`` of the log, naming ``tenant``
        (the tenant's name, which a reader of a bundle knows, not its database id)."""
        body: dict[str, Any] = dict(self.facts)
        body.update(
            index=index,
            kind=self.kind.value,
            tenant=tenant,
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


@dataclass(frozen=True, slots=True)
class HeadTimestamp:
    """An RFC 3161 time-stamp over a tree head's message: a time-stamping authority's
    signed statement that the head existed at ``gen_time``, by a clock and a key that
    are not Recoverly's."""

    token: bytes  # the TimeStampToken, DER (a CMS ContentInfo)
    gen_time: datetime  # the token's genTime
    tsa_chain: str  # PEM: the TSA's certificate up to the root it was checked against
