"""`curator revise`: failing outputs changed as little as fixes them, as SFT examples and preference pairs.

`curator revise RUN --model PATH` has a reviser model critique and revise each failing dev output;
`curator revise edit RUN ITEM_ID` stores the analyst's own fix; `list`, `accept` and `reject` review them.
"""

from __future__ import annotations

from pathlib import Path

import typer
from typer.core import TyperGroup

from curator.cli.context import console, echo_json, one_line, open_workspace, progress
from curator.cli.tables import Col, fitted_table
from curator.errors import CuratorError

DEFAULT_COMMAND = "run"


class _RunByDefault(TyperGroup):
    """`curator revise RUN ...` means `curator revise run RUN ...` unless RUN names a subcommand."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)


revise_app = typer.Typer(
    cls=_RunByDefault,
    no_args_is_help=True,
    help="Revisions of failing outputs: a reviser model's (RUN --model PATH) or your own (edit), then review them.",
)


@revise_app.command(DEFAULT_COMMAND)
def revise_run(
    run: str = typer.Argument(..., help="Run (name or id) whose failing dev outputs to revise."),
    model: str = typer.Option(..., "--model", "-m", help="Reviser: a local model folder, or the endpoint's model."),
    endpoint: str = typer.Option(None, "--endpoint", help="An OpenAI-compatible base URL to ask instead."),
    bucket: str = typer.Option(None, "--bucket", "-b", help="Revise only the failing items of this bucket."),
    failing: str = typer.Option(None, "--failing", "-f", help="Revise only the items failing this check."),
    principles: str = typer.Option(None, "--principles", help="What a good answer does (the reviser reads it)."),
    principles_file: Path = typer.Option(None, "--principles-file", help="A text file with the principles."),
    critique_template: Path = typer.Option(None, "--critique-template", help="Jinja file for the critique prompt."),
    revision_template: Path = typer.Option(None, "--revision-template", help="Jinja file for the revision prompt."),
    max_change: float = typer.Option(0.5, "--max-change", help="Keep revisions changing at most this share."),
    max_new_tokens: int = typer.Option(256, "--max-new-tokens", help="Tokens per critique and per revision."),
    temperature: float = typer.Option(0.0, "--temperature", help="0: greedy."),
    batch_size: int = typer.Option(16, "--batch-size", help="Prompts per generate call."),
    seed: int = typer.Option(0, "--seed", help="Sampling seed (with a temperature above 0)."),
    dtype: str = typer.Option("auto", "--dtype", help="auto (bf16 where supported), float32, bfloat16, float16."),
    backend: str = typer.Option("auto", "--backend", help="auto (vLLM on CUDA if installed), vllm, transformers."),
    cpu_threads: int = typer.Option(1, "--cpu-threads", help="Torch threads on the CPU; 0 = torch's default."),
    as_json: bool = typer.Option(False, "--json", help="Print what was stored as one JSON object."),
    trust_remote_code: bool = typer.Option(False, "--trust-remote-code", help="Allow the model's own Python code."),
) -> None:
    """Critique then revise each failing dev output with a reviser model; every check grades the revision; kept:
    those that pass and change at most --max-change of the original (1 - difflib ratio), proposed for review."""
    from curator.cli.train import reopen_workspace
    from curator.fix import revisions as revision_domain
    from curator.fix.revision_prompts import read_text_file
    from curator.jobs import revising

    if principles is not None and principles_file is not None:
        raise CuratorError("give --principles or --principles-file, not both")
    request = revising.ReviseRequest(
        run=run,
        model=model,
        endpoint=endpoint,
        bucket=bucket,
        failing=failing,
        principles=read_text_file(principles_file, "principles") if principles_file else principles,
        critique_template=read_text_file(critique_template, "template") if critique_template else None,
        revision_template=read_text_file(revision_template, "template") if revision_template else None,
        max_change=max_change,
        max_new_tokens=max_new_tokens,
        temperature=temperature,
        batch_size=batch_size,
        seed=seed,
        backend=backend,
        dtype=dtype,
        cpu_threads=cpu_threads,
        trust_remote_code=trust_remote_code,
    )
    revising.check_request(request)
    with open_workspace() as ws:
        handle = revising.plan_revising(ws, request)
    # The workspace stays free while the reviser writes; it is reopened to grade and store the revisions.
    with progress() as bar:
        task = bar.add_task("loading the reviser", total=None)

        def show(event: dict) -> None:
            step = event.get("step", "")
            if event.get("event") == "step":
                bar.update(task, description=f"{step}s: loading the model", total=event["total"], completed=0)
            elif event.get("event") == "loaded":
                bar.update(task, description=f"{step}s ({event.get('backend')})")
            elif event.get("event") == "generated":
                bar.update(task, completed=event.get("done", 0))

        def on_child(step: str, pid: int | None, progress_path: str) -> None:
            with reopen_workspace() as ws:  # briefly: the job row names this step's child for `curator jobs`
                revising.mark_step(ws, handle, pid, progress_path)

        try:
            revising.generate(handle, show, on_child=on_child)
        except BaseException as error:
            with reopen_workspace() as ws:
                revising.record_end(ws, handle, error)
            raise
    with reopen_workspace() as ws:
        report = revising.finish_revising(ws, handle)
        rows = revision_domain.list_revisions(ws, revise_set_id=report.revise_set_id)
    if as_json:
        payload = {"revise_set_id": report.revise_set_id, "job_id": handle.job_id, "counts": report.counts}
        echo_json(payload | {"skipped_held_out": handle.plan.skipped_held_out, "revisions": _json_rows(rows)})
        return
    counts = ", ".join(f"{n} {status}" for status, n in sorted(report.counts.items()))
    console.print(
        f"Revise set {report.revise_set_id}: {len(rows)} failing output(s) of run '{one_line(handle.plan.run_name)}' "
        f"revised ({counts}).",
        highlight=False,
    )
    if handle.plan.skipped_held_out:
        console.print(f"{handle.plan.skipped_held_out} held-out item(s) matched and were not revised.", highlight=False)
    _print_table(rows)
    if report.kept:
        console.print(f"Review with `curator revise list {one_line(run)} --status proposed`.", highlight=False)


@revise_app.command("edit")
def revise_edit(
    run: str = typer.Argument(..., help="Run name or id."),
    item: str = typer.Argument(..., help="Item id (as the app shows it) or number."),
    text: str = typer.Option(None, "--text", "-t", help="The fixed output."),
    file: Path = typer.Option(None, "--file", help="A UTF-8 file holding the fixed output (kept as it is)."),
    as_json: bool = typer.Option(False, "--json", help="Print the stored revision as one JSON object."),
) -> None:
    """Your own smallest fix of a failing output: graded by every check of the run; a passing edit is proposed
    as an SFT example and a preference pair (chosen: the edit, rejected: the original), a failing one is kept
    as a draft naming the check that still fails. Held-out items are refused."""
    from curator.fix import revisions as revision_domain
    from curator.fix.revision_prompts import read_text_file

    if (text is None) == (file is None):
        raise CuratorError("give the fixed output with --text or --file (one of them)")
    edited = read_text_file(file, "edit") if file is not None else text
    with open_workspace() as ws:
        row = revision_domain.propose_edit(ws, run, item, edited)
    if as_json:
        echo_json(_json_rows([row])[0])
        return
    if row.status == "draft":
        console.print(f"Draft {row.revision_id} kept for item '{one_line(row.item_id)}': {row.reason}", highlight=False)
    else:
        console.print(
            f"Revision {row.revision_id} of item '{one_line(row.item_id)}': {row.status}"
            + (f" ({row.reason})" if row.reason else f"; example {row.example_id} and a pair proposed")
            + f"; changed {row.change:.0%}.",
            highlight=False,
        )
    console.print("diff: " + one_line(_diff(row)), highlight=False)


@revise_app.command("list")
def revise_list(
    run: str = typer.Argument(..., help="Run name or id."),
    revise_set: int = typer.Option(None, "--set", help="Only the revisions of this revise set."),
    status: list[str] = typer.Option(None, "--status", "-s", help="Only these statuses (proposed, draft, ...)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per revision, with every text whole."),
) -> None:
    """The revisions of a run: who wrote them, status (or why dropped), how much changed, critique and diff."""
    from curator.fix import revisions as revision_domain

    with open_workspace(read_only=True) as ws:
        rows = revision_domain.list_revisions(
            ws, run, statuses=tuple(status) if status else None, revise_set_id=revise_set
        )
    if as_json:
        echo_json(_json_rows(rows))
        return
    if not rows:
        console.print("No revisions: `curator revise RUN --model PATH` or `curator revise edit` makes some.")
        return
    _print_table(rows)


def _review(status: str, ids: list[int] | None, run: str | None, revise_set: int | None) -> None:
    from curator.fix import revisions as revision_domain

    if bool(ids) == (run is not None):
        raise CuratorError("give revision ids, or --all RUN (not both)")
    with open_workspace() as ws:
        if ids:
            moved = revision_domain.set_review_status(ws, list(ids), status)
        else:
            moved = revision_domain.review_all(ws, run, status, revise_set)
    console.print(f"{status.capitalize()} {moved} revision(s) (their examples and pairs).", highlight=False)


@revise_app.command("accept")
def revise_accept(
    ids: list[int] = typer.Argument(None, help="Revision ids (see `curator revise list RUN`)."),
    run: str = typer.Option(None, "--all", help="Accept every proposed revision of this run."),
    revise_set: int = typer.Option(None, "--set", help="With --all: only those of this revise set."),
) -> None:
    """Accept kept revisions: their SFT examples and preference pairs become training data."""
    _review("accepted", ids, run, revise_set)


@revise_app.command("reject")
def revise_reject(
    ids: list[int] = typer.Argument(None, help="Revision ids (see `curator revise list RUN`)."),
    run: str = typer.Option(None, "--all", help="Reject every proposed revision of this run."),
    revise_set: int = typer.Option(None, "--set", help="With --all: only those of this revise set."),
) -> None:
    """Reject kept revisions: neither their examples nor their pairs are used."""
    _review("rejected", ids, run, revise_set)


def _diff(row) -> str:
    from curator.fix.revision_prompts import inline_diff

    return inline_diff(row.original, row.revised)


def _json_rows(rows) -> list[dict]:
    return [
        {
            "revision_id": r.revision_id,
            "item_id": r.item_id,
            "author": r.author,
            "model": r.model,
            "revise_set_id": r.revise_set_id,
            "bucket": r.bucket_name,
            "status": r.status,
            "reason": r.reason,
            "change": r.change,
            "original": r.original,
            "revised": r.revised,
            "critique": r.critique,
            "diff": _diff(r),
            "check_results": r.check_results,
            "example_id": r.example_id,
        }
        for r in rows
    ]


def _print_table(rows) -> None:
    cols = [
        Col("id", justify="right"),
        Col("item", wrap=True),
        Col("by", drop=3),
        Col("status", wrap=True),
        Col("change", justify="right", drop=2),
        Col("diff (why dropped) · critique", wrap=True, min_width=24),
    ]
    cells = []
    for r in rows:
        why = f" ({r.reason})" if r.reason else ""
        critique = f" · {r.critique}" if r.critique else ""
        detail = one_line(_diff(r), 200) + one_line(why, 160) + one_line(critique, 160)
        cells.append([str(r.revision_id), one_line(r.item_id), r.author, r.status, f"{r.change:.0%}", detail])
    console.print(fitted_table(cols, cells, console.width))


def register(app: typer.Typer) -> None:
    app.add_typer(revise_app, name="revise")
