"""The paired significance test of a check between two runs on the same items: exact McNemar."""

from __future__ import annotations

from dataclasses import dataclass

SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class McNemar:
    """Exact McNemar test on the discordant pairs: `fixed` items failed before and pass now, `regressed` the reverse.

    Under "no change" each discordant item is equally likely to go either way, so the p-value is the two-sided
    binomial test of `fixed` out of `fixed + regressed` at 0.5 (scipy's `binomtest`); 1.0 with no discordant item.
    """

    fixed: int
    regressed: int
    p_value: float

    @property
    def verdict(self) -> str:
        if self.p_value < SIGNIFICANCE and self.fixed != self.regressed:
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


def format_p_value(p_value: float) -> str:
    """A p-value as a reader expects it: three significant digits, `< 0.001` below that."""
    return "< 0.001" if p_value < 0.001 else f"{p_value:.3g}"


def format_p(p_value: float) -> str:
    """`p = 0.0156`, `p < 0.001`."""
    text = format_p_value(p_value)
    return f"p {text}" if text.startswith("<") else f"p = {text}"
