"""What `curator demo --script` reports per loop: the check changes against the base run and the JSON summary.

Only held-out items carry a test: dev items were seen by training (replay) and by the analyst, so the summary
gives their rates and flips but no p-value. The held-out p-value is the comparison's exact McNemar test, beside
its Holm-adjusted value across the compared checks, on which the verdict rests.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from curator.compare.comparison import SPLITS, VERDICT_SPLIT, CheckComparison, Comparison
from curator.demo.setup import DemoState
from curator.storage.jobs import JobRow
from curator.storage.runs import RunRow


@dataclass
class CheckChange:
    """One check over the matched items of two runs: rates before/after and the paired flips per split, and the
    held-out test ({"held_out": p}; None when no held-out item moved)."""

    name: str
    before: dict[str, float | None]
    after: dict[str, float | None]
    fixed: dict[str, int]
    regressed: dict[str, int]
    p_value: dict[str, float | None]
    p_adjusted: dict[str, float | None] = field(default_factory=dict)
    verdict: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "before": self.before,
            "after": self.after,
            "fixed": self.fixed,
            "regressed": self.regressed,
            "p_value": self.p_value,
            "p_adjusted": self.p_adjusted,
            "verdict": self.verdict,
        }


@dataclass
class LoopResult:
    """What one loop made, and the comparison of its re-eval run with the base run."""

    loop: int
    bucket: str
    bucket_items: int
    patterns: list[str]
    templates: list[str]
    generated_examples: int
    accepted_examples: int
    dataset: str
    job: JobRow
    run: RunRow
    comparison: Comparison
    train_s: float
    eval_s: float
    checks: list[CheckChange] = field(default_factory=list)

    def pass_rates(self) -> dict:
        """{"before": {check: {"dev": r, "held_out": r}}, "after": {...}} from the stored check results."""
        return {side: {c.name: getattr(c, side) for c in self.checks} for side in ("before", "after")}

    def as_dict(self) -> dict:
        return {
            "loop": self.loop,
            "bucket": self.bucket,
            "bucket_items": self.bucket_items,
            "patterns": self.patterns,
            "templates": self.templates,
            "generated_examples": self.generated_examples,
            "accepted_examples": self.accepted_examples,
            "dataset": self.dataset,
            "run": self.run.name,
            "checks": {c.name: c.as_dict() for c in self.checks},
            "items_fixed": len(self.comparison.fixed),
            "items_regressed": len(self.comparison.regressed),
            "train_s": round(self.train_s, 1),
            "eval_s": round(self.eval_s, 1),
        }


def _count(row: CheckComparison, split: str, kind: str) -> int:
    return len(row.flips[split].keys(kind)) if split in row.flips else 0


def check_changes(comparison: Comparison) -> list[CheckChange]:
    """Per check: pass rates and items fixed and regressed per split; on held-out the McNemar p-value, its Holm
    adjustment and the verdict (no test when no held-out item moved)."""
    changes = []
    for row in comparison.checks:
        moved = row.test.fixed + row.test.regressed > 0
        changes.append(
            CheckChange(
                row.name,
                {s: row.before[s].rate for s in SPLITS},
                {s: row.after[s].rate for s in SPLITS},
                {s: _count(row, s, "fixed") for s in SPLITS},
                {s: _count(row, s, "regressed") for s in SPLITS},
                {VERDICT_SPLIT: row.test.p_value if moved else None},
                {VERDICT_SPLIT: row.test.p_adjusted if moved else None},
                {VERDICT_SPLIT: row.verdict},
            )
        )
    return changes


def summary(state: DemoState, results: list[LoopResult], total_s: float) -> dict:
    """The JSON the CLI and the benchmark print: per loop and per check {"dev", "held_out"}, and the totals."""
    return {
        "model": state.model_name,
        "dtype": state.base_run.settings.get("dtype") if state.base_run.settings else None,
        "loops": [r.as_dict() for r in results],
        "generated_examples": sum(r.generated_examples for r in results),
        "train_s": round(sum(r.train_s for r in results), 1),
        "eval_s": round(state.eval_s + sum(r.eval_s for r in results), 1),
        "total_s": round(total_s, 1),
    }
