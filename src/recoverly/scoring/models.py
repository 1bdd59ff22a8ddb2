"""The two model kinds every evaluation trains: an explainable scorecard and LightGBM.

The scorecard is optimal binning (optbinning) with monotonic event rates where the data
support one, weight-of-evidence encoding and a logistic regression: every point it gives
can be read off a binning table. LightGBM is the accuracy benchmark; its hyper-parameters
are fixed (not searched) so that a result does not depend on how long someone tuned, and
the number of trees is found by early stopping on an inner validation split.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from recoverly.scoring.frame import Column, Kind

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl

SEED = 0
# Fixed LightGBM settings: slow learning, shallow-ish trees, large leaves and column and
# row subsampling; they generalise across credit tables better than the library defaults.
LIGHTGBM_PARAMS: dict[str, Any] = {
    "learning_rate": 0.02,
    "num_leaves": 15,
    "min_child_samples": 100,
    "colsample_bytree": 0.5,
    "subsample": 0.8,
    "subsample_freq": 1,
    "reg_lambda": 5.0,
    "verbose": -1,
    "deterministic": True,
    "force_col_wise": True,
}
MAX_TREES = 3000
EARLY_STOPPING_ROUNDS = 200
# Trees on the whole training part = trees found on 80 % of it times this, since more
# data supports a little more fitting.
REFIT_TREE_FACTOR = 1.2
# The refit is repeated with this many seeds (row and column subsampling differ) and the
# probabilities averaged: cheap, and it takes the luck of one draw out of the result.
REFIT_SEEDS = 3


def to_pandas(features: pl.DataFrame, columns: tuple[Column, ...]) -> pd.DataFrame:
    """The features as pandas, categorical columns as pandas categories (LightGBM reads them)."""
    frame = features.select([c.key for c in columns]).to_pandas()
    for column in columns:
        if column.kind is Kind.categorical:
            frame[column.key] = frame[column.key].astype("category")
    return frame


class _NoSolverImportNoise(logging.Filter):
    """Drops cvxpy's warnings about optional solvers it cannot import (optbinning's
    binning does not use them); cvxpy resets its logger's level on import, a filter stays."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "importing solver" not in record.getMessage()


def _quiet_optbinning() -> None:
    """optbinning imports cvxpy, which logs a warning for every optional solver it lacks."""
    logger = logging.getLogger("__cvxpy__")
    if not any(isinstance(f, _NoSolverImportNoise) for f in logger.filters):
        logger.addFilter(_NoSolverImportNoise())


@dataclass
class ScorecardModel:
    """Binning + weight of evidence + logistic regression; ``fit`` returns ``self``."""

    columns: tuple[Column, ...]
    scorecard_: Any = None

    def fit(self, x: pd.DataFrame, y: npt.NDArray[np.int8]) -> ScorecardModel:
        """Bin every column against ``y`` (monotonic where it fits) and fit the regression."""
        _quiet_optbinning()
        from optbinning import BinningProcess, Scorecard
        from sklearn.linear_model import LogisticRegression

        keys = [c.key for c in self.columns]
        categorical = [c.key for c in self.columns if c.kind is Kind.categorical]
        process = BinningProcess(
            keys,
            categorical_variables=categorical,
            binning_fit_params={
                c.key: {"monotonic_trend": "auto_asc_desc"}
                for c in self.columns
                if c.kind is Kind.numeric
            },
        )
        data = x[keys].copy()
        for key in categorical:
            data[key] = data[key].astype(object)
        self.scorecard_ = Scorecard(
            binning_process=process, estimator=LogisticRegression(max_iter=1000)
        ).fit(data, y)
        return self

    def predict_proba(self, x: pd.DataFrame) -> npt.NDArray[np.float64]:
        """Probability of class 1 for each row."""
        if self.scorecard_ is None:
            raise RuntimeError("ScorecardModel is not fitted; call fit first")
        data = x[[c.key for c in self.columns]].copy()
        for column in self.columns:
            if column.kind is Kind.categorical:
                data[column.key] = data[column.key].astype(object)
        return np.asarray(self.scorecard_.predict_proba(data)[:, 1], dtype=np.float64)


@dataclass
class LightGBMModel:
    """LightGBM with fixed settings; trees counted by early stopping on an inner split.

    The refit on all training rows is averaged over ``REFIT_SEEDS`` seeds.
    """

    columns: tuple[Column, ...]
    n_jobs: int = 2
    boosters_: list[Any] | None = None
    trees_: int = 0
    validation_: tuple[npt.NDArray[np.int8], npt.NDArray[np.float64]] | None = None

    def fit(
        self,
        x: pd.DataFrame,
        y: npt.NDArray[np.int8],
        inner_train: npt.NDArray[np.intp],
        inner_valid: npt.NDArray[np.intp],
    ) -> LightGBMModel:
        """Count trees on ``inner_train``/``inner_valid`` rows, then refit on all of ``x``.

        The inner model's predictions on ``inner_valid`` are kept in ``validation_`` so that
        the caller can compare models without looking at its test rows.
        """
        import lightgbm as lgb

        keys = [c.key for c in self.columns]
        data = x[keys]
        probe = lgb.LGBMClassifier(
            n_estimators=MAX_TREES, random_state=SEED, n_jobs=self.n_jobs, **LIGHTGBM_PARAMS
        )
        probe.fit(
            data.iloc[inner_train],
            y[inner_train],
            eval_X=(data.iloc[inner_valid],),
            eval_y=(y[inner_valid],),
            eval_metric="binary_logloss",
            callbacks=[lgb.early_stopping(EARLY_STOPPING_ROUNDS, verbose=False)],
        )
        best = int(probe.best_iteration_ or MAX_TREES)
        self.validation_ = (
            y[inner_valid],
            np.asarray(probe.predict_proba(data.iloc[inner_valid]), dtype=np.float64)[:, 1],
        )
        self.trees_ = max(1, round(best * REFIT_TREE_FACTOR))
        self.boosters_ = [
            lgb.LGBMClassifier(
                n_estimators=self.trees_,
                random_state=SEED + i,
                n_jobs=self.n_jobs,
                **LIGHTGBM_PARAMS,
            ).fit(data, y)
            for i in range(REFIT_SEEDS)
        ]
        return self

    def predict_proba(self, x: pd.DataFrame) -> npt.NDArray[np.float64]:
        """Probability of class 1 for each row."""
        if not self.boosters_:
            raise RuntimeError("LightGBMModel is not fitted; call fit first")
        data = x[[c.key for c in self.columns]]
        each = [np.asarray(b.predict_proba(data), dtype=np.float64)[:, 1] for b in self.boosters_]
        return np.asarray(np.mean(each, axis=0), dtype=np.float64)
