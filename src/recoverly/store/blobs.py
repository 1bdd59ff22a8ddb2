"""Content-addressed storage for documents Recoverly produces (letters, evidence bundles).

A blob is named by the SHA-256 of its bytes, so the name proves the content: the same
bytes are stored once however often they are put, a reference recorded in the database
(an outbox row's ``provider_id``, an evidence log entry) can be checked against the file
years later, and a blob that was swapped or rotted on disk is detected on read instead of
being mailed or shown as if it were the original.

``BlobStore`` is the port; ``LocalBlobStore`` keeps blobs in a directory tree and
``blobs_s3.S3BlobStore`` in an S3-compatible bucket (AWS, MinIO, Ceph) under the same
``ab/cd/<sha256>`` names. ``blob_store(settings)`` is the one place that picks between
them, from ``RECOVERLY_BLOB_URL`` (else ``RECOVERLY_BLOB_DIR``), so every part of
Recoverly that keeps or erases documents uses the same store.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from recoverly.config import Settings
from recoverly.domain.errors import InvalidInput, NotFound, RecoverlyError

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_READ_CHUNK = 1 << 20


class BlobNotFound(NotFound):
    """No blob is stored under this hash."""

    code = "blob.not_found"


class BlobCorrupted(RecoverlyError):
    """The bytes stored under a hash no longer hash to it: the blob was altered or swapped.

    This is a broken invariant, not a transient failure: the stored copy must not be used,
    and whoever runs the store should restore it from a backup.
    """

    code = "blob.corrupted"


class BlobStore(Protocol):
    """Where documents are kept, named by the SHA-256 of their bytes."""

    def put(self, data: bytes, content_type: str) -> str:
        """Store ``data`` (a no-op if it is already stored) and return its SHA-256 hex."""
        ...

    def get(self, sha256: str) -> bytes:
        """Return the bytes stored under ``sha256``, verified against it.

        Raises:
            BlobNotFound: nothing is stored under ``sha256``.
            BlobCorrupted: the stored bytes do not hash to ``sha256``.
        """
        ...

    def exists(self, sha256: str) -> bool:
        """Whether a blob is stored under ``sha256`` (without reading or verifying it)."""
        ...

    def delete(self, sha256: str) -> bool:
        """Remove the blob (a letter whose addressee's data is erased); return whether
        there was one. Deleting a missing blob is not an error, so erasures can resume."""
        ...


def sha256_hex(data: bytes) -> str:
    """The name a blob with these bytes is stored under."""
    return hashlib.sha256(data).hexdigest()


def check_sha256(sha256: str) -> str:
    """``sha256`` if it is 64 lowercase hex digits; it becomes a path or an object key,
    and anything else could reach outside the store's root."""
    if not _SHA256_HEX.fullmatch(sha256):
        raise InvalidInput(f"a blob id must be 64 lowercase hex digits (SHA-256); got {sha256!r}")
    return sha256


class BlobUrlInvalid(RecoverlyError):
    """``RECOVERLY_BLOB_URL`` names no store Recoverly can use."""

    code = "blob.url_invalid"


def blob_store(settings: Settings) -> BlobStore:
    """The store the settings name: ``RECOVERLY_BLOB_URL`` when set (``file:///path`` or
    ``s3://bucket/prefix``, the latter on ``RECOVERLY_S3_ENDPOINT_URL`` when given), else
    the directory ``RECOVERLY_BLOB_DIR`` (``./blobs``).

    Raises:
        BlobUrlInvalid: the URL is neither form.
    """
    url = (settings.blob_url or "").strip()
    if not url:
        return LocalBlobStore(settings.blob_dir)
    parts = urlsplit(url)
    if parts.scheme == "file" and parts.netloc in ("", "localhost") and parts.path:
        return LocalBlobStore(Path(unquote(parts.path)))
    if parts.scheme == "s3" and parts.netloc:
        from recoverly.store.blobs_s3 import S3BlobStore  # boto3 only where it is used

        return S3BlobStore.from_url(url, endpoint_url=settings.s3_endpoint_url)
    raise BlobUrlInvalid(
        f"RECOVERLY_BLOB_URL must be file:///ABSOLUTE/PATH or s3://BUCKET[/PREFIX]; got {url!r}"
    )


class LocalBlobStore:
    """Blobs as files under ``root/ab/cd/<sha256>`` (the first two byte pairs fan out the
    tree so that no directory grows to millions of entries).

    Writes go to a temporary file in the target directory, are fsynced, then renamed over
    the final name with ``os.replace``, and the directory is fsynced: a crash leaves either
    no blob or the whole blob under its name, never a partial one. Files are created
    owner-only (0600) because letters carry debtors' personal data.

    ``content_type`` is accepted for parity with object stores and not kept: the bytes are
    what is addressed, and callers know what they stored.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        """Where the blob named ``sha256`` lives (whether or not it exists)."""
        check_sha256(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes, content_type: str) -> str:
        """Store ``data`` atomically and return its SHA-256 hex.

        Putting bytes that are already stored writes nothing. If the file under that name
        no longer matches (a corrupted copy), it is replaced by the good bytes in hand.
        """
        sha256 = sha256_hex(data)
        final = self.path_for(sha256)
        if final.is_file() and file_sha256(final) == sha256:
            return sha256
        new_dirs = not final.parent.is_dir()
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=final.parent, prefix=".tmp-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as tmp:
                tmp.write(data)
                tmp.flush()
                os.fsync(tmp.fileno())
            os.replace(tmp_name, final)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
            raise
        _fsync_dir(final.parent)
        if new_dirs:
            # New fan-out directories are only durable once their own parents are synced.
            _fsync_dir(final.parent.parent)
            _fsync_dir(self.root)
        return sha256

    def get(self, sha256: str) -> bytes:
        """Return the blob's bytes after checking that they still hash to ``sha256``."""
        path = self.path_for(sha256)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise BlobNotFound(f"no blob {sha256} in {self.root}") from None
        actual = sha256_hex(data)
        if actual != sha256:
            raise BlobCorrupted(
                f"blob {sha256} at {path} is corrupted: its bytes hash to {actual}; "
                "restore it from a backup"
            )
        return data

    def exists(self, sha256: str) -> bool:
        """Whether a file is stored under ``sha256``; ``get`` is what verifies it."""
        return self.path_for(sha256).is_file()

    def delete(self, sha256: str) -> bool:
        """Unlink the blob's file and sync its directory, so the removal survives a crash."""
        path = self.path_for(sha256)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        _fsync_dir(path.parent)
        return True


def file_sha256(path: Path) -> str:
    """The SHA-256 hex of a file's bytes, read in chunks (a recording may be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_READ_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(directory: Path) -> None:
    # The rename is durable only once the directory entry is on disk. Windows cannot open a
    # directory for fsync; there the rename is as durable as the platform makes it.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
