"""`curator runs` and `curator show`: what is in the workspace."""

from __future__ import annotations

import typer
from rich.text import Text

from curator.cli.context import console, echo_json, literal, one_line, open_workspace
from curator.cli.tables import Col, fitted_table, model_label
from curator.review import runs as run_domain
from curator.storage.runs import RunRow


def _run_json(run: RunRow) -> dict:
    return {
        "id": run.run_id,
        "name": run.name,
        "model": run.model,
        "adapter": run.adapter,
        "source_path": run.source_path,
        "source_format": run.source_format,
        "parent": run.parent_name,
        "created_at": run.created_at.isoformat(timespec="seconds"),
        "items": run.item_count,
        "pass_rate": run.pass_rate,
    }


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1%}"


RUN_COLUMNS = [
    Col("id", justify="right"),
    Col("name", wrap=True, min_width=12),
    Col("model + adapter", wrap=True, drop=1),
    Col("items", justify="right"),
    Col("pass rate", justify="right"),
    Col("parent", wrap=True, drop=3, min_width=10),
    Col("created", drop=4),
    Col("format", drop=5),
]


def runs(as_json: bool = typer.Option(False, "--json", help="One JSON object per run, for scripts.")) -> None:
    """List the runs in the workspace: model and adapter by the end of their path (the folder, the job)."""
    with open_workspace() as ws:
        rows = run_domain.list_runs(ws)
    if as_json:
        echo_json([_run_json(r) for r in rows])
        return
    if not rows:
        console.print("No runs yet: `curator import FILE` adds one.")
        return
    cells = [
        [
            str(r.run_id),
            one_line(r.name),
            model_label(r.model, r.adapter),
            f"{r.item_count:,}",
            _percent(r.pass_rate),
            one_line(r.parent_name),
            r.created_at.strftime("%Y-%m-%d %H:%M"),
            one_line(r.source_format),
        ]
        for r in rows
    ]
    console.print(fitted_table(RUN_COLUMNS, cells, console.width))


def show(
    run: str = typer.Argument(..., help="Run name or id."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Show a run: its items per split, and the pass rate of each check and of every check, per split."""
    with open_workspace() as ws:
        summary = run_domain.summarise_run(ws, run)
    if as_json:
        echo_json(_summary_json(summary))
        return
    r = summary.run
    console.print(
        Text.assemble(
            (literal(r.name), "bold"),
            literal(f"  model={r.model or '—'} adapter={r.adapter or '—'} format={r.source_format or '—'}"),
        ),
        highlight=False,
        soft_wrap=True,
    )
    console.print(f"{r.item_count:,} items: " + ", ".join(f"{n:,} {s}" for s, n in summary.splits.items()))
    if not summary.checks:
        console.print("No checks yet: `curator check RUN --spec checks.toml`.")
        return
    console.print(_checks_table(summary))


def _checks_table(summary: run_domain.RunSummary):
    """One row per check, then "passes every check": passed/total and the rate overall and per split."""
    splits = [s for s in SPLIT_ORDER if s in summary.splits] + [s for s in summary.splits if s not in SPLIT_ORDER]
    cols = [Col("check", wrap=True), Col("kind", drop=2), Col("passed", justify="right")]
    cols += [Col("pass rate", justify="right")]
    cols += [Col(f"{SPLIT_NAMES.get(s, s)}", justify="right", drop=1) for s in splits]
    rows = [(one_line(c.name), one_line(c.kind), c.passed, c.total, c.by_split) for c in summary.checks]
    every = summary.every_check
    rows.append((Text("passes every check", style="bold"), "", every.passed, every.total, every.by_split))
    cells = [
        [name, kind, f"{passed:,}/{total:,}", _percent(passed / total if total else None)]
        + [_split_rate(by_split.get(s)) for s in splits]
        for name, kind, passed, total, by_split in rows
    ]
    return fitted_table(cols, cells, console.width)


SPLIT_ORDER = ("dev", "held_out")
SPLIT_NAMES = {"dev": "dev", "held_out": "held-out"}


def _split_rate(counts: tuple[int, int] | None) -> str:
    """`62.5% (5/8)`; `—` when no item of the split was graded."""
    if not counts or not counts[1]:
        return "—"
    passed, total = counts
    return f"{passed / total:.1%} ({passed:,}/{total:,})"


def _summary_json(summary: run_domain.RunSummary) -> dict:
    every = summary.every_check
    return _run_json(summary.run) | {
        "splits": summary.splits,
        "checks": [
            {
                "name": c.name,
                "kind": c.kind,
                "passed": c.passed,
                "total": c.total,
                "pass_rate": c.pass_rate,
                "by_split": {s: {"passed": p, "total": t} for s, (p, t) in c.by_split.items()},
            }
            for c in summary.checks
        ],
        "every_check": {
            "passed": every.passed,
            "total": every.total,
            "by_split": {s: {"passed": p, "total": t} for s, (p, t) in every.by_split.items()},
        },
    }


def delete(
    run: str = typer.Argument(..., help="Run name or id."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Delete a run with its items, check results and labels."""
    with open_workspace() as ws:
        target = run_domain.resolve_run(ws, run)
        if not yes and not typer.confirm(literal(f"Delete run '{target.name}' ({target.item_count:,} items)?")):
            raise typer.Exit(1)
        run_domain.delete_run(ws, target.run_id)
    console.print(f"Deleted run '{target.name}'.")


def register(app: typer.Typer) -> None:
    app.command("runs")(runs)
    app.command("show")(show)
    app.command("delete")(delete)
