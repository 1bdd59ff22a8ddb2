"""The one font Recoverly sets its PDFs in (letters, evidence reports), and where it is.

Debtors' names and messages come in many scripts, Chinese among them, so every PDF uses
one TrueType font with CJK glyphs: WenQuanYi Micro Hei from the Debian package
``fonts-wqy-microhei`` (the Makefile installs it), or the file ``RECOVERLY_LETTER_FONT``
names. It lives here, below every area, so that a letter (channels) and an evidence
report (evidence) are set in the same font without either importing the other.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

FONT_ENV_VAR = "RECOVERLY_LETTER_FONT"
FONT_PACKAGE = "fonts-wqy-microhei"
DEFAULT_FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def document_font_path(environ: Mapping[str, str] | None = None) -> Path:
    """The font PDFs are set in: ``RECOVERLY_LETTER_FONT`` if set, else the Debian path.

    Args:
        environ: the environment to read; ``os.environ`` when not given.
    """
    env = os.environ if environ is None else environ
    configured = env.get(FONT_ENV_VAR, "").strip()
    return Path(configured) if configured else DEFAULT_FONT_PATH


def font_missing_message(font_path: Path) -> str:
    """What to say when ``font_path`` is not there: which package or setting fixes it."""
    return (
        f"font not found at {font_path}: install the Debian package {FONT_PACKAGE} "
        f"(apt-get install -y {FONT_PACKAGE}) or set {FONT_ENV_VAR} to a .ttf/.otf/.ttc "
        "font with CJK glyphs"
    )
