"""The sweep screen's text: per-check table rows, the sweep's summary line and the learning curve's series, from a
`SweepReport` (plain data in, strings out; every figure is the sweep domain's)."""

from __future__ import annotations

from curator.compare.comparison import format_delta
from curator.storage.sweeps import SweepRow
from curator.sweeps.chart import moves
from curator.sweeps.figures import CheckFigures, wilson
from curator.sweeps.report import SweepReport

FIGURE_COLUMNS = ("check", "variant", "rows", "pass", "95% CI", "seeds", "Δ pts", "vs base (McNemar, Holm)", "front")


def pct(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def interval(passed: int, total: int) -> str:
    bounds = wilson(passed, total)
    return f"{bounds[0]:.0%}-{bounds[1]:.0%}" if bounds else ""


def verdicts(check: CheckFigures) -> str:
    """How the seeds' paired verdicts went: `improved 2/2`, `regressed 1/2`, or `no change`."""
    counts: dict[str, int] = {}
    for seed in check.seeds:
        counts[seed.verdict] = counts.get(seed.verdict, 0) + 1
    shown = [f"{v} {n}/{len(check.seeds)}" for v, n in counts.items() if v != "no significant change"]
    return ", ".join(shown) or ("no change" if check.seeds else "not run yet")


def figure_rows(report: SweepReport) -> list[tuple[str, ...]]:
    """Per check, the base run's held-out rate, then each variant's: rows, mean over seeds, Wilson 95% of the
    pooled passes, the spread over seeds, the change in points, the seeds' verdicts and the front mark."""
    rows = []
    for name in report.check_names:
        passed, total = report.base_checks.get(name, (0, 0))
        rows.append((name, "base", "", pct(passed / total if total else None), interval(passed, total), "", "", "", ""))
        for variant in report.variants:
            check = variant.checks.get(name)
            if check is None:
                continue
            spread = check.spread
            rows.append((
                name, variant.label, str(variant.rows), pct(check.mean), interval(check.passed, check.total),
                f"{spread[0]:.0%}-{spread[1]:.0%}" if spread else "", format_delta(check.delta), verdicts(check),
                "*" if variant.on_front else "",
            ))  # fmt: skip
    return rows


def summary_line(report: SweepReport) -> str:
    """The sweep in one line: recipe, base run, kind, seeds, status and how many trials are done."""
    sweep = report.sweep
    done = sum(t.status == "done" for t in report.trials)
    failed = [t for t in report.trials if t.status == "failed"]
    line = (
        f"sweep {sweep.name}: recipe {sweep.recipe_name}, base run {report.base_run}, {report.kind} sweep, seeds "
        f"{', '.join(map(str, report.seeds))}; {sweep.status}, {done} of {len(report.trials)} trials done"
    )
    if failed:
        line += f"; {len(failed)} failed (first: {failed[0].error})"
    return line + (f" ({sweep.error})" if sweep.error and not failed else "")


def front_line(report: SweepReport) -> str:
    front = [v.label for v in report.variants if v.on_front]
    return "Pareto front across checks (*): " + (", ".join(front) or "none yet")


def curve_series(report: SweepReport) -> dict[str, tuple[list[int], list[float]]]:
    """Per check whose curve moves: training rows and mean held-out pass rate (fewest rows first)."""
    series = {}
    for name, points in (report.curve or {}).items():
        passed, total = report.base_checks.get(name, (0, 0))
        if moves(points, passed / total if total else None):
            series[name] = ([p["rows"] for p in points], [p["rate"] for p in points])
    return series


def list_row(sweep: SweepRow, done: int, total: int) -> tuple[str, ...]:
    return (sweep.name, sweep.recipe_name, sweep.plan.get("kind", ""), sweep.status, f"{done}/{total}")


def bucket_table(report: SweepReport) -> tuple[list[str], list[tuple[str, ...]]]:
    """Per bucket and split, the item pass rate (every check that applies passes) of the base run and of each
    variant pooled over its seeds, with the spread over seeds; no rows when the base run's items are in no bucket."""
    columns = ["bucket", "split", "base", *(v.label for v in report.variants)]
    rows = []
    for bucket, by_split in report.base_buckets.items():
        for split, label in (("held_out", "held-out"), ("dev", "dev (seen by training)")):
            passed, total = by_split.get(split, (0, 0))
            if not total:
                continue
            row = [bucket, label, pct(passed / total)]
            for variant in report.variants:
                rates = report.buckets.get(variant.position, {}).get(bucket, {}).get(split, [])
                pooled_p, pooled_t = sum(p for p, _ in rates), sum(t for _, t in rates)
                per_seed = [p / t for p, t in rates if t]
                spread = f" ({min(per_seed):.0%}-{max(per_seed):.0%})" if len(per_seed) > 1 else ""
                row.append(pct(pooled_p / pooled_t) + spread if pooled_t else "")
            rows.append(tuple(row))
    return columns, rows
