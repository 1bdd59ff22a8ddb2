"""Documents outside the log that the log vouches for: recordings, letters, any file.

The log holds a blob's SHA-256, never the blob. Two checks follow from that. An
operator's audit (``check_blobs``) reads every blob the log names from the blob store
and reports the ones that are gone or no longer hash to their name. A reader holding a
bundle and a file (``find_in_bundle``) learns which verified entry commits to the file's
exact bytes, without any Recoverly database.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from recoverly.domain.evidence import BLOB_FACTS
from recoverly.store.blobs import BlobCorrupted, BlobNotFound, BlobStore
from recoverly.store.repositories import evidence as repo


@dataclass
class BlobReport:
    """What reading the log's blobs found: positions and hashes of the bad ones."""

    checked: int = 0
    missing: list[tuple[int, str]] = field(default_factory=list)
    corrupted: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.corrupted)

    def as_dict(self) -> dict[str, object]:
        return {
            "checked": self.checked,
            "missing": [{"index": i, "sha256": h} for i, h in self.missing],
            "corrupted": [{"index": i, "sha256": h} for i, h in self.corrupted],
        }


def blob_references(entries: Iterable[repo.StoredEntry]) -> Iterator[tuple[int, str]]:
    """``(index, sha256)`` of every blob the entries name."""
    for e in entries:
        try:
            body = json.loads(e.entry)
        except ValueError:
            continue  # an altered entry: the audit proper names it
        if not isinstance(body, dict):
            continue
        for name in BLOB_FACTS:
            value = body.get(name)
            if isinstance(value, str):
                yield e.index, value


def check_blobs(conn: Connection, blobs: BlobStore) -> BlobReport:
    """Read every blob the log names and check it hashes to its name."""
    report = BlobReport()
    for index, sha256 in blob_references(repo.all_entries(conn)):
        report.checked += 1
        try:
            blobs.get(sha256)
        except BlobNotFound:
            report.missing.append((index, sha256))
        except BlobCorrupted:
            report.corrupted.append((index, sha256))
    return report


def find_in_bundle(bundle: dict[str, Any], sha256: str) -> list[tuple[int, str]]:
    """``(index, fact)`` of the bundle's entries with a fact equal to ``sha256``.

    Only meaningful for a bundle that verified: the entries are then the log's own.
    """
    found: list[tuple[int, str]] = []
    for item in bundle.get("entries", []):
        try:
            body = json.loads(base64.b64decode(item["entry"], validate=True))
        except (KeyError, TypeError, ValueError, binascii.Error):
            continue
        if isinstance(body, dict):
            found.extend(
                (item["index"], name) for name, value in sorted(body.items()) if value == sha256
            )
    return found
