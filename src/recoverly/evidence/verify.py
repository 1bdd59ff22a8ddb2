"""Checking an evidence bundle with nothing but the bundle: offline, no database.

Checks, each named in what it reports: the bundle's shape; that ``key_id`` (when given)
is the public key's; the Ed25519 signature over
``recoverly-tree-head:v1:<log_id>:<tree_size>:<root_hash hex>``; and for each entry, that
its bytes are canonical JSON naming its own index, and that its leaf hash climbs its
inclusion proof to the signed root. A verified bundle proves the entries are in the log
that key signed; whether that key is the operator's is for the reader to check against
the key id the operator publishes (``--key-id``).

A bundle with a ``timestamp`` has its RFC 3161 token checked too (``timestamp.py``): it
parses, it stamps this head's message, and the TSA's signature verifies against the
certificates the reader trusts, or else against the chain the bundle carries (which
proves the token is whole, not who the TSA is).

A consistency file (``"type": "consistency"``) is checked the same way: both heads'
signatures and key ids, and the RFC 9162 consistency proof from the earlier root to the
later one.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import rfc8785
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from recoverly.domain.errors import InvalidInput
from recoverly.domain.evidence import tree_head_message
from recoverly.domain.merkle import HASH_SIZE, leaf_hash, verify_consistency, verify_inclusion
from recoverly.evidence.keys import key_id
from recoverly.evidence.timestamp import check_token


@dataclass
class Verification:
    """What checking a bundle found: empty ``failures`` means every check passed."""

    key_id: str
    tree_size: int
    entries: int
    failures: list[str] = field(default_factory=list)
    gen_time: datetime | None = None  # the RFC 3161 genTime, when the token verified
    tsa: str | None = None  # the TSA certificate's subject
    tsa_trusted: bool = False  # checked against the reader's certificates, not the bundle's

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass
class ConsistencyCheck:
    """What checking a consistency file found: empty ``failures`` means all passed."""

    from_size: int
    to_size: int
    key_ids: list[str]  # the earlier head's signer, then the later one's
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


_KINDS = {str: "a string", int: "an integer", list: "a list", dict: "an object"}


def _field(data: dict[str, Any], name: str, kind: type, where: str = "bundle") -> Any:
    value = data.get(name)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise InvalidInput(f"{where}: field {name!r} must be {_KINDS[kind]}; got {value!r:.60}")
    return value


def _hex(text: str, name: str) -> bytes:
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raise InvalidInput(f"{name}: not hex") from None
    if len(raw) != HASH_SIZE:
        raise InvalidInput(f"{name}: must be {HASH_SIZE} bytes; got {len(raw)}")
    return raw


def _b64(text: str, name: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        raise InvalidInput(f"{name}: not base64") from None


def _check_timestamp(
    found: Verification,
    stamp: object,
    message: bytes,
    trusted: Sequence[x509.Certificate] | None,
) -> None:
    fail = found.failures.append
    if stamp is None:
        fail("timestamp: the bundle has none, and trusted TSA certificates were given")
        return
    if not isinstance(stamp, dict):
        raise InvalidInput("timestamp: must be a JSON object")
    token = _b64(_field(stamp, "token", str, "timestamp"), "timestamp.token")
    stated = _field(stamp, "gen_time", str, "timestamp")
    carried = []
    chain = _field(stamp, "tsa_chain", list, "timestamp") if "tsa_chain" in stamp else []
    for n, text in enumerate(chain):
        where = f"timestamp.tsa_chain[{n}]"
        try:
            carried.append(x509.load_der_x509_certificate(_b64(str(text), where)))
        except ValueError:
            raise InvalidInput(f"{where}: not a DER certificate") from None
    if trusted is None:
        checked = check_token(token, message, carried, "the chain the bundle carries")
    else:
        checked = check_token(token, message, trusted, "the trusted TSA certificates")
    if checked.failure is not None:
        fail(f"timestamp: {checked.failure}")
        return
    try:
        agrees = datetime.fromisoformat(stated) == checked.gen_time
    except ValueError:
        agrees = False
    if not agrees:
        fail(f"timestamp: the bundle says genTime {stated!r}, the token {checked.gen_time}")
        return
    found.gen_time, found.tsa, found.tsa_trusted = checked.gen_time, checked.tsa, bool(trusted)


def verify_bundle(
    data: object,
    expected_key_id: str | None = None,
    trusted_tsa: Sequence[x509.Certificate] | None = None,
) -> Verification:
    """Check a parsed bundle. A malformed one raises ``InvalidInput`` naming the field;
    a well-formed one that fails a check returns the failures, one per check and entry.

    Args:
        data: the bundle as parsed from its JSON.
        expected_key_id: the signer's key id as published, when the reader has it.
        trusted_tsa: the TSA root (and intermediate) certificates the reader trusts; given,
            the bundle must carry a time-stamp that chains to them.
    """
    if not isinstance(data, dict):
        raise InvalidInput("bundle: must be a JSON object")
    log_id = _field(data, "log_id", str)
    tree_size = _field(data, "tree_size", int)
    root_hash = _hex(_field(data, "root_hash", str), "root_hash")
    signature = _b64(_field(data, "signature", str), "signature")
    public_key = _b64(_field(data, "public_key", str), "public_key")
    entries = _field(data, "entries", list)
    found = Verification(key_id=key_id(public_key), tree_size=tree_size, entries=len(entries))
    fail = found.failures.append

    if "key_id" in data and data["key_id"] != found.key_id:
        fail(f"key id: the bundle names {data['key_id']!r}, its public key is {found.key_id}")
    if expected_key_id is not None and expected_key_id != found.key_id:
        fail(f"key id: signed by {found.key_id}, not the expected {expected_key_id}")
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            signature, tree_head_message(log_id, tree_size, root_hash)
        )
    except (InvalidSignature, ValueError):
        fail("signature: the tree head's signature does not verify with the public key")
    if data.get("timestamp") is not None or trusted_tsa is not None:
        message = tree_head_message(log_id, tree_size, root_hash)
        _check_timestamp(found, data.get("timestamp"), message, trusted_tsa)

    for n, item in enumerate(entries):
        where = f"entries[{n}]"
        if not isinstance(item, dict):
            raise InvalidInput(f"{where}: must be a JSON object")
        index = _field(item, "index", int, where)
        entry = _b64(_field(item, "entry", str, where), f"{where}.entry")
        proof = [
            _hex(p, f"{where}.inclusion_proof") if isinstance(p, str) else b""
            for p in _field(item, "inclusion_proof", list, where)
        ]
        if not verify_inclusion(leaf_hash(entry), index, tree_size, proof, root_hash):
            fail(f"inclusion: entry {index} is not under the signed root by its proof")
        try:
            body = json.loads(entry)
            canonical = rfc8785.dumps(body) == entry
        except (ValueError, rfc8785.CanonicalizationError):
            body, canonical = None, False
        if not canonical:
            fail(f"entry {index}: not canonical JSON (RFC 8785)")
        elif not isinstance(body, dict) or body.get("index") != index:
            named = body.get("index") if isinstance(body, dict) else None
            fail(f"entry {index}: its bytes name another position ({named!r})")
    return found


def _signed_head(
    data: dict[str, Any], name: str, log_id: str, expected_key_id: str | None
) -> tuple[int, bytes, str, list[str]]:
    """A consistency file's head: its size, root, key id, and the failures of its checks."""
    head = _field(data, name, dict)
    tree_size = _field(head, "tree_size", int, name)
    root_hash = _hex(_field(head, "root_hash", str, name), f"{name}.root_hash")
    signature = _b64(_field(head, "signature", str, name), f"{name}.signature")
    public_key = _b64(_field(head, "public_key", str, name), f"{name}.public_key")
    signer = key_id(public_key)
    failures = []
    if "key_id" in head and head["key_id"] != signer:
        failures.append(f"key id: {name} names {head['key_id']!r}, its public key is {signer}")
    if expected_key_id is not None and expected_key_id != signer:
        failures.append(f"key id: {name} is signed by {signer}, not the expected {expected_key_id}")
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            signature, tree_head_message(log_id, tree_size, root_hash)
        )
    except (InvalidSignature, ValueError):
        failures.append(f"signature: the {name} head's signature does not verify")
    return tree_size, root_hash, signer, failures


def verify_consistency_file(data: object, expected_key_id: str | None = None) -> ConsistencyCheck:
    """Check a parsed consistency file: both heads signed, and the later extending the
    earlier by the proof. Malformed input raises ``InvalidInput`` naming the field.

    Args:
        data: the file as parsed from its JSON.
        expected_key_id: the signer's key id as published; both heads must be its.
    """
    if not isinstance(data, dict) or data.get("type") != "consistency":
        raise InvalidInput('consistency file: must be a JSON object with "type": "consistency"')
    log_id = _field(data, "log_id", str, "consistency file")
    old_size, old_root, old_key, old_failures = _signed_head(data, "from", log_id, expected_key_id)
    size, root_hash, new_key, new_failures = _signed_head(data, "to", log_id, expected_key_id)
    proof = [
        _hex(p, "consistency_proof") if isinstance(p, str) else b""
        for p in _field(data, "consistency_proof", list, "consistency file")
    ]
    found = ConsistencyCheck(old_size, size, [old_key, new_key], old_failures + new_failures)
    if not verify_consistency(old_size, size, old_root, root_hash, proof):
        found.failures.append(
            f"consistency: the tree of size {size} does not extend the tree of size "
            f"{old_size} by the proof"
        )
    return found
