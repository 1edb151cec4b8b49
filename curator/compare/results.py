"""What a comparison of two runs holds: rates per check and split, the paired flips, the held-out test, the
items that moved; and its JSON form (`curator compare --json`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from curator.compare import settings as run_settings
from curator.compare.stats import McNemar, format_p
from curator.storage.runs import RunRow

SPLITS = ("dev", "held_out")
VERDICT_SPLIT = "held_out"
SPLIT_LABELS = {
    "dev": "dev: seen by training (replay) and by early stopping",
    "held_out": "held-out: the verdict",
}
AGAINST = ("base", "parent")
EVERY_CHECK = "passes every check"


@dataclass(frozen=True)
class Rate:
    """passed out of total; None as a rate when nothing applied."""

    passed: int = 0
    total: int = 0

    @property
    def rate(self) -> float | None:
        return self.passed / self.total if self.total else None

    def as_dict(self) -> dict:
        return {"passed": self.passed, "total": self.total, "rate": self.rate}


@dataclass(frozen=True)
class RowComparison:
    """One line of the compare table (a check, a bucket, every check): before/after per split."""

    name: str
    before: dict[str, Rate]
    after: dict[str, Rate]

    def delta(self, split: str) -> float | None:
        b, a = self.before[split].rate, self.after[split].rate
        return None if b is None or a is None else a - b


@dataclass(frozen=True)
class Flips:
    """Keys (in the later run) of the paired items of one check and split, by how their outcome moved."""

    fixed: tuple[int, ...] = ()  # failed before, passes now
    regressed: tuple[int, ...] = ()  # passed before, fails now
    still_failing: tuple[int, ...] = ()

    def keys(self, kind: str) -> tuple[int, ...]:
        return getattr(self, kind)


FLIP_KINDS = ("fixed", "regressed", "still_failing")


@dataclass(frozen=True)
class CheckComparison(RowComparison):
    """A check: rates per split, the flips per split, and the exact McNemar test on held-out."""

    flips: dict[str, Flips] = field(default_factory=dict)
    test: McNemar = field(default_factory=lambda: McNemar(0, 0, 1.0))  # its p_adjusted: Holm across the checks

    @property
    def verdict(self) -> str:
        return self.test.verdict


@dataclass(frozen=True)
class ItemChange:
    """An item whose outcome moved: `regressed_checks` passed before and fail now, `fixed_checks` the reverse."""

    item_id: str
    before_key: int
    after_key: int
    split: str
    failed_checks: list[str]  # the failing checks on the side where it fails (after, for a regressed item)
    fixed_checks: list[str] = field(default_factory=list)
    regressed_checks: list[str] = field(default_factory=list)
    buckets: list[str] = field(default_factory=list)  # of the item in the earlier run or its ancestors


@dataclass
class Comparison:
    before_run: RunRow
    after_run: RunRow
    against: str = "base"  # "base", "parent" or "run" (named by the caller)
    base_run_id: int | None = None
    parent_run_id: int | None = None
    settings_note: str | None = None  # a mismatch that was allowed, or settings that are not known
    checks: list[CheckComparison] = field(default_factory=list)
    every_check: RowComparison = field(default_factory=lambda: RowComparison(EVERY_CHECK, empty_rates(), empty_rates()))
    buckets: list[RowComparison] = field(default_factory=list)
    fixed: list[ItemChange] = field(default_factory=list)
    regressed: list[ItemChange] = field(default_factory=list)
    item_ids: dict[int, str] = field(default_factory=dict)  # after-run key -> item_id, for the flip lists

    @property
    def significant_regressions(self) -> list[CheckComparison]:
        return [c for c in self.checks if c.test.significant_regression]

    def warnings(self) -> list[str]:
        """One line per check that got significantly worse on held-out."""
        return [
            f"{c.name} regressed significantly on held-out: {c.test.regressed} items broke, {c.test.fixed} fixed "
            f"({format_p(c.test.p_value)})"
            for c in self.significant_regressions
        ]

    def ids(self, keys: tuple[int, ...]) -> list[str]:
        return [self.item_ids.get(k, str(k)) for k in keys]

    def as_dict(self) -> dict:
        """The comparison as plain JSON-able data (for `curator compare --json`)."""

        def rates(row: RowComparison) -> dict:
            return {side: {s: getattr(row, side)[s].rate for s in SPLITS} for side in ("before", "after")}

        def split_detail(check: CheckComparison, split: str) -> dict:
            flips = check.flips.get(split, Flips())
            detail = {"before": check.before[split].as_dict(), "after": check.after[split].as_dict()}
            for kind in FLIP_KINDS:
                detail[kind] = len(flips.keys(kind))
                detail[f"{kind}_items"] = self.ids(flips.keys(kind))
            if split == VERDICT_SPLIT:
                detail["mcnemar"] = {
                    "fixed": check.test.fixed,
                    "regressed": check.test.regressed,
                    "p_value": check.test.p_value,
                    "p_adjusted": check.test.p_adjusted,
                    "verdict": check.test.verdict,
                }
            return detail

        def changes(items: list[ItemChange]) -> list[dict]:
            return [
                {
                    "item_id": c.item_id,
                    "split": c.split,
                    "failed_checks": c.failed_checks,
                    "fixed_checks": c.fixed_checks,
                    "regressed_checks": c.regressed_checks,
                    "buckets": c.buckets,
                }
                for c in items
            ]

        return {
            "run": self.after_run.name,
            "before": self.before_run.name,
            "against": self.against,
            "settings": {
                "before": run_settings.stored_generation(self.before_run),
                "after": run_settings.stored_generation(self.after_run),
                "note": self.settings_note,
            },
            "split_labels": SPLIT_LABELS,
            "checks": {c.name: {**rates(c), "splits": {s: split_detail(c, s) for s in SPLITS}} for c in self.checks},
            "every_check": {
                side: {s: getattr(self.every_check, side)[s].as_dict() for s in SPLITS} for side in ("before", "after")
            },
            "buckets": {r.name: rates(r) for r in self.buckets},
            "fixed": changes(self.fixed),
            "regressed": changes(self.regressed),
            "warnings": self.warnings(),
        }


def empty_rates() -> dict[str, Rate]:
    return {s: Rate() for s in SPLITS}
