"""Refusals of the template catalog: a broken template, or one that does not exist.

A broken template is a file problem, so ``TemplateInvalid`` carries one ``Finding`` per
problem (file, line, field, reason) and is raised once with all of them, like a compiler.
"""

from __future__ import annotations

from collections.abc import Sequence

from recoverly.domain.errors import InvalidInput, NotFound
from recoverly.domain.findings import Finding


class TemplateInvalid(InvalidInput):
    """A template or disclosure file cannot be used; ``findings`` say where and why."""

    code = "template.invalid"

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = tuple(sorted(findings))
        super().__init__("\n".join(f.render() for f in self.findings))


class TemplateNotFound(NotFound):
    """No template of that name, or the template is not offered on that channel."""

    code = "template.not_found"
