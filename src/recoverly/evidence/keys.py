"""The Ed25519 key that signs tree heads: where it comes from, and how a new one is made.

The key is a raw 32-byte seed in base64, given either in ``RECOVERLY_EVIDENCE_KEY`` or in
a file named by ``RECOVERLY_EVIDENCE_KEY_FILE`` (the environment variable wins). A key is
named by its id, the hex SHA-256 of its raw public key. Rotation needs no ceremony: every
signed head records the id and public key that signed it, and every bundle carries the
public key, so heads signed before a rotation still verify; point the setting at the new
key and the next ``recoverly evidence sign`` uses it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from recoverly.config import Settings
from recoverly.evidence.errors import EvidenceKeyError

SEED_SIZE = 32


def key_id(public_key: bytes) -> str:
    """A public key's id: the hex SHA-256 of its raw 32 bytes."""
    return hashlib.sha256(public_key).hexdigest()


@dataclass(frozen=True, slots=True)
class SigningKey:
    private: Ed25519PrivateKey

    @property
    def public_key(self) -> bytes:
        return self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def key_id(self) -> str:
        return key_id(self.public_key)

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)


def from_base64(text: str, where: str) -> SigningKey:
    """The key whose seed ``text`` holds; ``where`` names the source in errors."""
    try:
        seed = base64.b64decode(text.strip(), validate=True)
    except binascii.Error:
        raise EvidenceKeyError(f"{where}: not base64") from None
    if len(seed) != SEED_SIZE:
        raise EvidenceKeyError(
            f"{where}: must be the base64 of a {SEED_SIZE}-byte Ed25519 seed; got {len(seed)} bytes"
        )
    return SigningKey(Ed25519PrivateKey.from_private_bytes(seed))


def configured(settings: Settings) -> SigningKey | None:
    """The configured signing key, or None when none is configured."""
    if settings.evidence_key is not None:
        return from_base64(settings.evidence_key.get_secret_value(), "RECOVERLY_EVIDENCE_KEY")
    path = settings.evidence_key_file
    if path is None:
        return None
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise EvidenceKeyError(
            f"RECOVERLY_EVIDENCE_KEY_FILE {path}: cannot read it ({exc})"
        ) from None
    return from_base64(text, f"RECOVERLY_EVIDENCE_KEY_FILE {path}")


def required(settings: Settings) -> SigningKey:
    """The configured signing key; refuses with how to configure one when there is none."""
    key = configured(settings)
    if key is None:
        raise EvidenceKeyError(
            "no evidence signing key: make one with `recoverly evidence keygen --out FILE` "
            "and set RECOVERLY_EVIDENCE_KEY_FILE=FILE (or RECOVERLY_EVIDENCE_KEY to its contents)"
        )
    return key


def write_new(path: Path) -> SigningKey:
    """Make a new key and write its seed to ``path``, readable by its owner only (0600).

    Never overwrites: a key that signed heads may still be needed to know what it signed.
    """
    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes_raw()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise EvidenceKeyError(f"{path}: already exists; not overwriting a key") from None
    except OSError as exc:
        raise EvidenceKeyError(f"{path}: cannot create it ({exc.strerror})") from None
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(base64.b64encode(seed).decode() + "\n")
    return SigningKey(private)
