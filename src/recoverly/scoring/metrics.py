"""Discrimination and calibration metrics every model report uses: AUC, KS and Brier.

Kept in one place so that evaluation, monitoring and model reports compute them the same
way (scikit-learn underneath).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt


class Metrics(NamedTuple):
    """How well predicted probabilities separate and match a 0/1 outcome."""

    auc: float
    ks: float
    brier: float


def ks_statistic(y_true: npt.ArrayLike, score: npt.ArrayLike) -> float:
    """Kolmogorov-Smirnov: the largest gap between the score's distributions in the two classes.

    Credit risk teams quote KS beside AUC; it equals max(TPR - FPR) over all thresholds.
    """
    from sklearn.metrics import roc_curve

    fpr, tpr, _ = roc_curve(np.asarray(y_true), np.asarray(score))
    return float(np.max(tpr - fpr))


def evaluate_scores(y_true: npt.ArrayLike, probability: npt.ArrayLike) -> Metrics:
    """AUC, KS and Brier score of ``probability`` (of class 1) against ``y_true``.

    Raises:
        ValueError: when ``y_true`` holds a single class (no AUC exists then).
    """
    from sklearn.metrics import brier_score_loss, roc_auc_score

    y = np.asarray(y_true)
    p = np.asarray(probability, dtype=float)
    if len(np.unique(y)) < 2:
        raise ValueError(f"y_true must hold both classes; got only {np.unique(y).tolist()}")
    return Metrics(
        auc=float(roc_auc_score(y, p)),
        ks=ks_statistic(y, p),
        brier=float(brier_score_loss(y, p)),
    )
