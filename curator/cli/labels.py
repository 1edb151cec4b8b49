"""`curator label`, `curator labels` and `curator calibrate`: the analyst's verdicts and how good a check is."""

from __future__ import annotations

import typer

from curator.cli.context import console, echo_json, one_line, open_workspace
from curator.cli.tables import Col, fitted_table
from curator.errors import CuratorError
from curator.review import label_queues
from curator.review import labels as label_domain
from curator.review.calibration import CalibrationReport, calibrate
from curator.review.calibration_rows import report_rows
from curator.review.label_views import grader_uncertainty
from curator.review.runs import resolve_run
from curator.storage.labels import VerdictLabel

_VERDICT_WORDS = "pass, fail or clear"
_QUEUES = ("disagreements", "false_pass", "false_fail", "next")
_LABEL_COLUMNS = (
    Col("item", wrap=True),
    Col("check", wrap=True),
    Col("label"),
    Col("check said", short="said"),
    Col("part", drop=2),
    Col("note", wrap=True, drop=1),
    Col("labelled", drop=3),
)
_REPORT_COLUMNS = (Col("figure", wrap=True), Col("value", wrap=True))


def label(
    run: str = typer.Argument(..., help="Run name or id."),
    words: list[str] = typer.Argument(..., metavar="[ITEM_ID] CHECK VERDICT", help=f"VERDICT: {_VERDICT_WORDS}."),
    item_filter: str = typer.Option(
        None, "--filter", "-f", help=f"Label every item this filter matches ({label_domain.FILTER_TERMS})."
    ),
    note: str = typer.Option(None, "--note", "-n", help="Why, e.g. 'the check is wrong here'."),
) -> None:
    """Set, change or clear the analyst's verdict on an item (or on every item a filter matches) for a check."""
    wanted = 2 if item_filter is not None else 3
    if len(words) != wanted:
        shape = "CHECK VERDICT with --filter" if item_filter is not None else "ITEM_ID CHECK VERDICT"
        raise CuratorError(f"expected {shape} after the run, got {len(words)} word(s)")
    *item, check, verdict = words
    clearing = verdict.strip().lower() == "clear"
    passed = None if clearing else label_domain.parse_verdict(verdict)
    with open_workspace() as ws:
        target = resolve_run(ws, run)
        if item_filter is not None:
            chosen = label_domain.parse_filter(ws, target.run_id, item_filter)
            count = label_domain.label_filter(ws, chosen, check, passed, note)
            done = "cleared" if clearing else f"labelled {_verdict(passed)}"
            console.print(f"{done}: {count:,} item(s) of run '{target.name}' for check '{check}'", highlight=False)
            return
        if clearing:
            found = label_domain.clear_label(ws, target.run_id, item[0], check)
            said = "cleared" if found else "had no label"
            console.print(f"{item[0]} {said} for check '{check}' on run '{target.name}'", highlight=False)
            return
        stored = label_domain.set_label(ws, target.run_id, item[0], check, passed, note)
    console.print(
        f"{stored.item_id} labelled {_verdict(stored.passed)} for check '{check}' "
        f"({stored.part} part; the check said {_verdict(stored.check_passed)})",
        highlight=False,
    )


def labels(
    run: str = typer.Argument(..., help="Run name or id."),
    check: str = typer.Option(None, "--check", "-c", help="Only the labels of this check."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per label, for scripts."),
    queue: str = typer.Option(
        None,
        "--queue",
        "-q",
        help="With --check: disagreements, false_pass, false_fail, or next (unlabelled, least sure first).",
    ),
    limit: int = typer.Option(20, "--limit", min=1, help="How many items `--queue next` offers."),
) -> None:
    """List the analyst's verdict labels on a run beside what the check said, or a queue of items to label."""
    if queue is not None:
        _queue(run, check, queue, limit, as_json)
        return
    with open_workspace() as ws:
        target = resolve_run(ws, run)
        rows = label_domain.labels_of(ws, target.run_id, check)
    if as_json:
        echo_json([_label_json(r) for r in rows])
        return
    if not rows:
        console.print(f"No verdict labels on run '{target.name}' yet: `curator label RUN ITEM_ID CHECK pass|fail`.")
        return
    cells = [
        [one_line(r.item_id), one_line(r.check_name), _verdict(r.passed), _verdict(r.check_passed), r.part]
        + [one_line(r.note or ""), r.updated_at.strftime("%Y-%m-%d %H:%M")]
        for r in rows
    ]
    console.print(fitted_table(_LABEL_COLUMNS, cells, console.width, title=f"Labels: {one_line(target.name)}"))


def _queue(run: str, check: str | None, queue: str, limit: int, as_json: bool) -> None:
    """Print the disagreement queue or the label-next offer of one check."""
    if check is None:
        raise CuratorError("--queue needs --check CHECK")
    if queue not in _QUEUES:
        raise CuratorError(f"--queue is one of {', '.join(_QUEUES)}, not {queue!r}")
    with open_workspace() as ws:
        target = resolve_run(ws, run)
        if queue == "next":
            uncertainty = grader_uncertainty(ws, target.run_id, check)  # a judge's or learned grader's own doubt
            offered = label_queues.label_next(ws, target.run_id, check, limit, uncertainty)
            rows = [
                {"item_id": c.item_id, "check_said": _verdict(c.check_passed), "uncertainty": c.uncertainty}
                | {"why": c.reason}
                for c in offered
            ]
        else:
            kind = None if queue == "disagreements" else queue
            found = label_queues.disagreements(ws, target.run_id, check, kind)
            rows = [{"item_id": d.item_id, "kind": d.kind, "part": d.part, "note": d.note} for d in found]
    if as_json:
        echo_json(rows)
        return
    if not rows:
        console.print(f"Nothing in the {queue} queue of '{check}' on run '{target.name}'.")
        return
    cols = [Col(name, wrap=name in ("item_id", "note", "why")) for name in rows[0]]
    cells = [[_cell(value) for value in row.values()] for row in rows]
    console.print(fitted_table(cols, cells, console.width, title=one_line(f"{queue} of {check}: {target.name}")))


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return "" if value is None else one_line(str(value))


def calibrate_command(
    run: str = typer.Argument(..., help="Run name or id."),
    check: str = typer.Argument(..., help="The check to score against the locked test labels."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Score a check's current version on the run's locked test labels: errors, agreement, corrected pass rate."""
    with open_workspace() as ws:
        report = calibrate(ws, run, check)
    if as_json:
        echo_json(report.to_json())
        return
    console.print(_report_table(report, console.width))
    for line in report.problems:
        console.print(f"warning: {line}", highlight=False)


def _verdict(passed: bool | None) -> str:
    return "not graded" if passed is None else "pass" if passed else "fail"


def _label_json(row: VerdictLabel) -> dict:
    return {
        "item_id": row.item_id,
        "check": row.check_name,
        "label": _verdict(row.passed),
        "check_said": _verdict(row.check_passed),
        "part": row.part,
        "note": row.note,
        "created_at": row.created_at.isoformat(timespec="seconds"),
        "updated_at": row.updated_at.isoformat(timespec="seconds"),
    }


def _report_table(r: CalibrationReport, width: int):
    status = "uncalibrated" if r.uncalibrated else "calibrated"
    title = one_line(f"{r.check_name} ({r.check_kind}, version {r.check_version}, {status}) on run {r.run_name}")
    return fitted_table(_REPORT_COLUMNS, report_rows(r), width, title=title)


def register(app: typer.Typer) -> None:
    app.command("label")(label)
    app.command("labels")(labels)
    app.command("calibrate")(calibrate_command)
