"""`curator sweep`: several small retrains of one recipe compared side by side, with seeds.

`curator sweep RECIPE --base-run RUN --rows fixes=10,20,40 --seeds 2` (or `--plan sweep.toml`) plans, stores and
runs the queue; `curator sweep show NAME [--json]`, `cancel NAME`, `resume NAME` and `list` follow it."""

from __future__ import annotations

from pathlib import Path

import typer

from curator.cli.context import console, echo_json, err_console, literal, one_line, open_workspace
from curator.cli.tables import Col, fitted_table
from curator.errors import CuratorError

VERBS = ("show", "cancel", "resume", "list")


def sweep(
    words: list[str] = typer.Argument(
        ..., help="RECIPE to start a sweep, or: show NAME, cancel NAME, resume NAME, list."
    ),
    base_run: str = typer.Option(None, "--base-run", "-r", help="Run whose items every variant is re-evaluated on."),
    rows: list[str] = typer.Option(None, "--rows", help="SOURCE=N1,N2,...: rows taken from a source (repeatable)."),
    shares: str = typer.Option(None, "--shares", help="SOURCE=P1,P2,...: the source's share in percent."),
    method: str = typer.Option(None, "--method", help="Methods to compare, e.g. sft,dpo."),
    setting: str = typer.Option(None, "--setting", help="NAME=V1,V2,...: one training setting, e.g. lora_r=4,16."),
    seeds: int = typer.Option(2, "--seeds", help="Seeds per variant (2 or more)."),
    train: list[str] = typer.Option(None, "--train", help="NAME=VALUE: a setting every variant shares (repeatable)."),
    plan_file: Path = typer.Option(
        None, "--plan", help="A TOML plan (\\[rows], \\[shares], \\[\\[mix]], \\[setting], \\[train], seeds)."
    ),
    name: str = typer.Option(None, "--name", help="The sweep's name (default: RECIPE-sweep)."),
    model: str = typer.Option(None, "--model", "-m", help="Base model folder (default: the base run's model)."),
    as_json: bool = typer.Option(False, "--json", help="show: every figure as JSON."),
) -> None:
    """Sweep a recipe's data (rows per source, shares of the mix), its method or one setting, with seeds: each
    variant a frozen version, a LoRA job per seed and a re-eval of the base run; then the figures side by side."""
    verb, rest = (words[0], words[1:]) if words[0] in VERBS else ("start", words)
    if verb == "list":
        return _list()
    if len(rest) != 1:
        raise CuratorError(f"`curator sweep {verb}` takes one name (got {len(rest)})")
    if verb == "show":
        return show(rest[0], as_json)
    if verb == "cancel":
        return cancel(rest[0])
    if verb == "resume":
        return _run(rest[0])
    options = dict(base_run=base_run, rows=rows, shares=shares, method=method, setting=setting, seeds=seeds)
    return start(rest[0], plan_file, name, model, train or [], options)


def start(recipe: str, plan_file: Path | None, name: str | None, model: str | None, train: list[str], options) -> None:
    from curator.sweeps import plan as plans
    from curator.sweeps.queue import SweepRequest, create_sweep
    from curator.sweeps.settings import parse_fixed

    top, plan = plans.load_plan(plan_file) if plan_file else ({}, plans.SweepPlan())
    if plan_file and any(options[k] for k in ("rows", "shares", "method", "setting")):
        raise CuratorError("give the axes in --plan or as options (--rows, --shares, --method, --setting), not both")
    if top.get("recipe", recipe) != recipe:
        raise CuratorError(f"{plan_file} is a plan for recipe '{top['recipe']}', not '{recipe}'")
    if not plan_file:
        plan.rows, plan.shares = (
            plans.parse_rows(options["rows"] or []),
            plans.parse_shares([options["shares"]] if options["shares"] else []),
        )
        plan.methods = plans.parse_methods(options["method"])
        plan.setting = plans.parse_setting(options["setting"]) if options["setting"] else None
        plan.seeds = plans.seed_list(options["seeds"])
    if plan.rows and plan.shares:
        raise CuratorError("--rows and --shares both change the mix: sweep one of them (or write mixes in --plan)")
    plan.training |= parse_fixed(train)
    base_run = options["base_run"] or top.get("base_run")
    if not base_run:
        raise CuratorError("name the run every variant is re-evaluated on: --base-run RUN")
    request = SweepRequest(recipe, base_run, plan, name or top.get("name"), model or top.get("model"))
    with open_workspace() as ws:
        created = create_sweep(ws, request)
    err_console.print(literal(f"sweep '{created.name}' stored; running its queue (cancel: curator sweep cancel NAME)"))
    _run(created.name)


def _run(name: str) -> None:
    from curator.sweeps.queue import run_sweep

    with open_workspace() as ws:
        ended = run_sweep(ws, name, on_event=_printer())
        err_console.print(literal(f"sweep '{name}' {ended.status}" + (f": {ended.error}" if ended.error else "")))
    show(name, as_json=False)


def _printer():
    def show_event(stage: str, event: dict) -> None:
        kind = event.get("event")
        if stage == "build":
            err_console.print(literal(f"variant {event['variant']}: built {event['dataset']}"), highlight=False)
        elif stage == "train" and kind == "started":
            err_console.print(f"job {event['job_id']}: training", highlight=False)
        elif stage == "eval" and kind == "loaded":
            err_console.print(f"job {event['job_id']}: re-evaluating the base run's items", highlight=False)
        elif stage == "trial":
            line = f"variant {event['variant']} seed {event['seed']}: job {event['job_id']} -> run {event['run']}"
            err_console.print(literal(line), highlight=False)
        elif stage == "failed":
            err_console.print(literal(f"variant {event['variant']} seed {event['seed']} failed: {event['error']}"))

    return show_event


def cancel(name: str) -> None:
    from curator.sweeps.queue import cancel_sweep, runner_alive

    with open_workspace() as ws:
        sweep = cancel_sweep(ws, name)
    if runner_alive(sweep):
        console.print(
            literal(f"sweep '{name}': process {sweep.runner_pid} stops its job and ends; finished trials stay")
        )
    else:
        console.print(literal(f"sweep '{name}' cancelled; finished trials stay (`curator sweep resume {name}`)"))


def _list() -> None:
    from curator.sweeps.queue import list_sweeps

    with open_workspace() as ws:
        sweeps = list_sweeps(ws)
    cols = [Col("sweep", wrap=True), Col("recipe", wrap=True), Col("kind"), Col("status"), Col("created", drop=1)]
    cells = [
        [one_line(s.name), one_line(s.recipe_name), s.plan.get("kind", ""), s.status, f"{s.created_at:%Y-%m-%d %H:%M}"]
        for s in sweeps
    ]
    console.print(fitted_table(cols, cells, console.width) if cells else "no sweeps yet")


def show(name: str, as_json: bool) -> None:
    from curator.sweeps.report import sweep_report

    with open_workspace() as ws:
        report = sweep_report(ws, name)
    if as_json:
        return echo_json(report.as_dict())
    print_report(report)


def _verdicts(check) -> str:
    """How the seeds' paired verdicts went: `improved 2/2`, `regressed 1/2`, or `no change`."""
    counts = {}
    for seed in check.seeds:
        counts[seed.verdict] = counts.get(seed.verdict, 0) + 1
    shown = [f"{v} {n}/{len(check.seeds)}" for v, n in counts.items() if v != "no significant change"]
    return ", ".join(shown) or ("no change" if check.seeds else "")


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def check_table(report, name: str):
    """One check on held-out: base, then each variant's pooled rate, Wilson 95%, spread over seeds, Δ, verdicts."""
    from curator.compare.comparison import format_delta
    from curator.sweeps.figures import wilson

    cols = [Col("variant", wrap=True), Col("rows", justify="right"), Col("pass", justify="right")]
    cols += [Col("95% CI", drop=2), Col("seeds", drop=3), Col("Δ pts", justify="right", drop=1)]
    cols += [Col("vs base (McNemar, Holm)", wrap=True, min_width=10, short="verdict"), Col("front", drop=4)]
    passed, total = report.base_checks.get(name, (0, 0))
    ci = wilson(passed, total)
    cells = [["base", "", _pct(passed / total if total else None), f"{ci[0]:.0%}-{ci[1]:.0%}" if ci else "", "", ""]]
    cells[0] += ["", ""]
    for variant in report.variants:
        check = variant.checks.get(name)
        if check is None:
            continue
        ci, spread = wilson(check.passed, check.total), check.spread
        cells.append([
            one_line(variant.label), str(variant.rows), _pct(check.mean), f"{ci[0]:.0%}-{ci[1]:.0%}" if ci else "",
            f"{spread[0]:.0%}-{spread[1]:.0%}" if spread else "", format_delta(check.delta), _verdicts(check),
            "*" if variant.on_front else "",
        ])  # fmt: skip
    return fitted_table(cols, cells, console.width, title=f"{one_line(name)}: held-out pass rate")


def bucket_table(report, split: str):
    """Per bucket the item pass rate (every check) of each variant, pooled over seeds."""
    names = list(report.base_buckets)
    cols = [Col("bucket", wrap=True), Col("base", justify="right")]
    cols += [Col(one_line(v.label), justify="right", wrap=True, min_width=6) for v in report.variants]
    cells = []
    for bucket in names:
        passed, total = report.base_buckets[bucket].get(split, (0, 0))
        if not total:
            continue
        row = [one_line(bucket), _pct(passed / total)]
        for variant in report.variants:
            rates = report.buckets.get(variant.position, {}).get(bucket, {}).get(split, [])
            p, t = sum(r[0] for r in rates), sum(r[1] for r in rates)
            row.append(_pct(p / t if t else None))
        cells.append(row)
    label = "held-out" if split == "held_out" else "dev (seen by training)"
    return fitted_table(cols, cells, console.width, title=f"buckets, {label}: item pass rate") if cells else None


def print_report(report) -> None:
    from curator.sweeps.chart import curve_lines, moves

    sweep = report.sweep
    console.print(
        literal(f"sweep {sweep.name}: recipe {sweep.recipe_name}, base run {report.base_run}, {sweep.plan.get('kind')} "
                f"sweep, seeds {', '.join(map(str, report.seeds))}; {sweep.status}")
    )  # fmt: skip
    done = sum(t.status == "done" for t in report.trials)
    console.print(f"{done} of {len(report.trials)} trials done", highlight=False)
    for name in report.check_names:
        console.print(check_table(report, name))
    for split in ("held_out", "dev"):
        table = bucket_table(report, split)
        if table is not None:
            console.print(table)
    for name, points in (report.curve or {}).items():
        passed, total = report.base_checks.get(name, (0, 0))
        base = passed / total if total else None
        for line in curve_lines(name, points, base) if moves(points, base) else []:
            console.print(literal(line), highlight=False)
    front = [v.label for v in report.variants if v.on_front]
    console.print(literal("Pareto front across checks (*): " + (", ".join(front) or "none yet")), highlight=False)
    console.print(literal("recommendation: " + report.recommendation), highlight=False)


def register(app: typer.Typer) -> None:
    app.command("sweep")(sweep)
