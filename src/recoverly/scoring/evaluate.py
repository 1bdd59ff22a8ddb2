"""The evaluation protocol of ``recoverly model evaluate`` (ARCHITECTURE: Models).

A stratified 70/30 split with seed 0; everything that is learnt or chosen (binning, trees,
the number of trees, which model to report) uses the 70 % only, through an inner 80/20
split of it. The 30 % is touched once, to report. Three candidates are compared: the
scorecard, LightGBM and their ensemble (the mean of both probabilities); the one with the
best AUC on the inner validation rows is the chosen ``model``, and all three are reported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from recoverly.scoring.features import engineered
from recoverly.scoring.frame import Table
from recoverly.scoring.metrics import evaluate_scores
from recoverly.scoring.models import SEED, LightGBMModel, ScorecardModel, to_pandas

TEST_SHARE = 0.3
INNER_VALID_SHARE = 0.2


def _silent(_: str) -> None:
    """Default progress sink."""


def _split(
    y: npt.NDArray[np.int8], share: float
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    from sklearn.model_selection import train_test_split

    rows = np.arange(len(y))
    first, second = train_test_split(rows, test_size=share, stratify=y, random_state=SEED)
    return np.asarray(first), np.asarray(second)


def evaluate(table: Table, progress: Callable[[str], None] = _silent) -> dict[str, Any]:
    """Train both model kinds on 70 % of ``table`` and report them on the other 30 %.

    Returns:
        The contract's JSON object: ``auc``, ``ks``, ``brier`` of the chosen ``model``,
        ``n_train``, ``n_test``, and ``models`` with every candidate's test metrics and
        inner-validation AUC, plus what was left out of the data and why.
    """
    y = table.target
    train, test = _split(y, TEST_SHARE)
    inner_train, inner_valid = _split(y[train], INNER_VALID_SHARE)

    # Row-wise features: computed from each row alone, so doing it before the split
    # cannot leak one row's outcome into another's features.
    features, columns = engineered(table.features, table.columns)
    x = to_pandas(features, columns)
    x_train, x_test = x.iloc[train].reset_index(drop=True), x.iloc[test].reset_index(drop=True)
    y_train, y_test = y[train], y[test]

    progress("scorecard: binning and regression on the inner split")
    probe = ScorecardModel(table.columns).fit(x_train.iloc[inner_train], y_train[inner_train])
    valid: dict[str, npt.NDArray[np.float64]] = {
        "scorecard": probe.predict_proba(x_train.iloc[inner_valid])
    }
    progress("scorecard: refit on the training part")
    scorecard = ScorecardModel(table.columns).fit(x_train, y_train)

    progress("lightgbm: counting trees by early stopping, then refit")
    lightgbm = LightGBMModel(columns).fit(x_train, y_train, inner_train, inner_valid)
    assert lightgbm.validation_ is not None
    valid["lightgbm"] = lightgbm.validation_[1]
    valid["ensemble"] = (valid["scorecard"] + valid["lightgbm"]) / 2

    scored = {
        "scorecard": scorecard.predict_proba(x_test),
        "lightgbm": lightgbm.predict_proba(x_test),
    }
    scored["ensemble"] = (scored["scorecard"] + scored["lightgbm"]) / 2

    y_valid = y_train[inner_valid]
    models: dict[str, dict[str, float]] = {}
    for name, probability in scored.items():
        metrics = evaluate_scores(y_test, probability)
        models[name] = {
            "auc": metrics.auc,
            "ks": metrics.ks,
            "brier": metrics.brier,
            "validation_auc": evaluate_scores(y_valid, valid[name]).auc,
        }
    chosen = max(models, key=lambda name: models[name]["validation_auc"])
    return {
        "auc": models[chosen]["auc"],
        "ks": models[chosen]["ks"],
        "brier": models[chosen]["brier"],
        "n_train": len(train),
        "n_test": len(test),
        "model": chosen,
        "models": models,
        "n_rows": table.n_rows,
        "excluded_rows": table.excluded_rows,
        "excluded_values": list(table.excluded_values),
        "dropped_columns": list(table.dropped_columns),
        "features": len(columns),
        "lightgbm_trees": lightgbm.trees_,
        "seed": SEED,
    }
