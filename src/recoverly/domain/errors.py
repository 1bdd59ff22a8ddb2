"""Refusals and broken invariants of the domain.

Each error carries a stable dotted ``code`` so that the API, the CLI and logs can map it
without parsing messages; the HTTP status for a code is decided in one place in ``api/``.
"""

from __future__ import annotations


class RecoverlyError(Exception):
    """Base of every refusal Recoverly raises on purpose."""

    code = "recoverly.error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidMoney(RecoverlyError):
    code = "money.invalid"


class UnknownCurrency(RecoverlyError):
    code = "money.unknown_currency"


class CurrencyMismatch(RecoverlyError):
    code = "money.currency_mismatch"


class NotFound(RecoverlyError):
    code = "not_found"


class InvalidInput(RecoverlyError):
    """Bad input from a person or a file; the message names what and where."""

    code = "input.invalid"


class NotPermitted(RecoverlyError):
    """The caller's role may not do this (as opposed to: the thing does not exist)."""

    code = "access.not_permitted"
