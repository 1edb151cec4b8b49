"""The paired significance test of a check between two runs on the same items (exact McNemar), and Holm's
correction across the checks of one comparison."""

from __future__ import annotations

from dataclasses import dataclass, replace

SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class McNemar:
    """Exact McNemar test on the discordant pairs: `fixed` items failed before and pass now, `regressed` the reverse.

    Under "no change" each discordant item is equally likely to go either way, so the p-value is the two-sided
    binomial test of `fixed` out of `fixed + regressed` at 0.5 (scipy's `binomtest`); 1.0 with no discordant item.

    A comparison tests several checks at once, so each test also carries `p_adjusted`, its p-value after Holm's
    correction across the compared checks (see `holm`), and the verdict is decided on that one. A test that was
    never adjusted (None) stands alone and is decided on its raw p-value.
    """

    fixed: int
    regressed: int
    p_value: float
    p_adjusted: float | None = None

    @property
    def decisive_p(self) -> float:
        """The p-value the verdict rests on: Holm-adjusted when adjusted, else the raw one."""
        return self.p_value if self.p_adjusted is None else self.p_adjusted

    @property
    def verdict(self) -> str:
        if self.decisive_p < SIGNIFICANCE and self.fixed != self.regressed:
            return "improved" if self.fixed > self.regressed else "regressed"
        return "no significant change"

    @property
    def significant_regression(self) -> bool:
        return self.verdict == "regressed"


def mcnemar_exact(fixed: int, regressed: int) -> McNemar:
    """The exact McNemar test of one check on the paired items (see `McNemar`)."""
    if fixed < 0 or regressed < 0:
        raise ValueError("discordant counts cannot be negative")
    if fixed + regressed == 0:
        return McNemar(fixed, regressed, 1.0)
    from scipy.stats import binomtest  # scipy.stats: ~2.5 s cold; only when a comparison is computed

    return McNemar(fixed, regressed, float(binomtest(fixed, fixed + regressed, 0.5).pvalue))


def holm(tests: list[McNemar]) -> list[McNemar]:
    """The tests with `p_adjusted` set by Holm's step-down correction across all of them (statsmodels'
    `multipletests(method="holm")`), in the same order: the family-wise error rate stays at SIGNIFICANCE however
    many checks are compared. One test is its own family: its adjusted p-value is its raw one."""
    if len(tests) < 2:
        return [replace(test, p_adjusted=test.p_value) for test in tests]
    # statsmodels: ~2 s cold, and only a comparison of several checks needs it
    from statsmodels.stats.multitest import multipletests

    adjusted = multipletests([test.p_value for test in tests], alpha=SIGNIFICANCE, method="holm")[1]
    return [replace(test, p_adjusted=float(p)) for test, p in zip(tests, adjusted, strict=True)]


def format_p_value(p_value: float) -> str:
    """A p-value as a reader expects it: three significant digits, `< 0.001` below that."""
    return "< 0.001" if p_value < 0.001 else f"{p_value:.3g}"


def format_p(p_value: float) -> str:
    """`p = 0.0156`, `p < 0.001`."""
    text = format_p_value(p_value)
    return f"p {text}" if text.startswith("<") else f"p = {text}"
