"""What a sweep shows: per check (and per bucket) the held-out pass rate of every variant with its Wilson
interval and its spread over seeds, the training rows, each seed's paired verdict against the base (`compare`'s
McNemar, Holm across checks), the learning curve of a quantity sweep, the Pareto front and the recommendation.

Every figure comes from the stored check results through `compare_runs`, one comparison per finished trial."""

from __future__ import annotations

from dataclasses import dataclass, field

from curator.compare.comparison import SPLITS, VERDICT_SPLIT, compare_runs
from curator.review.runs import resolve_run, summarise_run
from curator.storage import datasets as dataset_queries
from curator.storage import runs as run_queries
from curator.storage import sweeps as sweep_queries
from curator.storage.sweeps import SweepRow, TrialRow, VariantRow
from curator.sweeps.figures import (
    CheckFigures,
    SeedCheck,
    VariantFigures,
    learning_curve,
    mark_front,
    recommend,
    wilson,
)
from curator.sweeps.queue import SweepRequest, create_sweep, get_sweep, run_sweep
from curator.sweeps.trial import EventCallback
from curator.workspace import Workspace


@dataclass
class TrialLine:
    """One trial as the queue left it: its seed, job, run and status."""

    position: int
    seed: int
    status: str
    job_id: int | None
    run_name: str | None
    error: str | None


@dataclass
class SweepReport:
    """Everything a sweep screen or `curator sweep show` needs, as plain data."""

    sweep: SweepRow
    base_run: str
    kind: str
    seeds: list[int]
    base_checks: dict[str, tuple[int, int]]  # check -> (passed, total) on held-out
    variants: list[VariantFigures]
    datasets: dict[int, str]  # position -> `recipe@N` once built
    sources: dict[int, dict[str, int]]  # position -> rows per source (as built, else as planned)
    settings: dict[int, dict]
    buckets: dict[int, dict[str, dict[str, list]]] = field(default_factory=dict)  # position -> bucket -> split -> rates
    base_buckets: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)
    trials: list[TrialLine] = field(default_factory=list)
    recommended: VariantFigures | None = None
    recommendation: str = ""

    @property
    def curve(self) -> dict[str, list[dict]] | None:
        """The learning curve (pass rate against rows) of a quantity sweep; None for other sweeps."""
        return learning_curve(self.variants) if self.kind == "rows" else None

    @property
    def check_names(self) -> list[str]:
        names = list(self.base_checks)
        for variant in self.variants:
            names += [n for n in variant.checks if n not in names]
        return names

    def as_dict(self) -> dict:
        """Every figure, for `curator sweep show --json`."""
        planned = len(self.seeds)
        return {
            "sweep": self.sweep.name,
            "recipe": self.sweep.recipe_name,
            "base_run": self.base_run,
            "base_model": self.sweep.base_model,
            "status": self.sweep.status,
            "error": self.sweep.error,
            "kind": self.kind,
            "seeds": self.seeds,
            "split": VERDICT_SPLIT,
            "base": {
                "checks": {n: _rate(p, t) for n, (p, t) in self.base_checks.items()},
                "buckets": {b: {s: _rate(*pt) for s, pt in by.items()} for b, by in self.base_buckets.items()},
            },
            "variants": [self._variant_dict(v, planned) for v in self.variants],
            "learning_curve": self.curve,
            "front": [v.label for v in self.variants if v.on_front],
            "recommendation": {
                "variant": self.recommended.label if self.recommended else None,
                "line": self.recommendation,
            },
            "trials": [t.__dict__ for t in self.trials],
        }

    def _variant_dict(self, v: VariantFigures, planned: int) -> dict:
        return {
            "position": v.position,
            "label": v.label,
            "training_rows": v.rows,
            "sources": self.sources.get(v.position, {}),
            "dataset": self.datasets.get(v.position),
            "settings": self.settings.get(v.position, {}),
            "seeds_done": v.seeds_done,
            "on_front": v.on_front,
            "clearly_better": v.clearly_better,
            "gains": v.gains,
            "regressions": v.regressions,
            "checks": {n: c.as_dict(planned) for n, c in v.checks.items()},
            "buckets": {
                b: {s: _pooled(rates) for s, rates in by.items()} for b, by in self.buckets.get(v.position, {}).items()
            },
        }


def _rate(passed: int, total: int) -> dict:
    interval = wilson(passed, total)
    return {
        "passed": passed,
        "total": total,
        "rate": passed / total if total else None,
        "wilson_95": list(interval) if interval else None,
    }


def _pooled(rates: list[tuple[int, int]]) -> dict:
    """A bucket's every-check pass rate over the seeds: pooled with its interval, and the per-seed spread."""
    passed, total = sum(p for p, _ in rates), sum(t for _, t in rates)
    per_seed = [p / t for p, t in rates if t]
    spread = {"min": min(per_seed), "max": max(per_seed)} if per_seed else None
    return _rate(passed, total) | {"spread": spread}


def _variant_rows(ws: Workspace, variant: VariantRow) -> tuple[int, dict[str, int], str | None]:
    """Training rows, rows per source and `recipe@N`: as built when built, else as the spec plans them."""
    if variant.dataset_version is not None:
        version = dataset_queries.get_version(ws.db, variant.recipe_name, variant.dataset_version)
        if version is not None:
            sources = {s["name"]: s["rows"] for s in version.manifest.get("sources", [])}
            return version.row_count, sources, f"{variant.recipe_name}@{variant.dataset_version}"
    from curator.recipes.allocation import allocate

    spec = variant.spec
    counts = allocate([s["share"] for s in spec["sources"]], spec["total"])
    return spec["total"], {s["name"]: c for s, c in zip(spec["sources"], counts, strict=True)}, None


def _add_trial(report: SweepReport, figures: VariantFigures, ws: Workspace, trial: TrialRow, base_id: int) -> None:
    comparison = compare_runs(ws, trial.run_id, base_id)
    for check in comparison.checks:
        held = check.after[VERDICT_SPLIT]
        entry = figures.checks.setdefault(
            check.name, CheckFigures(check.name, *report.base_checks.get(check.name, (0, 0)))
        )
        entry.seeds.append(
            SeedCheck(
                trial.seed, held.passed, held.total, check.test.fixed, check.test.regressed, check.test.p_adjusted,
                check.test.verdict,
            )
        )  # fmt: skip
    by_bucket = report.buckets.setdefault(figures.position, {})
    for row in comparison.buckets:
        report.base_buckets.setdefault(row.name, {s: (row.before[s].passed, row.before[s].total) for s in SPLITS})
        for split in SPLITS:
            by_bucket.setdefault(row.name, {}).setdefault(split, []).append(
                (row.after[split].passed, row.after[split].total)
            )


def sweep_report(ws: Workspace, name: str) -> SweepReport:
    """The sweep's figures from its finished trials (a sweep still running shows what it has so far)."""
    sweep = get_sweep(ws, name)
    base = resolve_run(ws, sweep.base_run_id)
    summary = summarise_run(ws, base.run_id)
    base_checks = {c.name: tuple(c.by_split.get(VERDICT_SPLIT, (0, 0))) for c in summary.checks}
    trials = sweep_queries.trials(ws.db, sweep.sweep_id)
    stored = {t.run_id: run_queries.get_run(ws.db, t.run_id) for t in trials if t.run_id is not None}
    runs = {run_id: run.name for run_id, run in stored.items() if run is not None}  # a deleted run: no figures
    report = SweepReport(sweep, base.name, sweep.plan.get("kind", "recipe"), list(sweep.plan.get("seeds", [])),
                         base_checks, [], {}, {}, {})  # fmt: skip
    for variant in sweep_queries.variants(ws.db, sweep.sweep_id):
        rows, sources, dataset = _variant_rows(ws, variant)
        figures = VariantFigures(variant.position, variant.label, rows, len(report.seeds))
        figures.checks = {n: CheckFigures(n, p, t) for n, (p, t) in base_checks.items()}
        report.sources[variant.position], report.settings[variant.position] = sources, variant.settings
        if dataset:
            report.datasets[variant.position] = dataset
        for trial in (t for t in trials if t.position == variant.position):
            if trial.status == "done" and trial.run_id in runs:
                _add_trial(report, figures, ws, trial, base.run_id)
        report.variants.append(figures)
    for trial in trials:
        gone = trial.run_id is not None and trial.run_id not in runs
        error = f"its run {trial.run_id} was deleted" if gone else trial.error
        line = TrialLine(trial.position, trial.seed, trial.status, trial.job_id, runs.get(trial.run_id), error)
        report.trials.append(line)
    mark_front(report.variants)
    report.recommended, report.recommendation = recommend(report.variants)
    return report


def run_and_report(
    ws: Workspace, request: SweepRequest, on_event: EventCallback = lambda stage, e: None
) -> SweepReport:
    """One call for a script (the demo): create the sweep (or resume the one of that name), run it, report it."""
    if request.name is None or sweep_queries.find_sweep(ws.db, request.name) is None:
        request.name = create_sweep(ws, request).name
    run_sweep(ws, request.name, on_event)
    return sweep_report(ws, request.name)
