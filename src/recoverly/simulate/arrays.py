"""The numpy array types the generator's modules pass to each other, and the logistic link.

Every module of the generator works on whole columns at once (one element per debtor or
per account), so they share these aliases to keep ``mypy --strict`` precise about what a
column holds. The logistic link lives here because arrears, payments and the behaviour
profile all turn the same latent debtor factors into probabilities with it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntA = npt.NDArray[np.int64]
FltA = npt.NDArray[np.float64]
BoolA = npt.NDArray[np.bool_]
U8A = npt.NDArray[np.uint8]
StrA = npt.NDArray[np.str_]
ObjA = npt.NDArray[np.object_]


def sigmoid(x: FltA) -> FltA:
    """The logistic function, elementwise: a latent score to a probability in (0, 1)."""
    out: FltA = 1.0 / (1.0 + np.exp(-x))
    return out
