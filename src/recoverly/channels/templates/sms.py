"""How many SMS segments a text costs, so an over-long message is a visible warning.

A text that uses only the GSM 03.38 alphabet travels as 7-bit GSM (160 characters in one
segment, 153 per segment when split); any other character, such as a Chinese character, a
curly quote or a bullet, makes the whole text UCS-2 (70, then 67 per segment). Characters
of the GSM extension table (``€``, ``[``, ``{``…) take two of the 160.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = frozenset("^{}\\[~]|€\f")


class SmsEncoding(StrEnum):
    GSM_7 = "gsm-7"
    UCS_2 = "ucs-2"


@dataclass(frozen=True, slots=True)
class SmsSize:
    """``units`` are GSM septets or UTF-16 code units, whichever ``encoding`` uses."""

    encoding: SmsEncoding
    units: int
    segments: int


def sms_size(text: str) -> SmsSize:
    """The encoding, length and segment count of ``text`` sent as one SMS."""
    if all(c in _GSM_BASIC or c in _GSM_EXTENDED for c in text):
        units = sum(2 if c in _GSM_EXTENDED else 1 for c in text)
        single, split, encoding = 160, 153, SmsEncoding.GSM_7
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, split, encoding = 70, 67, SmsEncoding.UCS_2
    segments = 1 if units <= single else -(-units // split)
    return SmsSize(encoding, units, segments)
