"""Reading a strategy from YAML, with errors that name the file, line and field.

Pydantic reports where a value is wrong as a path through the model (``segments.0.when``);
the YAML node tree knows the line and column of each value, so each error is reported at
the place in the file where the wrong value was written.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from recoverly.domain.findings import Finding
from recoverly.strategy.model import Strategy

DEFAULT = "default.yaml"


class StrategyInvalid(Exception):
    """The file is not a valid strategy; ``findings`` say where and why."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("\\n".join(f.render() for f in findings))
        self.findings = findings


def load(path: Path) -> Strategy:
    return parse(path.read_text(encoding="utf-8"), str(path))


def default_text() -> str:
    return files("recoverly.strategy").joinpath(DEFAULT).read_text(encoding="utf-8")


def load_default() -> Strategy:
    return parse(default_text(), DEFAULT)


def parse(text: str, source: str) -> Strategy:
    """Validate a strategy document.

    Raises:
        StrategyInvalid: with one finding per problem, at the line of the offending value.
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise StrategyInvalid(
            [
                Finding(
                    source, line, column, "yaml", f"not valid YAML: {getattr(exc, 'problem', exc)}"
                )
            ]
        ) from None
    if not isinstance(data, dict):
        raise StrategyInvalid([Finding(source, 1, 1, "shape", "a strategy is a mapping of keys")])
    try:
        return Strategy.model_validate(data)
    except ValidationError as exc:
        findings = []
        errors = exc.errors()
        locs = [e["loc"] for e in errors]
        for error in errors:
            deeper = any(
                len(o) > len(error["loc"]) and o[: len(error["loc"])] == error["loc"] for o in locs
            )
            if deeper:  # e.g. "too short" because its one item was invalid: say only why
                continue
            where = _node_at(node, error["loc"])
            line, column = (where.start_mark.line + 1, where.start_mark.column + 1)
            path = ".".join(str(p) for p in error["loc"] if not str(p).startswith("function-"))
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] in ("enum", "literal_error"):
                message += f"; got {error['input']!r}"
            findings.append(
                Finding(source, line, column, error["type"], f"{path or 'strategy'}: {message}")
            )
        raise StrategyInvalid(sorted(findings)) from None


def _node_at(node: Any, loc: tuple[int | str, ...]) -> Any:
    """The deepest YAML node along a validation error's path through the model."""
    current = node
    for part in loc:
        child = _child(current, part)
        if child is None:
            break
        current = child
    return current


def _child(node: Any, part: int | str) -> Any:
    if isinstance(node, yaml.MappingNode):
        if isinstance(part, int):  # a mapping the model reads as a list (``when``)
            return node.value[part][1] if part < len(node.value) else None
        for key, value in node.value:
            if key.value == part or (part == "in_" and key.value == "in"):
                return value
        if len(node.value) == 1:  # a one-key step such as ``{sms: {template: t}}``
            return _child(node.value[0][1], part)
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
        return node.value[part] if part < len(node.value) else None
    return None
