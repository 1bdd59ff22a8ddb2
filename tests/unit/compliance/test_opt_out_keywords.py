"""Which texts opt a number out of text messages, and which opt it back in."""

from __future__ import annotations

import pytest

from recoverly.compliance.opt_outs import Reply, keyword


@pytest.mark.parametrize(
    "text",
    [
        "STOP",
        "stop",
        " Stop! ",
        "STOP please",
        "Unsubscribe",
        "end",
        "QUIT",
        "cancel",
        "退订",
        "TD",
        "ｓｔｏｐ",
        "optout",
        "StopAll",
        "revoke",
    ],
)
def test_stop_words_opt_out(text: str) -> None:
    assert keyword(text) is Reply.STOP


@pytest.mark.parametrize("text", ["START", "unstop", "Yes"])
def test_start_words_opt_back_in(text: str) -> None:
    assert keyword(text) is Reply.START


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "don't stop",
        "I will pay on Friday",
        "yes I can pay 50",
        "stopped by the bank",
        "ended up paying",
        "🙂",
    ],
)
def test_other_texts_change_nothing(text: str) -> None:
    assert keyword(text) is None
