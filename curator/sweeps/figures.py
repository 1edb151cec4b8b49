"""The figures of a sweep, from per-seed results: Wilson 95% intervals, the spread over seeds, the Pareto front
across checks and the one-line recommendation. Plain data in, plain data out: a screen only lays them out."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

Z95 = 1.959963984540054  # the two-sided 95% normal quantile
NO_WINNER = "no variant is clearly better than the base"


def wilson(passed: int, total: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score interval of passed/total (95%); None when nothing applied."""
    if total <= 0:
        return None
    p = passed / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class SeedCheck:
    """One seed's held-out result on one check, and its paired test against the base (Holm across checks)."""

    seed: int
    passed: int
    total: int
    fixed: int = 0
    regressed: int = 0
    p_adjusted: float | None = None
    verdict: str = "no significant change"

    @property
    def rate(self) -> float | None:
        return self.passed / self.total if self.total else None


@dataclass
class CheckFigures:
    """A variant on one check: the pooled held-out rate over its seeds with a Wilson interval, the spread of the
    per-seed rates, and the change against the base."""

    name: str
    base_passed: int
    base_total: int
    seeds: list[SeedCheck] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(s.passed for s in self.seeds)

    @property
    def total(self) -> int:
        return sum(s.total for s in self.seeds)

    @property
    def rates(self) -> list[float]:
        return [s.rate for s in self.seeds if s.rate is not None]

    @property
    def mean(self) -> float | None:
        return sum(self.rates) / len(self.rates) if self.rates else None

    @property
    def base_rate(self) -> float | None:
        return self.base_passed / self.base_total if self.base_total else None

    @property
    def delta(self) -> float | None:
        return None if self.mean is None or self.base_rate is None else self.mean - self.base_rate

    @property
    def spread(self) -> tuple[float, float] | None:
        """(lowest, highest) per-seed rate."""
        return (min(self.rates), max(self.rates)) if self.rates else None

    @property
    def sd(self) -> float | None:
        rates = self.rates
        if len(rates) < 2:
            return None
        mean = sum(rates) / len(rates)
        return math.sqrt(sum((r - mean) ** 2 for r in rates) / (len(rates) - 1))

    def improved_on_every_seed(self, planned: int) -> bool:
        """The gain holds: every planned seed ran and each one's paired verdict is `improved`."""
        return len(self.seeds) >= planned > 0 and all(s.verdict == "improved" for s in self.seeds)

    @property
    def regressed_on_a_seed(self) -> bool:
        return any(s.verdict == "regressed" for s in self.seeds)

    def as_dict(self, planned: int) -> dict:
        interval = wilson(self.passed, self.total)
        spread = self.spread
        return {
            "passed": self.passed,
            "total": self.total,
            "rate": self.passed / self.total if self.total else None,
            "mean_over_seeds": self.mean,
            "wilson_95": list(interval) if interval else None,
            "spread": {"min": spread[0], "max": spread[1], "sd": self.sd} if spread else None,
            "base": {"passed": self.base_passed, "total": self.base_total, "rate": self.base_rate},
            "delta": self.delta,
            "improved_on_every_seed": self.improved_on_every_seed(planned),
            "regressed_on_a_seed": self.regressed_on_a_seed,
            "seeds": [
                {
                    "seed": s.seed,
                    "passed": s.passed,
                    "total": s.total,
                    "rate": s.rate,
                    "fixed": s.fixed,
                    "regressed": s.regressed,
                    "p_adjusted": s.p_adjusted,
                    "verdict": s.verdict,
                }
                for s in self.seeds
            ],
        }


@dataclass
class VariantFigures:
    """A variant's figures: its training rows, per-check figures (held-out) and whether it is on the front."""

    position: int
    label: str
    rows: int
    planned_seeds: int
    checks: dict[str, CheckFigures] = field(default_factory=dict)
    on_front: bool = False

    @property
    def seeds_done(self) -> int:
        return max((len(c.seeds) for c in self.checks.values()), default=0)

    @property
    def gains(self) -> list[str]:
        return [name for name, c in self.checks.items() if c.improved_on_every_seed(self.planned_seeds)]

    @property
    def regressions(self) -> list[str]:
        return [name for name, c in self.checks.items() if c.regressed_on_a_seed]

    @property
    def clearly_better(self) -> bool:
        """Every seed ran, some check improved significantly on every seed, and no check regressed on any."""
        return self.seeds_done >= self.planned_seeds and bool(self.gains) and not self.regressions


def _beats(a: dict[str, float], b: dict[str, float]) -> bool:
    """a dominates b: at least as good on every check and better on one."""
    return all(a[k] >= b[k] for k in a) and any(a[k] > b[k] for k in a)


def mark_front(variants: list[VariantFigures]) -> list[VariantFigures]:
    """Mark the Pareto front across the checks (mean held-out rate over seeds): the variants no other variant
    dominates. Checks some variant has no figure for are left out; variants without a finished seed are not on it."""
    ran = [v for v in variants if v.seeds_done]
    names = [
        n for n in (ran[0].checks if ran else {}) if all(v.checks.get(n) and v.checks[n].mean is not None for v in ran)
    ]
    scores = {v.position: {n: v.checks[n].mean for n in names} for v in ran}
    for variant in variants:
        variant.on_front = bool(variant.seeds_done) and not any(
            _beats(scores[other.position], scores[variant.position]) for other in ran if other is not variant
        )
    return variants


def recommend(variants: list[VariantFigures]) -> tuple[VariantFigures | None, str]:
    """The smallest variant (fewest training rows, then the first listed) that is clearly better than the base,
    with its line; else None and "no variant is clearly better than the base"."""
    eligible = [v for v in variants if v.clearly_better]
    if not eligible:
        return None, NO_WINNER
    best = min(eligible, key=lambda v: (v.rows, v.position))
    gains = ", ".join(
        f"{name} {best.checks[name].base_rate:.0%} -> {best.checks[name].mean:.0%}" for name in best.gains
    )
    seeds = best.planned_seeds
    return best, (
        f"{best.label} ({best.rows} training rows): {gains} on held-out, improved on all {seeds} seeds; "
        "no check regressed significantly"
    )


def learning_curve(variants: list[VariantFigures]) -> dict[str, list[dict]]:
    """Per check, pass rate against training rows (mean over seeds, Wilson interval, spread), fewest rows first."""
    curve: dict[str, list[dict]] = {}
    for variant in sorted(variants, key=lambda v: (v.rows, v.position)):
        for name, check in variant.checks.items():
            if check.mean is None:
                continue
            interval, spread = wilson(check.passed, check.total), check.spread
            curve.setdefault(name, []).append(
                {
                    "variant": variant.label,
                    "rows": variant.rows,
                    "rate": check.mean,
                    "wilson_95": list(interval) if interval else None,
                    "min": spread[0],
                    "max": spread[1],
                }
            )
    return curve
