"""`curator check RUN --spec checks.toml`: grade every item of a run and print pass rates per check and split."""

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
    if spec is not None and from_run is not None:
        raise CuratorError("give --spec or --from, not both")
    with open_workspace() as ws:
        target = resolve_run(ws, run)
        specs = _chosen_specs(ws, target.run_id, spec, from_run)
        with progress() as bar:
            task = bar.add_task("checking", total=None)

            def advance(label: str, done: int, total: int) -> None:
                bar.update(task, description=f"checking {label}", completed=done, total=total)

            summaries = checks.run_checks(ws, target.run_id, specs, progress=advance)
    if as_json:
        echo_json({"run": target.name, "items": target.item_count, "checks": [_summary_json(s) for s in summaries]})
        return
    console.print(_summary_table(target.name, summaries))


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


def _summary_json(summary: CheckSummary) -> dict:
    return {
        "name": summary.name,
        "kind": summary.kind,
        "passed": summary.passed,
        "total": summary.total,
        "pass_rate": _rate(summary.passed, summary.total),
        "by_split": {
            split: {"passed": p, "total": t, "pass_rate": _rate(p, t)} for split, (p, t) in summary.by_split.items()
        },
    }


def _cell(passed: int, total: int) -> str:
    return "—" if not total else f"{passed / total:.1%} ({passed:,}/{total:,})"


def _summary_table(run_name: str, summaries: list[CheckSummary]) -> Table:
    splits = sorted({split for s in summaries for split in s.by_split})
    table = Table("check", "kind", *splits, "all", title=f"Pass rate per check and split: {run_name}")
    for s in summaries:
        per_split = [_cell(*s.by_split.get(split, (0, 0))) for split in splits]
        table.add_row(s.name, s.kind, *per_split, _cell(s.passed, s.total))
    return table


def register(app: typer.Typer) -> None:
    app.command("check")(check)
