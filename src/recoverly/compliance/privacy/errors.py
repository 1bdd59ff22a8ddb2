"""Refusals of the privacy service."""

from __future__ import annotations

from recoverly.domain.errors import RecoverlyError
from recoverly.domain.privacy import LegalHold


class ErasureRefused(RecoverlyError):
    """A legal hold keeps the debtor's data: the request was recorded, nothing erased."""

    code = "privacy.erasure.legal_hold"

    def __init__(self, debtor_id: str, holds: tuple[LegalHold, ...]) -> None:
        named = "; ".join(h.describe() for h in holds)
        super().__init__(f"debtor {debtor_id!r} cannot be erased while held: {named}")
