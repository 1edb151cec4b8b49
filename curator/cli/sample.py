"""`curator sample`: k sampled outputs per input of a run, graded by its checks and stored as rollouts."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from curator.app.widgets.literal import one_line
from curator.cli.context import console, open_workspace, progress

ROWS_SHOWN = 40


def sample_command(
    run: str = typer.Argument(..., help="Run (name or id) whose dev inputs to sample."),
    model: str = typer.Option(..., "--model", "-m", help="Local model folder (nothing is downloaded)."),
    adapter: str = typer.Option(None, "--adapter", "-a", help="LoRA adapter folder to apply on top of the model."),
    bucket: str = typer.Option(None, "--bucket", "-b", help="Sample only the items of this bucket."),
    failing: str = typer.Option(None, "--failing", "-f", help="Sample only the items failing this check."),
    k: int = typer.Option(8, "--k", "-k", help="Samples per input."),
    temperature: float = typer.Option(0.8, "--temperature", help="Sampling temperature (above 0)."),
    top_p: float = typer.Option(0.95, "--top-p", help="Nucleus sampling: keep the smallest token set of this mass."),
    max_new_tokens: int = typer.Option(128, "--max-new-tokens", help="Tokens to generate per sample."),
    batch_size: int = typer.Option(32, "--batch-size", help="Sequences per generate call (inputs × k)."),
    seed: int = typer.Option(0, "--seed", help="Sampling seed."),
    dtype: str = typer.Option("auto", "--dtype", help="auto (bf16 where supported), float32, bfloat16, float16."),
    backend: str = typer.Option("auto", "--backend", help="auto (vLLM on CUDA if installed), vllm, transformers."),
    rewards: Path = typer.Option(None, "--rewards", help="Checks TOML whose rewards table weights the checks."),
    propose: bool = typer.Option(False, "--propose", help="Propose each input's best passing sample as an example."),
    pairs: int = typer.Option(0, "--pairs", help="Make up to this many preference pairs per input (0: none)."),
    require: list[str] = typer.Option(
        None, "--require", help="With --propose/--pairs: a sample passes when it passes these checks (default: all)."
    ),
    cpu_threads: int = typer.Option(1, "--cpu-threads", help="Torch threads on the CPU; 0 = torch's default."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as one JSON object."),
    trust_remote_code: bool = typer.Option(False, "--trust-remote-code", help="Allow the model's own Python code."),
) -> None:
    """Sample k outputs per input, grade each with the run's checks, store them as rollouts and summarise."""
    from curator.cli.train import reopen_workspace
    from curator.fix import rollouts as rollout_domain
    from curator.jobs.sampling import SampleRequest, check_request, finish_sampling, start_sampling

    request = SampleRequest(
        run=run,
        model=model,
        adapter=adapter,
        bucket=bucket,
        failing=failing,
        k=k,
        temperature=temperature,
        top_p=top_p,
        max_new_tokens=max_new_tokens,
        batch_size=batch_size,
        seed=seed,
        backend=backend,
        dtype=dtype,
        cpu_threads=cpu_threads,
        rewards=rewards,
        trust_remote_code=trust_remote_code,
    )
    check_request(request)
    with open_workspace() as ws:
        rollout_domain.check_required(ws, run, require)
        handle = start_sampling(ws, request)
    # The workspace stays free while the model samples; it is reopened to grade and store the rollouts.
    with progress() as bar:
        task = bar.add_task("loading the model", total=None)

        def show(event: dict) -> None:
            if event.get("event") == "loaded":
                bar.update(task, description=f"sampling ({event['backend']}, k={k})", total=event["total"])
            elif event.get("event") == "generated":
                bar.update(task, completed=event["done"])

        final = handle.child.wait(show)
    with reopen_workspace() as ws:
        sample_set = finish_sampling(ws, handle, final)
        summaries = rollout_domain.summaries(ws, sample_set.sample_set_id)
        set_id, required = sample_set.sample_set_id, list(require or []) or None
        report = rollout_domain.propose_best(ws, set_id, require=required) if propose else None
        made = rollout_domain.make_pairs(ws, set_id, pairs, require=required) if pairs else 0
    if as_json:
        _print_json(sample_set, summaries, report, made, handle.plan.skipped_held_out)
        return
    _print_summary(sample_set, summaries, handle.plan.skipped_held_out)
    if report is not None:
        counts = ", ".join(f"{n} {status}" for status, n in sorted(report.counts.items())) or "none"
        console.print(
            f"Rejection sampling: batch {report.batch_id} ({counts}); {report.without_pass} input(s) had no passing "
            f"sample. Review with `curator examples list --batch {report.batch_id}`.",
            highlight=False,
        )
    if pairs:
        console.print(f"Stored {made} new preference pair(s) (at most {pairs} per input).", highlight=False)


def _print_summary(sample_set, summaries, skipped_held_out: int) -> None:
    rollouts = sum(s.samples for s in summaries)
    mixed = sum(1 for s in summaries if s.signal == "mixed")
    console.print(
        f"Sample set {sample_set.sample_set_id}: {rollouts:,} rollouts of {len(summaries):,} inputs of run "
        f"'{one_line(sample_set.run_name)}' ({sample_set.settings.get('backend')}, "
        f"{sample_set.settings.get('sample_s')} s); {mixed} input(s) with signal (some pass, some fail).",
        highlight=False,
    )
    if skipped_held_out:
        console.print(f"{skipped_held_out} held-out item(s) matched and were not sampled.", highlight=False)
    table = Table("item", "passed", "mean reward", "best", "signal", "input")
    for s in summaries[:ROWS_SHOWN]:
        signal = s.signal if s.signal == "mixed" else f"{s.signal}: no signal"
        table.add_row(
            one_line(s.item_id, 24),
            f"{s.passed}/{s.samples}",
            f"{s.mean_reward:.2f}",
            f"{s.best_reward:.2f}",
            signal,
            one_line(s.input, 60),
        )
    console.print(table)
    if len(summaries) > ROWS_SHOWN:
        console.print(f"… {len(summaries) - ROWS_SHOWN:,} more inputs (--json lists them all).", highlight=False)


def _print_json(sample_set, summaries, report, made: int, skipped_held_out: int) -> None:
    payload = {
        "sample_set_id": sample_set.sample_set_id,
        "run": sample_set.run_name,
        "rollouts": sample_set.rollout_count,
        "settings": sample_set.settings,
        "skipped_held_out": skipped_held_out,
        "inputs": [
            {
                "item_id": s.item_id,
                "passed": s.passed,
                "samples": s.samples,
                "mean_reward": s.mean_reward,
                "signal": s.signal,
            }
            for s in summaries
        ],
        "proposed": None if report is None else {"batch_id": report.batch_id, "counts": report.counts},
        "pairs": made,
    }
    typer.echo(json.dumps(payload, ensure_ascii=False))


def register(app: typer.Typer) -> None:
    app.command("sample")(sample_command)
