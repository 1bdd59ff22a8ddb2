"""Every blob store behaves the same: the local directory and an S3-compatible bucket
(moto's S3 server over real HTTP on 127.0.0.1) pass the same tests, then each its own."""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from moto.server import ThreadedMotoServer

from recoverly.config import Settings
from recoverly.domain.errors import InvalidInput
from recoverly.store.blobs import (
    BlobCorrupted,
    BlobNotFound,
    BlobStore,
    BlobUrlInvalid,
    LocalBlobStore,
    blob_store,
)
from recoverly.store.blobs_s3 import BlobStoreUnavailable, S3BlobStore

LETTER = b"%PDF-1.3 a letter to Jane Doe"
LETTER_SHA = hashlib.sha256(LETTER).hexdigest()
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """A local S3-compatible server on a free port, for this module's tests."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def s3_client(s3_endpoint: str, aws_env: None) -> Any:
    return boto3.client(
        "s3", endpoint_url=s3_endpoint, config=Config(s3={"addressing_style": "path"})
    )


@pytest.fixture
def bucket(s3_client: Any) -> str:
    name = f"blobs-{uuid.uuid4().hex[:12]}"
    s3_client.create_bucket(Bucket=name)
    return name


class Backend:
    """A store under test and a way to damage what it stored behind its back."""

    def __init__(self, store: BlobStore, overwrite: Callable[[str, bytes], None]) -> None:
        self.store = store
        self.overwrite = overwrite


@pytest.fixture(params=["local", "s3"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "local":
        local = LocalBlobStore(tmp_path / "blobs")
        return Backend(local, lambda sha, data: local.path_for(sha).write_bytes(data))
    client, name = request.getfixturevalue("s3_client"), request.getfixturevalue("bucket")
    s3 = S3BlobStore(client, name, prefix="tenant-blobs")
    return Backend(
        s3, lambda sha, data: client.put_object(Bucket=name, Key=s3.key_for(sha), Body=data)
    )


class TestEveryStore:
    def test_round_trip(self, backend: Backend) -> None:
        store = backend.store
        assert not store.exists(LETTER_SHA)
        assert store.put(LETTER, "application/pdf") == LETTER_SHA
        assert store.exists(LETTER_SHA)
        assert store.get(LETTER_SHA) == LETTER

    def test_empty_and_binary_blobs_round_trip(self, backend: Backend) -> None:
        for data in (b"", bytes(range(256)) * 64):
            assert backend.store.get(backend.store.put(data, "application/octet-stream")) == data

    def test_putting_the_same_bytes_twice_is_a_no_op(self, backend: Backend) -> None:
        first = backend.store.put(LETTER, "application/pdf")
        assert backend.store.put(LETTER, "application/pdf") == first
        assert backend.store.get(first) == LETTER

    def test_an_unknown_hash_is_not_found(self, backend: Backend) -> None:
        with pytest.raises(BlobNotFound) as caught:
            backend.store.get(LETTER_SHA)
        assert caught.value.code == "blob.not_found"

    def test_bytes_altered_in_the_store_are_refused(self, backend: Backend) -> None:
        sha = backend.store.put(LETTER, "application/pdf")
        other = b"%PDF-1.3 a different letter"
        backend.overwrite(sha, other)
        with pytest.raises(BlobCorrupted) as caught:
            backend.store.get(sha)
        assert sha in caught.value.message
        assert hashlib.sha256(other).hexdigest() in caught.value.message

    def test_putting_good_bytes_repairs_a_corrupted_copy(self, backend: Backend) -> None:
        sha = backend.store.put(LETTER, "application/pdf")
        backend.overwrite(sha, LETTER[:-1])
        assert backend.store.put(LETTER, "application/pdf") == sha
        assert backend.store.get(sha) == LETTER

    def test_deleting_twice_is_not_an_error(self, backend: Backend) -> None:
        sha = backend.store.put(LETTER, "application/pdf")
        assert backend.store.delete(sha) is True
        assert backend.store.delete(sha) is False
        assert not backend.store.exists(sha)
        with pytest.raises(BlobNotFound):
            backend.store.get(sha)

    @pytest.mark.parametrize(
        "bad_id", ["", "../../etc/passwd", LETTER_SHA.upper(), LETTER_SHA[:-1], LETTER_SHA + "0"]
    )
    def test_an_id_that_is_not_a_sha256_is_refused(self, backend: Backend, bad_id: str) -> None:
        for use in (backend.store.get, backend.store.exists, backend.store.delete):
            with pytest.raises(InvalidInput, match="64 lowercase hex"):
                use(bad_id)


class TestS3:
    def test_objects_are_fanned_out_under_the_prefix_with_type_and_checksum(
        self, s3_client: Any, bucket: str
    ) -> None:
        store = S3BlobStore(s3_client, bucket, prefix="/acme/letters/")
        sha = store.put(LETTER, "application/pdf")
        key = f"acme/letters/{sha[:2]}/{sha[2:4]}/{sha}"
        listed = s3_client.list_objects_v2(Bucket=bucket)["Contents"]
        assert [o["Key"] for o in listed] == [key]
        head = s3_client.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
        assert head["ContentType"] == "application/pdf"
        assert head["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(LETTER).digest()).decode()

    def test_a_second_put_of_the_same_bytes_uploads_nothing(
        self, s3_client: Any, bucket: str
    ) -> None:
        store = S3BlobStore(s3_client, bucket)
        store.put(LETTER, "application/pdf")
        calls: list[str] = []
        s3_client.meta.events.register(
            "before-call.s3.*", lambda model, **_: calls.append(model.name)
        )
        store.put(LETTER, "application/pdf")
        assert calls == ["HeadObject"]

    def test_a_server_without_checksums_is_written_to_without_them(
        self, s3_client: Any, bucket: str
    ) -> None:
        def refuse_checksums(params: dict[str, Any], **_: Any) -> None:
            if "ChecksumSHA256" in params:
                raise_client_error("NotImplemented")

        s3_client.meta.events.register("provide-client-params.s3.PutObject", refuse_checksums)
        store = S3BlobStore(s3_client, bucket)
        sha = store.put(LETTER, "application/pdf")
        assert store.get(sha) == LETTER
        assert store.put(b"second", "text/plain") == hashlib.sha256(b"second").hexdigest()

    def test_a_missing_bucket_is_an_os_error_naming_it(self, s3_client: Any) -> None:
        store = S3BlobStore(s3_client, "no-such-bucket")
        with pytest.raises(BlobStoreUnavailable, match="s3://no-such-bucket/") as caught:
            store.put(LETTER, "application/pdf")
        assert isinstance(caught.value, OSError)  # the letter adapter retries OSErrors

    def test_an_unreachable_server_is_an_os_error(self, aws_env: None) -> None:
        store = S3BlobStore.from_url("s3://b", endpoint_url="http://127.0.0.1:9")
        with pytest.raises(BlobStoreUnavailable):
            store.exists(LETTER_SHA)


def raise_client_error(code: str) -> None:
    from botocore.exceptions import ClientError

    raise ClientError({"Error": {"Code": code, "Message": "checksums not supported"}}, "PutObject")


class TestTheFactory:
    def test_by_default_the_blob_directory(self, tmp_path: Path) -> None:
        store = blob_store(Settings(blob_dir=tmp_path / "b"))
        assert isinstance(store, LocalBlobStore)
        assert store.root == tmp_path / "b"

    def test_a_file_url(self, tmp_path: Path) -> None:
        store = blob_store(Settings(blob_url=f"file://{tmp_path}/my%20blobs"))
        assert isinstance(store, LocalBlobStore)
        assert store.root == tmp_path / "my blobs"

    def test_an_s3_url_on_an_s3_compatible_server(
        self, s3_endpoint: str, s3_client: Any, bucket: str
    ) -> None:
        store = blob_store(
            Settings(blob_url=f"s3://{bucket}/recoverly", s3_endpoint_url=s3_endpoint)
        )
        assert isinstance(store, S3BlobStore)
        sha = store.put(LETTER, "application/pdf")
        body = s3_client.get_object(Bucket=bucket, Key=f"recoverly/{sha[:2]}/{sha[2:4]}/{sha}")
        assert body["Body"].read() == LETTER

    def test_the_environment_names_the_store(
        self, monkeypatch: pytest.MonkeyPatch, s3_endpoint: str, bucket: str
    ) -> None:
        monkeypatch.setenv("RECOVERLY_BLOB_URL", f"s3://{bucket}")
        monkeypatch.setenv("RECOVERLY_S3_ENDPOINT_URL", s3_endpoint)
        store = blob_store(Settings())
        assert isinstance(store, S3BlobStore)
        assert store.get(store.put(LETTER, "application/pdf")) == LETTER

    @pytest.mark.parametrize(
        "url", ["http://example.com/b", "s3:///prefix", "file://host/x", "blobs"]
    )
    def test_a_url_naming_no_store_is_refused(self, url: str) -> None:
        with pytest.raises(BlobUrlInvalid, match="RECOVERLY_BLOB_URL"):
            blob_store(Settings(blob_url=url))
