"""Content-addressed blobs in an S3-compatible object store (AWS S3, MinIO, Ceph RGW).

The same port as ``LocalBlobStore`` (``blobs.BlobStore``), over the same names: an object
key is ``<prefix>ab/cd/<sha256>``, so a directory of local blobs can be copied into a
bucket as it is (``aws s3 sync blobs/ s3://bucket/prefix/``) and keeps working.

The bucket is trusted no more than a disk: ``get`` re-hashes every object it returns and
refuses one whose bytes no longer match their name. Uploads carry the SHA-256 of their
bytes (``ChecksumSHA256``), so a server that checks checksums (AWS, recent MinIO) refuses
an upload damaged on the way, and keeps the checksum, which ``put`` then compares without
downloading the object again. A server that does not know the header is detected on the
first refusal and written to without it from then on.

Failures to reach or use the store raise ``BlobStoreUnavailable``, an ``OSError`` like a
full or unmounted disk: callers that retry I/O failures (the letter adapter) retry these.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from recoverly.store.blobs import BlobCorrupted, BlobNotFound, check_sha256, sha256_hex

# What servers answer for an object that is not there (HEAD has no body, hence "404").
_NOT_FOUND = frozenset({"404", "NoSuchKey", "NotFound"})
# What servers that do not know the x-amz-checksum-* headers answer to them.
_NO_CHECKSUMS = frozenset({"NotImplemented", "InvalidArgument", "InvalidRequest"})


class BlobStoreUnavailable(OSError):
    """The object store could not be reached, or refused the request (credentials,
    permissions, a missing bucket): the blob itself may be fine.

    ``code`` is the server's error code (``AccessDenied``, ``NoSuchBucket``…), empty when
    no answer came.
    """

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class S3BlobStore:
    """Blobs as objects ``<prefix>ab/cd/<sha256>`` in one bucket.

    Args:
        client: a boto3 S3 client (``S3BlobStore.from_url`` makes one from settings).
        bucket: the bucket's name.
        prefix: a key prefix, so that one bucket can hold several installations' blobs.
    """

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self._checksums = True  # until the server refuses them

    @classmethod
    def from_url(cls, url: str, endpoint_url: str | None = None) -> S3BlobStore:
        """The store ``s3://bucket/prefix`` names, with credentials and region from the
        standard AWS settings (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``,
        ``AWS_DEFAULT_REGION``, ``AWS_PROFILE``, an instance role…).

        Args:
            endpoint_url: the server for an S3-compatible store other than AWS (MinIO,
                Ceph); such servers are addressed by path (``host/bucket/key``), since
                bucket-named host names rarely resolve there.
        """
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise ValueError(f"an S3 blob store URL is s3://BUCKET[/PREFIX]; got {url!r}")
        config = Config(
            # Only the checksums this store sets itself: botocore's default CRC32 on every
            # upload is refused by many S3-compatible servers.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            s3={"addressing_style": "path" if endpoint_url else "auto"},
            retries={"mode": "standard"},
        )
        client = boto3.client("s3", endpoint_url=endpoint_url or None, config=config)
        return cls(client, parts.netloc, parts.path)

    def key_for(self, sha256: str) -> str:
        """The object key the blob named ``sha256`` is stored under."""
        check_sha256(sha256)
        return f"{self.prefix}{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def where(self, sha256: str) -> str:
        """The blob's object as a URL, for messages."""
        return f"s3://{self.bucket}/{self.key_for(sha256)}"

    def put(self, data: bytes, content_type: str) -> str:
        """Store ``data`` under its SHA-256 and return it; a no-op when a good copy is
        already there, a repair when a damaged one is."""
        digest = hashlib.sha256(data).digest()
        sha256 = digest.hex()
        if self._holds(sha256, _b64(digest), len(data)):
            return sha256
        key = self.key_for(sha256)
        request: dict[str, Any] = {
            "Bucket": self.bucket,
            "Key": key,
            "Body": data,
            "ContentType": content_type,
        }
        if self._checksums:
            try:
                self._call(
                    "put_object",
                    sha256,
                    **request,
                    ChecksumAlgorithm="SHA256",  # some servers keep the checksum only so
                    ChecksumSHA256=_b64(digest),
                )
                return sha256
            except BlobStoreUnavailable as exc:
                if exc.code not in _NO_CHECKSUMS:
                    raise
                self._checksums = False
        self._call("put_object", sha256, **request)
        return sha256

    def get(self, sha256: str) -> bytes:
        """The object's bytes, after checking that they still hash to ``sha256``."""
        try:
            answer = self._call("get_object", sha256, Bucket=self.bucket, Key=self.key_for(sha256))
        except BlobStoreUnavailable as exc:
            if exc.code in _NOT_FOUND:
                raise BlobNotFound(
                    f"no blob {sha256} in s3://{self.bucket}/{self.prefix}"
                ) from None
            raise
        try:
            data: bytes = answer["Body"].read()
        except (BotoCoreError, OSError) as exc:
            raise BlobStoreUnavailable(f"reading {self.where(sha256)} failed: {exc}") from exc
        actual = sha256_hex(data)
        if actual != sha256:
            raise BlobCorrupted(
                f"blob {sha256} at {self.where(sha256)} is corrupted: its bytes hash to "
                f"{actual}; restore it from a backup or a bucket version"
            )
        return data

    def exists(self, sha256: str) -> bool:
        """Whether an object is stored under ``sha256``; ``get`` is what verifies it."""
        return self._head(sha256) is not None

    def delete(self, sha256: str) -> bool:
        """Remove the object; return whether there was one. Idempotent, like S3 itself."""
        if self._head(sha256) is None:
            return False
        self._call("delete_object", sha256, Bucket=self.bucket, Key=self.key_for(sha256))
        return True

    def _holds(self, sha256: str, checksum: str, size: int) -> bool:
        """Whether a good copy is already stored: by its stored checksum when the server
        kept one, else by reading it back (rare: a retry, or bytes put twice)."""
        head = self._head(sha256)
        if head is None or head.get("ContentLength") != size:
            return False
        stored = head.get("ChecksumSHA256")
        if stored is not None:
            return bool(stored == checksum)
        try:
            self.get(sha256)
        except BlobCorrupted:
            return False
        return True

    def _head(self, sha256: str) -> dict[str, Any] | None:
        try:
            head: dict[str, Any] = self._call(
                "head_object",
                sha256,
                Bucket=self.bucket,
                Key=self.key_for(sha256),
                ChecksumMode="ENABLED",
            )
        except BlobStoreUnavailable as exc:
            if exc.code in _NOT_FOUND:
                return None
            raise
        return head

    def _call(self, operation: str, sha256: str, **request: Any) -> Any:
        try:
            return getattr(self.client, operation)(**request)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = str(error.get("Code", ""))
            raise BlobStoreUnavailable(
                f"{operation} {self.where(sha256)}: {code} {error.get('Message', '')}".rstrip(),
                code=code,
            ) from exc
        except BotoCoreError as exc:
            raise BlobStoreUnavailable(f"{operation} {self.where(sha256)}: {exc}") from exc


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()
