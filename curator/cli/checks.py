"""`curator check RUN --spec checks.toml`: grade every item of a run and print pass rates per check and split.

Learned checks run after the rule checks (fitted on the run's calibration labels, or not graded with the reason), then
the judges (their rubrics see the others' reasons); a judge or learned check that fails prints one line and makes
the command exit 1, with everything else stored.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from curator import checks
from curator.cli.context import console, echo_json, open_workspace, progress
from curator.errors import CuratorError
from curator.review.runs import CheckSummary, resolve_run


def check(
    run: str = typer.Argument(..., help="Run name or id."),
    spec: Path = typer.Option(None, "--spec", "-s", help="Check spec (TOML, one \\[\\[check]] table per check)."),
    from_run: str = typer.Option(None, "--from", help="Re-apply the checks stored with this other run."),
    as_json: bool = typer.Option(False, "--json", help="Print pass counts per check and split as JSON."),
) -> None:
    """Run checks over every item of a run; without --spec or --from, re-run the checks stored with it."""
    from curator.jobs import judging  # the judge machinery (openai, child processes) loads only for this command

    if spec is not None and from_run is not None:
        raise CuratorError("give --spec or --from, not both")
    with open_workspace() as ws:
        target = resolve_run(ws, run)
        specs = _chosen_specs(ws, target.run_id, spec, from_run)
        with progress() as bar:
            task = bar.add_task("checking", total=None)

            def advance(label: str, done: int, total: int) -> None:
                bar.update(task, description=f"checking {label}", completed=done, total=total)

            outcomes = judging.run_all_checks(ws, target.run_id, specs, progress=advance)
        summaries = checks.check_summaries(ws, target.run_id, specs)
        not_graded = judging.not_graded_counts(ws, target.run_id) if outcomes else {}
    judges = {o.name: o for o in outcomes}
    if as_json:
        echo_json(
            {
                "run": target.name,
                "items": target.item_count,
                "checks": [_summary_json(s, not_graded.get(s.name), judges.get(s.name)) for s in summaries],
            }
        )
    else:
        failed_names = {o.name for o in outcomes if o.error}
        console.print(_summary_table(target.name, summaries, not_graded, failed_names))
        for outcome in outcomes:
            if not outcome.error:
                console.print(outcome.describe(), markup=False, highlight=False)
    failed = [o for o in outcomes if o.error]
    if failed:
        raise judging.JudgeFailed(failed)


def _chosen_specs(ws, run_id: int, spec: Path | None, from_run: str | None) -> list[checks.CheckSpec]:
    if spec is not None:
        return checks.load_spec(spec)
    source = resolve_run(ws, from_run) if from_run is not None else None
    stored = checks.stored_checks(ws, source.run_id if source else run_id)
    if not stored:
        where = f"run '{source.name}'" if source else "this run"
        raise CuratorError(f"no checks stored with {where}: give --spec checks.toml")
    return stored


def _rate(passed: int, total: int) -> float | None:
    return passed / total if total else None


def _summary_json(summary: CheckSummary, not_graded: tuple[int, int] | None, outcome) -> dict:
    data = {
        "name": summary.name,
        "kind": summary.kind,
        "passed": summary.passed,
        "total": summary.total,
        "pass_rate": _rate(summary.passed, summary.total),
        "by_split": {
            split: {"passed": p, "total": t, "pass_rate": _rate(p, t)} for split, (p, t) in summary.by_split.items()
        },
    }
    if summary.kind in checks.MODEL_GRADED_KINDS:
        missing, seen = not_graded or (0, 0)
        data |= {"not_graded": missing, "parse_failure_rate": _rate(missing, seen)}
    if summary.kind == "judge" and outcome is not None:
        data |= {"model_calls": outcome.model_calls, "cache_hits": outcome.cache_hits, "error": outcome.error}
    if summary.kind == "learned" and outcome is not None:
        data |= {"labels": outcome.labels, "model_file": outcome.model_file, "refitted": outcome.refitted}
        data |= {"not_graded_reason": outcome.reason, "error": outcome.error}
    return data


def _cell(passed: int, total: int) -> str:
    return "—" if not total else f"{passed / total:.1%} ({passed:,}/{total:,})"


def _summary_table(
    run_name: str, summaries: list[CheckSummary], not_graded: dict[str, tuple[int, int]], failed: set[str]
) -> Table:
    """Pass rates per check and split; a judge that failed this time is marked (its cells: an earlier run's)."""
    splits = sorted({split for s in summaries for split in s.by_split})
    extra = ["not graded"] if not_graded else []
    table = Table("check", "kind", *splits, "all", *extra, title=f"Pass rate per check and split: {run_name}")
    for s in summaries:
        per_split = [_cell(*s.by_split.get(split, (0, 0))) for split in splits]
        judged = [_cell(*not_graded[s.name]) if s.name in not_graded else ""] if extra else []
        kind = f"{s.kind} (failed)" if s.name in failed else s.kind
        table.add_row(s.name, kind, *per_split, _cell(s.passed, s.total), *judged)
    return table


def register(app: typer.Typer) -> None:
    app.command("check")(check)
