"""AUC, KS and Brier on arrays small enough to check by hand."""

from __future__ import annotations

import pytest

from recoverly.scoring.metrics import evaluate_scores, ks_statistic


def test_one_swapped_pair_of_four_gives_auc_three_quarters_and_ks_one_half() -> None:
    # Pairs (positive, negative): 0.35 beats 0.1 but not 0.4; 0.8 beats both: 3 of 4.
    # KS: at the cut 0.8 half the positives and none of the negatives are above it.
    metrics = evaluate_scores([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    assert metrics.auc == pytest.approx(0.75)
    assert metrics.ks == pytest.approx(0.5)


def test_perfect_separation_has_auc_and_ks_one() -> None:
    metrics = evaluate_scores([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])
    assert (metrics.auc, metrics.ks) == (pytest.approx(1.0), pytest.approx(1.0))


def test_ks_of_a_score_that_says_nothing_is_zero() -> None:
    assert ks_statistic([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]) == pytest.approx(0.0)


def test_brier_is_the_mean_squared_error_of_the_probability() -> None:
    # (0.5² + 0.5² + 0.1² + 0.1²) / 4 = 0.13
    assert evaluate_scores([0, 1, 0, 1], [0.5, 0.5, 0.1, 0.9]).brier == pytest.approx(0.13)


def test_a_single_class_has_no_auc() -> None:
    with pytest.raises(ValueError, match="both classes"):
        evaluate_scores([1, 1, 1], [0.2, 0.5, 0.9])
