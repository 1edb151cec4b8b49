"""A run against the base run (or its parent): per check and split the pass rates before and after, the items
fixed, regressed and still failing, and on held-out a paired significance test, the verdict.

Every figure comes from the check results stored for the two runs, over the items present in both (matched on
item_id) and split by the earlier run's dev/held-out labels. Dev items were seen by training (replay rows come from
them) and by early stopping, so only the held-out figures say whether a fix generalises.
"""

from __future__ import annotations

from dataclasses import replace

from curator.compare import settings as run_settings
from curator.compare.inherited import bucket_members, inherited_buckets
from curator.compare.results import (
    AGAINST,
    EVERY_CHECK,
    FLIP_KINDS,
    SPLIT_LABELS,
    SPLITS,
    VERDICT_SPLIT,
    CheckComparison,
    Comparison,
    Flips,
    ItemChange,
    Rate,
    RowComparison,
    empty_rates,
)
from curator.compare.stats import holm, mcnemar_exact
from curator.errors import CuratorError
from curator.review.runs import resolve_run
from curator.storage import compare as compare_queries
from curator.storage import runs as run_queries
from curator.storage.runs import RunRow
from curator.workspace import Workspace

__all__ = [
    "AGAINST",
    "EVERY_CHECK",
    "FLIP_KINDS",
    "SPLITS",
    "SPLIT_LABELS",
    "VERDICT_SPLIT",
    "CheckComparison",
    "Comparison",
    "Flips",
    "ItemChange",
    "Rate",
    "RowComparison",
    "compare_runs",
    "format_delta",
    "format_rate",
    "row_figures",
]


def format_rate(rate: float | None) -> str:
    """A pass rate as a whole percentage; a dash when nothing applied."""
    return "—" if rate is None else f"{rate:.0%}"


def format_delta(delta: float | None) -> str:
    """A change in points with one decimal; a change that rounds to zero is "±0" (never "-0.0")."""
    if delta is None:
        return ""
    points = round(delta * 100, 1)
    return "±0" if points == 0 else f"{points:+.1f}"


def row_figures(row: RowComparison, split: str) -> dict[str, str]:
    """One compare-table row's figures for a split, as the CLI and the compare screen both show them: before,
    after and delta, and for a check how many paired items were fixed, regressed and are still failing."""
    figures = {
        "before": format_rate(row.before[split].rate),
        "after": format_rate(row.after[split].rate),
        "delta": format_delta(row.delta(split)),
    }
    flips = getattr(row, "flips", None)  # checks have them; bucket and every-check rows do not
    if flips is not None:
        moved = flips.get(split, Flips())
        figures |= {kind: str(len(moved.keys(kind))) for kind in FLIP_KINDS}
    return figures


def base_and_parent(ws: Workspace, run: RunRow) -> tuple[int | None, int | None]:
    """The base run (the nearest ancestor made without an adapter: the base model's own outputs) and the parent;
    (None, None) without a parent. Runs further up (an eval set without outputs) are never the base."""
    chain = run_queries.ancestors(ws.db, run.run_id)
    if not chain:
        return None, None
    base = next((run_id for run_id, adapter in chain if not adapter), chain[-1][0])
    return base, chain[0][0]


def choose_before(ws: Workspace, after: RunRow, parent_ref: str | int | None, against: str) -> tuple[RunRow, str]:
    """The earlier run: `parent_ref` when named, else the base run or the parent (`against`)."""
    if parent_ref is not None:
        return resolve_run(ws, parent_ref), "run"
    if against not in AGAINST:
        raise CuratorError(f"compare against '{against}'? use {' or '.join(AGAINST)}")
    base_id, parent_id = base_and_parent(ws, after)
    if parent_id is None:
        raise CuratorError(f"run '{after.name}' has no parent run (use --parent)")
    return resolve_run(ws, base_id if against == "base" else parent_id), against


def compare_runs(
    ws: Workspace,
    run_ref: str | int,
    parent_ref: str | int | None = None,
    *,
    against: str = "base",
    allow_settings_mismatch: bool = False,
) -> Comparison:
    """Compare a run with the base run of its chain (or its parent, or `parent_ref`); refuses runs generated with
    different settings unless `allow_settings_mismatch`."""
    after = resolve_run(ws, run_ref)
    before, chosen = choose_before(ws, after, parent_ref, against)
    if before.run_id == after.run_id:
        raise CuratorError(f"run '{after.name}' cannot be compared with itself")
    run_settings.check_same_settings(before, after, allow_settings_mismatch)
    base_id, parent_id = base_and_parent(ws, after)
    result = Comparison(before, after, chosen, base_id, parent_id, _settings_note(before, after))
    outcomes = compare_queries.item_outcomes(ws.db, before.run_id, after.run_id)
    result.item_ids = {o[2]: o[0] for o in outcomes}
    result.checks = _checks(ws, before.run_id, after.run_id)
    result.every_check = _every_check(outcomes)
    _item_changes(result, outcomes, inherited_buckets(ws, before.run_id))
    result.buckets = _bucket_rows(bucket_members(ws, before.run_id), outcomes)
    return result


def _settings_note(before: RunRow, after: RunRow) -> str | None:
    line = run_settings.mismatch(before, after)
    if line:
        return f"{line}: compared anyway, as asked"
    unknown = run_settings.unknown_settings(before, after)
    if unknown:
        names = " and ".join(f"'{n}'" for n in unknown)
        return f"generation settings of {names} are not stored (imported): they could not be checked"
    return None


def _checks(ws: Workspace, before_run_id: int, after_run_id: int) -> list[CheckComparison]:
    """One CheckComparison per check, in the earlier run's check order. The held-out tests are Holm-adjusted
    together across the checks with at least one discordant held-out item: a check on which no held-out item
    moved has p = 1 with no data and can never be significant, so counting it would only weaken the others."""
    found: dict[str, dict] = {}
    for name, split, pb, nb, pa, na, fixed, regressed, still in compare_queries.paired_check_counts(
        ws.db, before_run_id, after_run_id
    ):
        if split in SPLITS:
            entry = found.setdefault(name, {"before": empty_rates(), "after": empty_rates(), "flips": {}})
            entry["before"][split], entry["after"][split] = Rate(pb, nb), Rate(pa, na)
            entry["flips"][split] = Flips(tuple(fixed), tuple(regressed), tuple(still))
    names = compare_queries.check_order(ws.db, before_run_id) or sorted(found)
    names += [n for n in compare_queries.check_order(ws.db, after_run_id) if n not in names]
    names += [n for n in sorted(found) if n not in names]
    rows = []
    for name in names:
        entry = found.get(name, {"before": empty_rates(), "after": empty_rates(), "flips": {}})
        held = entry["flips"].get(VERDICT_SPLIT, Flips())
        test = mcnemar_exact(len(held.fixed), len(held.regressed))
        rows.append(CheckComparison(name, entry["before"], entry["after"], entry["flips"], test))
    tested = [index for index, row in enumerate(rows) if row.test.fixed + row.test.regressed]
    for index, test in zip(tested, holm([rows[i].test for i in tested]), strict=True):
        rows[index] = replace(rows[index], test=test)
    return rows


def _every_check(outcomes: list[tuple]) -> RowComparison:
    """The share of items that pass every check that applies to them, before and after."""
    counts = {side: {s: [0, 0] for s in SPLITS} for side in ("before", "after")}
    for _id, _kb, _ka, split, passed_before, passed_after, *_ in outcomes:
        for side, passed in (("before", passed_before), ("after", passed_after)):
            if passed is not None and split in SPLITS:
                counts[side][split][0] += int(passed)
                counts[side][split][1] += 1
    return RowComparison(EVERY_CHECK, *({s: Rate(*counts[side][s]) for s in SPLITS} for side in ("before", "after")))


def _item_changes(result: Comparison, outcomes: list[tuple], buckets: dict[int, list[str]]) -> None:
    """An item regressed when any check it passed before fails now; it is fixed when a check it failed passes
    now and none regressed."""
    for item_id, kb, ka, split, _pb, _pa, failed_before, failed_after, fixed_checks, regressed_checks in outcomes:
        common = {
            "fixed_checks": list(fixed_checks),
            "regressed_checks": list(regressed_checks),
            "buckets": buckets.get(kb, []),
        }
        if regressed_checks:
            result.regressed.append(ItemChange(item_id, kb, ka, split, list(failed_after), **common))
        elif fixed_checks:
            result.fixed.append(ItemChange(item_id, kb, ka, split, list(failed_before), **common))


def _bucket_rows(members: dict[str, list[int]], outcomes: list[tuple]) -> list[RowComparison]:
    """Item pass rate (every applicable check passes) over each bucket's items, before and after."""
    by_key = {o[1]: o for o in outcomes}
    rows = []
    for name, keys in members.items():
        row = _every_check([by_key[k] for k in keys if k in by_key])
        rows.append(RowComparison(name, row.before, row.after))
    return rows


def item_pair(ws: Workspace, before_run_id: int, before_key: int, after_run_id: int, after_key: int):
    """The same item in both runs (for the side-by-side view of both outputs)."""
    from curator.storage.items import get_item

    before, after = get_item(ws.db, before_run_id, before_key), get_item(ws.db, after_run_id, after_key)
    if before is None or after is None:
        raise CuratorError(f"item {before_key} is missing from one of the two runs")
    return before, after
