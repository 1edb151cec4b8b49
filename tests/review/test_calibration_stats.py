"""The report's figures against values computed by hand (and against statsmodels / scikit-learn / scipy)."""

from __future__ import annotations

import math

import pytest

from curator.review import calibration_stats as stats

# 30 labelled items: 20 the analyst passed (the check passed 16 of them), 10 failed (the check passed 3).
LABELS = [True] * 20 + [False] * 10
VERDICTS = [True] * 16 + [False] * 4 + [True] * 3 + [False] * 7


def test_confusion_counts_the_four_cells():
    cells = stats.confusion(LABELS, VERDICTS)
    assert (cells.true_pass, cells.false_fail, cells.false_pass, cells.true_fail) == (16, 4, 3, 7)
    assert (cells.label_passes, cells.label_fails, cells.total) == (20, 10, 30)


def test_wilson_interval_equals_the_hand_computed_one_and_statsmodels():
    # 16/20, z = 1.96: centre (0.8 + 1.96²/40) / (1 + 1.96²/20) = 0.8960/1.19208 = 0.75163;
    # half 1.96 * sqrt(0.8*0.2/20 + 1.96²/1600) / 1.19208 = 1.96 * 0.098 / 1.19208 = 0.16112
    interval = stats.wilson_interval(16, 20)
    assert interval.low == pytest.approx(0.5840, abs=1e-4)
    assert interval.high == pytest.approx(0.9193, abs=1e-4)
    from statsmodels.stats.proportion import proportion_confint

    for hits, total in [(16, 20), (0, 7), (7, 7), (3, 10), (1, 1)]:
        low, high = proportion_confint(hits, total, alpha=0.05, method="wilson")
        mine = stats.wilson_interval(hits, total)
        assert (mine.low, mine.high) == (pytest.approx(low, abs=1e-9), pytest.approx(high, abs=1e-9))
    assert stats.wilson_interval(0, 0) is None


def test_kappa_equals_the_hand_computed_value():
    # observed agreement 23/30; chance: check passes 19/30, labels 20/30 -> 19/30*20/30 + 11/30*10/30 = 490/900
    observed, chance = 23 / 30, 490 / 900
    assert stats.cohens_kappa(LABELS, VERDICTS) == pytest.approx((observed - chance) / (1 - chance))
    assert stats.cohens_kappa([True, True], [True, True]) is None


def test_rogan_gladen_corrects_and_clips():
    # TPR 0.8, TNR 0.7, raw 0.6: (0.6 + 0.7 - 1) / (0.8 + 0.7 - 1) = 0.3 / 0.5 = 0.6
    assert stats.corrected_pass_rate(0.6, 0.8, 0.7) == pytest.approx(0.6)
    # raw 0.2 is below what the false passes alone give: (0.2 - 0.3) / 0.5 < 0, clipped to 0
    assert stats.corrected_pass_rate(0.2, 0.8, 0.7) == 0.0
    assert stats.corrected_pass_rate(0.99, 0.8, 0.7) == 1.0
    assert stats.corrected_pass_rate(0.5, 0.5, 0.5) is None


def test_bootstrap_interval_is_seeded_and_holds_the_estimate():
    cells = stats.confusion(LABELS, VERDICTS)
    first = stats.bootstrap_corrected(cells, run_passed=60, run_graded=100, rounds=500, seed=3)
    again = stats.bootstrap_corrected(cells, run_passed=60, run_graded=100, rounds=500, seed=3)
    assert first == again and first != stats.bootstrap_corrected(cells, 60, 100, rounds=500, seed=4)
    estimate = stats.corrected_pass_rate(0.6, 16 / 20, 7 / 10)
    assert first.low < estimate < first.high
    assert 0.0 <= first.low and first.high <= 1.0
    # A check no better than a coin has nothing to correct: no interval.
    assert stats.bootstrap_corrected(stats.Confusion(5, 5, 5, 5), 50, 100) is None


def test_spearman_matches_scipy_and_is_undefined_on_a_constant():
    from scipy.stats import spearmanr

    values, lengths = [0, 0, 1, 1, 1, 0], [3, 5, 9, 12, 8, 1]
    found = stats.spearman(values, lengths)
    expected = spearmanr(values, lengths)
    assert found.rho == pytest.approx(expected.statistic) and found.p_value == pytest.approx(expected.pvalue)
    constant = stats.spearman([1, 1, 1, 1], [1, 2, 3, 4])
    assert constant.rho is None and not constant.significant
    assert not math.isnan(found.rho)
