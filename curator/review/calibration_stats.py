"""The figures of a calibration report, as plain functions over verdict lists (pass = the positive class).

scipy and scikit-learn are imported inside the functions that use them: the CLI and the app import this
module at start-up and need neither until a report is computed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z95 = 1.959963984540054
"""The standard normal's 97.5th percentile: two-sided 95% intervals."""
SIGNIFICANT = 0.05


@dataclass(frozen=True)
class Confusion:
    """Check verdicts against the analyst's labels; pass is the positive class."""

    true_pass: int
    false_fail: int
    false_pass: int
    true_fail: int

    @property
    def label_passes(self) -> int:
        return self.true_pass + self.false_fail

    @property
    def label_fails(self) -> int:
        return self.false_pass + self.true_fail

    @property
    def total(self) -> int:
        return self.label_passes + self.label_fails


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def confusion(labels: Sequence[bool], verdicts: Sequence[bool]) -> Confusion:
    """Count the four cells from paired labels (the truth) and check verdicts."""
    pairs = list(zip(labels, verdicts, strict=True))
    return Confusion(
        true_pass=sum(1 for label, verdict in pairs if label and verdict),
        false_fail=sum(1 for label, verdict in pairs if label and not verdict),
        false_pass=sum(1 for label, verdict in pairs if not label and verdict),
        true_fail=sum(1 for label, verdict in pairs if not label and not verdict),
    )


def rate(hits: int, total: int) -> float | None:
    return hits / total if total else None


def wilson_interval(hits: int, total: int, z: float = Z95) -> Interval | None:
    """The Wilson score interval of a proportion (as statsmodels' proportion_confint method 'wilson'); None at n=0."""
    if total == 0:
        return None
    share = hits / total
    denominator = 1 + z * z / total
    centre = (share + z * z / (2 * total)) / denominator
    half = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total)) / denominator
    return Interval(max(0.0, centre - half), min(1.0, centre + half))


def cohens_kappa(labels: Sequence[bool], verdicts: Sequence[bool]) -> float | None:
    """Cohen's kappa of check and analyst (scikit-learn); None where it is undefined (one class on both sides)."""
    if not labels or len(set(labels) | set(verdicts)) < 2:
        return None
    from sklearn.metrics import cohen_kappa_score  # ~0.5 s to import: only when a report is computed

    value = float(cohen_kappa_score(list(labels), list(verdicts)))
    return None if math.isnan(value) else value


def corrected_pass_rate(raw: float, tpr: float, tnr: float) -> float | None:
    """Rogan-Gladen: the true pass rate given the check's raw rate and its errors, clipped to 0..1.

    None when the check is no better than a coin (TPR + TNR <= 1): its verdicts then say nothing to correct.
    """
    youden = tpr + tnr - 1
    if youden <= 0:
        return None
    return min(1.0, max(0.0, (raw + tnr - 1) / youden))


def bootstrap_corrected(cells: Confusion, run_passed: int, run_graded: int, rounds: int = 2000, seed: int = 0):
    """A percentile 95% interval of the corrected pass rate (seeded), or None when it cannot be had.

    Each round resamples the labelled pairs with replacement (a multinomial draw over the four confusion cells,
    the same as resampling the pairs themselves) and draws the run's raw pass count from a binomial at its
    observed rate; rounds where a verdict class is missing or TPR + TNR <= 1 are left out.
    """
    import numpy as np  # numpy loads with DuckDB's Arrow anyway; imported here to keep the module light

    if not cells.total or not run_graded:
        return None
    rng = np.random.default_rng(seed)
    counts = np.array([cells.true_pass, cells.false_fail, cells.false_pass, cells.true_fail], dtype=float)
    drawn = rng.multinomial(cells.total, counts / counts.sum(), size=rounds).astype(float)
    raw = rng.binomial(run_graded, run_passed / run_graded, size=rounds) / run_graded
    positives, negatives = drawn[:, 0] + drawn[:, 1], drawn[:, 2] + drawn[:, 3]
    usable = (positives > 0) & (negatives > 0)
    tpr = np.divide(drawn[:, 0], positives, out=np.zeros(rounds), where=usable)
    tnr = np.divide(drawn[:, 3], negatives, out=np.zeros(rounds), where=usable)
    youden = tpr + tnr - 1
    usable &= youden > 0
    estimates = np.clip((raw[usable] + tnr[usable] - 1) / youden[usable], 0.0, 1.0)
    if len(estimates) < rounds // 2:
        return None
    low, high = np.percentile(estimates, [2.5, 97.5])
    return Interval(float(low), float(high))


@dataclass(frozen=True)
class Correlation:
    """Spearman's rho of a verdict (or score) with output length; None where one side is constant."""

    rho: float | None
    p_value: float | None
    n: int

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < SIGNIFICANT


def spearman(values: Sequence[float], lengths: Sequence[int]) -> Correlation:
    """Spearman's rank correlation (scipy) of values with lengths."""
    n = len(values)
    if n < 3 or len(set(values)) < 2 or len(set(lengths)) < 2:
        return Correlation(None, None, n)
    from scipy.stats import spearmanr  # ~0.3 s to import: only when a report is computed

    result = spearmanr(values, lengths)
    rho, p_value = float(result.statistic), float(result.pvalue)
    if math.isnan(rho):
        return Correlation(None, None, n)
    return Correlation(rho, p_value, n)
