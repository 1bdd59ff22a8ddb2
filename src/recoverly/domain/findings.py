"""Findings: expected outcomes reported as values, not exceptions.

A rejected import row, a blocked contact or a strategy exclusion is a ``Finding`` with a
stable code, plain words, and where it came from, so that callers can collect, count,
sort and print them like a compiler's diagnostics.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One problem found at one place.

    ``line`` is the physical line in the source file (the header is line 1) and
    ``column`` the 1-based field number; both are 0 when the finding concerns the whole
    file.
    """

    source: str
    line: int
    column: int
    code: str
    message: str

    def render(self) -> str:
        """``FILE:LINE:COLUMN: reason``, the format of the CLI basics contract."""
        return f"{self.source}:{self.line}:{self.column}: {self.message}"
