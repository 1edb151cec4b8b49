"""A run against its parent: pass rates per check and per bucket, before and after, dev and held-out apart,
and the items fixed and regressed. Every figure comes from the check results stored for the two runs, over the
items present in both (matched on item_id) and split by the parent's dev/held-out labels."""

from __future__ import annotations

from dataclasses import dataclass, field

from curator.errors import CuratorError
from curator.review.runs import resolve_run
from curator.storage import compare as compare_queries
from curator.storage.runs import RunRow
from curator.workspace import Workspace

SPLITS = ("dev", "held_out")


@dataclass(frozen=True)
class Rate:
    """passed out of total; None as a rate when nothing applied."""

    passed: int = 0
    total: int = 0

    @property
    def rate(self) -> float | None:
        return self.passed / self.total if self.total else None


@dataclass(frozen=True)
class RowComparison:
    """One line of the compare table (a check or a bucket): before/after per split."""

    name: str
    before: dict[str, Rate]
    after: dict[str, Rate]

    def delta(self, split: str) -> float | None:
        b, a = self.before[split].rate, self.after[split].rate
        return None if b is None or a is None else a - b


@dataclass(frozen=True)
class ItemChange:
    """An item whose outcome flipped between the two runs."""

    item_id: str
    before_key: int
    after_key: int
    split: str
    failed_checks: list[str]  # the failing checks on the side where it fails


@dataclass
class Comparison:
    before_run: RunRow
    after_run: RunRow
    checks: list[RowComparison] = field(default_factory=list)
    buckets: list[RowComparison] = field(default_factory=list)
    fixed: list[ItemChange] = field(default_factory=list)
    regressed: list[ItemChange] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The comparison as plain JSON-able data (for `curator compare --json`)."""

        def rows(items: list[RowComparison]) -> dict:
            return {
                r.name: {side: {s: getattr(r, side)[s].rate for s in SPLITS} for side in ("before", "after")}
                for r in items
            }

        def changes(items: list[ItemChange]) -> list[dict]:
            return [{"item_id": c.item_id, "split": c.split, "failed_checks": c.failed_checks} for c in items]

        return {
            "run": self.after_run.name,
            "parent": self.before_run.name,
            "checks": rows(self.checks),
            "buckets": rows(self.buckets),
            "fixed": changes(self.fixed),
            "regressed": changes(self.regressed),
        }


def _empty() -> dict[str, Rate]:
    return {s: Rate() for s in SPLITS}


def _check_rates(ws: Workspace, before_run_id: int, after_run_id: int) -> dict[str, dict[str, dict[str, Rate]]]:
    """side -> check -> split -> Rate, over the matched item pairs under the parent's split labels."""
    rates: dict[str, dict[str, dict[str, Rate]]] = {"before": {}, "after": {}}
    for name, side, split, passed, total in compare_queries.paired_check_counts(ws.db, before_run_id, after_run_id):
        if split in SPLITS:
            rates[side].setdefault(name, _empty())[split] = Rate(passed, total)
    return rates


def format_rate(rate: float | None) -> str:
    """A pass rate as a whole percentage; a dash when nothing applied."""
    return "—" if rate is None else f"{rate:.0%}"


def format_delta(delta: float | None) -> str:
    """A change in points with one decimal; a change that rounds to zero is "±0" (never "-0.0")."""
    if delta is None:
        return ""
    points = round(delta * 100, 1)
    return "±0" if points == 0 else f"{points:+.1f}"


def compare_runs(ws: Workspace, run_ref: str | int, parent_ref: str | int | None = None) -> Comparison:
    """Compare a run with its parent (or with `parent_ref`)."""
    after = resolve_run(ws, run_ref)
    if parent_ref is None and (after.parent_run_id is None or after.parent_name is None):
        raise CuratorError(f"run '{after.name}' has no parent run (use --parent)")
    before = resolve_run(ws, parent_ref if parent_ref is not None else after.parent_run_id)
    result = Comparison(before, after)
    rates = _check_rates(ws, before.run_id, after.run_id)
    before_rates, after_rates = rates["before"], rates["after"]
    names = compare_queries.check_order(ws.db, before.run_id) or sorted(before_rates)
    names += [n for n in compare_queries.check_order(ws.db, after.run_id) if n not in names]
    result.checks = [RowComparison(n, before_rates.get(n, _empty()), after_rates.get(n, _empty())) for n in names]
    outcomes = compare_queries.item_outcomes(ws.db, before.run_id, after.run_id)
    for item_id, key_before, key_after, split, passed_before, passed_after, failed_before, failed_after in outcomes:
        if passed_before is False and passed_after is True:
            result.fixed.append(ItemChange(item_id, key_before, key_after, split, list(failed_before)))
        elif passed_before is True and passed_after is False:
            result.regressed.append(ItemChange(item_id, key_before, key_after, split, list(failed_after)))
    result.buckets = _bucket_rows(ws, before.run_id, outcomes)
    return result


def _bucket_rows(ws: Workspace, before_run_id: int, outcomes: list[tuple]) -> list[RowComparison]:
    """Item pass rate (every applicable check passes) over each bucket's items, before and after."""
    by_key = {o[1]: o for o in outcomes}
    members: dict[str, list[int]] = {}
    for name, key in compare_queries.bucket_members(ws.db, before_run_id):
        members.setdefault(name, []).append(key)
    rows = []
    for name, keys in members.items():
        counts = {side: {s: [0, 0] for s in SPLITS} for side in ("before", "after")}
        for key in keys:
            outcome = by_key.get(key)
            if outcome is None:
                continue
            split = outcome[3]
            for side, passed in (("before", outcome[4]), ("after", outcome[5])):
                if passed is not None and split in SPLITS:
                    counts[side][split][0] += int(passed)
                    counts[side][split][1] += 1
        rows.append(RowComparison(name, *({s: Rate(*counts[side][s]) for s in SPLITS} for side in ("before", "after"))))
    return rows


def item_pair(ws: Workspace, before_run_id: int, before_key: int, after_run_id: int, after_key: int):
    """The same item in both runs (for the side-by-side view of both outputs)."""
    from curator.storage.items import get_item

    before, after = get_item(ws.db, before_run_id, before_key), get_item(ws.db, after_run_id, after_key)
    if before is None or after is None:
        raise CuratorError(f"item {before_key} is missing from one of the two runs")
    return before, after
