"""The fast canonical JSON writes exactly RFC 8785's bytes, and hands anything it cannot
vouch for to rfc8785."""

from __future__ import annotations

from typing import Any

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from recoverly.domain.canonical import SAFE_INTEGER, dumps

TRICKY = '\x00\x01\x08\t\n\x0b\x0c\r\x1f "\\/\x7f\x80é€\u2028\u2029\ufeff\U0001f600'
texts = st.text(alphabet=st.sampled_from(TRICKY) | st.characters(exclude_categories=["Cs"]))
ascii_keys = st.text(alphabet=st.characters(max_codepoint=127), max_size=12)
values = texts | st.integers(-SAFE_INTEGER, SAFE_INTEGER) | st.none() | st.booleans()


@given(st.dictionaries(ascii_keys, values, max_size=15))
def test_flat_objects_give_rfc8785s_bytes(body: dict[str, Any]) -> None:
    assert dumps(body) == rfc8785.dumps(body)


@given(
    st.dictionaries(
        texts,
        values | st.floats(allow_nan=False, allow_infinity=False) | st.lists(values, max_size=3),
        max_size=6,
    )
)
def test_anything_else_falls_back_and_still_agrees(body: dict[str, Any]) -> None:
    assert dumps(body) == rfc8785.dumps(body)


def test_each_escape_by_hand() -> None:
    body = {"b": "é\u2028\x7f", "a": '\x00\x1f"\\\n\t\b\f\r', "c": None, "d": True, "e": -5}
    expected = (
        '{"a":"\\u0000\\u001f\\"\\\\\\n\\t\\b\\f\\r","b":"é\u2028\x7f","c":null,"d":true,"e":-5}'
    ).encode()
    assert dumps(body) == expected == rfc8785.dumps(body)


@pytest.mark.parametrize("bad", [{"n": SAFE_INTEGER + 1}, {"s": "\ud800"}, {"f": float("nan")}])
def test_what_has_no_canonical_form_is_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(rfc8785.CanonicalizationError):
        dumps(bad)
