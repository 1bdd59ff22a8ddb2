"""The evidence log's refusals."""

from __future__ import annotations

from recoverly.domain.errors import RecoverlyError


class EvidenceKeyError(RecoverlyError):
    """No signing key is configured, or the one configured is not an Ed25519 seed."""

    code = "evidence.key"


class NothingSigned(RecoverlyError):
    """There is no signed tree head (or nothing to sign) yet."""

    code = "evidence.nothing_signed"


class LogTampered(RecoverlyError):
    """The stored log disagrees with itself or its signed head: export and signing stop."""

    code = "evidence.tampered"


class TimestampError(RecoverlyError):
    """The time-stamping authority is misconfigured, cannot be reached, refuses, or
    answers with a token that does not verify; the signed head is kept all the same."""

    code = "evidence.timestamp"
