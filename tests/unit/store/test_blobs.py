"""The local content-addressed blob store: names are hashes, writes are atomic and
idempotent, and a blob altered on disk is refused on read."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recoverly.domain.errors import InvalidInput, NotFound, RecoverlyError
from recoverly.store.blobs import BlobCorrupted, BlobNotFound, BlobStore, LocalBlobStore

LETTER = b"%PDF-1.3 a letter to Jane Doe"
LETTER_SHA = hashlib.sha256(LETTER).hexdigest()


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.fixture
def store(tmp_path: Path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "blobs")


class TestPut:
    def test_returns_the_sha256_and_stores_under_a_fanned_out_path(
        self, store: LocalBlobStore
    ) -> None:
        assert store.put(LETTER, "application/pdf") == LETTER_SHA
        path = store.root / LETTER_SHA[:2] / LETTER_SHA[2:4] / LETTER_SHA
        assert path.read_bytes() == LETTER
        assert stored_files(store.root) == [path]

    def test_putting_the_same_bytes_twice_stores_them_once(self, store: LocalBlobStore) -> None:
        first = store.put(LETTER, "application/pdf")
        path = store.path_for(first)
        before = path.stat()

        assert store.put(LETTER, "application/pdf") == first
        after = path.stat()
        # Not rewritten: a rewrite renames a new file (a new inode) over the name.
        assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
        assert stored_files(store.root) == [path]

    def test_leaves_no_temporary_file_behind(self, store: LocalBlobStore) -> None:
        store.put(LETTER, "application/pdf")
        store.put(b"", "application/octet-stream")
        assert all(not p.name.startswith(".tmp-") for p in stored_files(store.root))

    def test_blobs_are_readable_by_their_owner_only(self, store: LocalBlobStore) -> None:
        # Letters carry debtors' personal data.
        sha = store.put(LETTER, "application/pdf")
        assert store.path_for(sha).stat().st_mode & 0o777 == 0o600

    def test_a_failed_write_leaves_neither_blob_nor_temporary_file(
        self, store: LocalBlobStore, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def crash(*_: object) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "fsync", crash)
        with pytest.raises(OSError, match="No space left"):
            store.put(LETTER, "application/pdf")
        assert not store.exists(LETTER_SHA)
        assert stored_files(store.root) == []

    def test_putting_good_bytes_repairs_a_corrupted_copy(self, store: LocalBlobStore) -> None:
        sha = store.put(LETTER, "application/pdf")
        store.path_for(sha).write_bytes(b"swapped")

        assert store.put(LETTER, "application/pdf") == sha
        assert store.get(sha) == LETTER


class TestGet:
    def test_returns_the_stored_bytes(self, store: LocalBlobStore) -> None:
        sha = store.put(LETTER, "application/pdf")
        assert store.get(sha) == LETTER

    def test_a_swapped_blob_is_refused(self, store: LocalBlobStore) -> None:
        sha = store.put(LETTER, "application/pdf")
        other = b"%PDF-1.3 a different letter"
        store.path_for(sha).write_bytes(other)

        with pytest.raises(BlobCorrupted) as caught:
            store.get(sha)
        assert isinstance(caught.value, RecoverlyError)
        assert caught.value.code == "blob.corrupted"
        assert sha in caught.value.message
        assert hashlib.sha256(other).hexdigest() in caught.value.message

    def test_a_truncated_blob_is_refused(self, store: LocalBlobStore) -> None:
        sha = store.put(LETTER, "application/pdf")
        store.path_for(sha).write_bytes(LETTER[:-1])
        with pytest.raises(BlobCorrupted):
            store.get(sha)

    def test_an_unknown_hash_is_not_found(self, store: LocalBlobStore) -> None:
        with pytest.raises(BlobNotFound) as caught:
            store.get(LETTER_SHA)
        assert isinstance(caught.value, NotFound)
        assert caught.value.code == "blob.not_found"

    @pytest.mark.parametrize(
        "bad_id",
        ["", "../../etc/passwd", LETTER_SHA.upper(), LETTER_SHA[:-1], LETTER_SHA + "0"],
    )
    def test_an_id_that_is_not_a_sha256_is_refused(
        self, store: LocalBlobStore, bad_id: str
    ) -> None:
        # The id becomes a path; it must never reach outside the store's root.
        with pytest.raises(InvalidInput, match="64 lowercase hex"):
            store.get(bad_id)
        with pytest.raises(InvalidInput):
            store.exists(bad_id)


class TestExists:
    def test_is_true_only_after_put(self, store: LocalBlobStore) -> None:
        assert not store.exists(LETTER_SHA)
        store.put(LETTER, "application/pdf")
        assert store.exists(LETTER_SHA)


def test_local_store_satisfies_the_port(store: LocalBlobStore) -> None:
    port: BlobStore = store
    assert port.exists(port.put(b"x", "text/plain"))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=4096))
def test_any_bytes_round_trip_under_their_sha256(store: LocalBlobStore, data: bytes) -> None:
    # One store for every example: a repeat of earlier bytes must be a no-op.
    sha = store.put(data, "application/octet-stream")
    assert sha == hashlib.sha256(data).hexdigest()
    assert store.exists(sha)
    assert store.get(sha) == data
    assert store.put(data, "application/octet-stream") == sha
