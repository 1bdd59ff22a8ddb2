"""Canonical JSON (RFC 8785) for evidence entries, fast where the standard library agrees.

``rfc8785.dumps`` is pure Python and costs about 40 µs for an evidence entry, most of an
append's budget. For a flat object whose keys are ASCII and whose values are strings,
booleans, null or integers in the safe range, RFC 8785 and ``json.dumps(sort_keys=True,
separators=(",", ":"), ensure_ascii=False)`` write the same bytes (property-tested):
ASCII keys sort the same by UTF-16 code unit as by code point; both escape only ``"``,
``\\``, and the control characters below U+0020 (``\\b \\f \\n \\r \\t`` by name, the rest as
lowercase ``\\u00xx``); both write everything else, U+2028 included, as itself in UTF-8; and
safe integers print in plain decimal. Anything else goes to ``rfc8785``, which also
refuses what has no canonical form (lone surrogates, integers beyond 2**53 - 1).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any

import rfc8785

SAFE_INTEGER = 2**53 - 1  # RFC 8785 3.2.2.3: integers beyond this lose precision as IEEE doubles


def _refuse(value: object) -> object:
    raise TypeError(f"not JSON: {type(value).__name__}")


def _make_fast() -> Callable[[dict[str, Any]], str]:
    """``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)``, made once.

    ``JSONEncoder.encode`` builds a new C encoder on every call, half its cost for an
    entry; this builds it once. Without the C accelerator, the encoder itself.
    """
    if c_make_encoder is None:  # pragma: no cover - CPython always has it
        return json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode
    # markers=None skips the cycle check: a flat object has no cycles.
    encode = c_make_encoder(None, _refuse, encode_basestring, None, ":", ",", True, False, True)
    return lambda body: "".join(encode(body, 0))


_fast = _make_fast()


_SIMPLE = frozenset({str, int, bool, type(None)})


def _flat_and_simple(body: dict[Any, Any]) -> bool:
    values = body.values()
    types = set(map(type, values))
    if not types <= _SIMPLE or set(map(type, body)) != {str} or not "".join(body).isascii():
        return False
    if int not in types:
        return True
    ints = [v for v in values if type(v) is int]
    return min(ints) >= -SAFE_INTEGER and max(ints) <= SAFE_INTEGER


def dumps(body: dict[str, Any]) -> bytes:
    """The RFC 8785 bytes of a JSON object.

    Raises:
        rfc8785.CanonicalizationError: the object has no canonical form.
    """
    if _flat_and_simple(body):
        try:
            return _fast(body).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: rfc8785 names the problem
            pass
    return rfc8785.dumps(body)
