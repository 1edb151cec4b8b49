"""`curator sample`: k sampled outputs per input of a run, graded by its checks and stored as rollouts."""

from __future__ import annotations

from pathlib import Path

import typer

from curator.app.widgets.literal import one_line
from curator.cli.context import console, echo_json, open_workspace, progress
from curator.cli.tables import Col, fitted_table, model_label
from curator.errors import CuratorError

ROWS_SHOWN = 40
DTYPE_HELP = (
    "auto (bf16 where the CPU has native bf16 units (AVX512_BF16/AMX) or the GPU supports it, else fp32 on a CPU, "
    "fp16 on a GPU), float32, bfloat16, float16."
)


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
    dtype: str = typer.Option("auto", "--dtype", help=DTYPE_HELP),
    backend: str = typer.Option("auto", "--backend", help="auto (vLLM on CUDA if installed), vllm, transformers."),
    rewards: Path = typer.Option(None, "--rewards", help="Checks TOML whose rewards table weights the checks."),
    propose: bool = typer.Option(False, "--propose", help="Propose each input's best passing sample as an example."),
    pairs: int = typer.Option(0, "--pairs", help="Make up to this many preference pairs per input (0: none)."),
    require: list[str] = typer.Option(
        None, "--require", help="With --propose/--pairs: a sample passes when it passes these checks (default: all)."
    ),
    cpu_threads: int = typer.Option(
        0, "--cpu-threads", help="Torch threads on the CPU; 0 = a fair share of the cores other Curator jobs leave."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as one JSON object."),
    trust_remote_code: bool = typer.Option(False, "--trust-remote-code", help="Allow the model's own Python code."),
) -> None:
    """Sample k outputs per input, grade each with the run's checks, store them as rollouts and summarise."""
    from curator.cli.train import reopen_workspace
    from curator.fix import rollouts as rollout_domain
    from curator.fix.rollout_choice import FollowUp
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
    wanted = FollowUp(propose=propose, pairs=pairs, require=list(require or []) or None)
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
    # The set, its proposals and its pairs land in one transaction: a kill between them leaves none of them.
    with reopen_workspace() as ws:
        sample_set, made = rollout_domain.store_with_follow_up(ws, lambda: finish_sampling(ws, handle, final), wanted)
        summaries = rollout_domain.summaries(ws, sample_set.sample_set_id)
    if as_json:
        _print_json(sample_set, summaries, made, handle.plan.skipped_held_out)
        return
    _print_summary(sample_set, summaries, handle.plan.skipped_held_out)
    print_follow_up(made, wanted)


def print_follow_up(made, wanted) -> None:
    """What was proposed and paired, with the command that reviews the proposals."""
    report = made.proposals
    if report is not None and report.batch_id is None:
        console.print(f"Rejection sampling: no input had a passing sample ({report.without_pass}).", highlight=False)
    elif report is not None:
        counts = ", ".join(f"{n} {status}" for status, n in sorted(report.counts.items())) or "none"
        console.print(
            f"Rejection sampling: batch {report.batch_id} ({counts}); {report.without_pass} input(s) had no passing "
            f"sample. Review with `curator examples list --batch {report.batch_id}`.",
            highlight=False,
        )
    if wanted.pairs:
        console.print(
            f"Stored {made.pairs} new preference pair(s) (at most {wanted.pairs} per input).", highlight=False
        )


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
    cols = [
        Col("item", wrap=True),
        Col("passed", justify="right"),
        Col("mean reward", justify="right", drop=2),
        Col("best", justify="right", drop=3),
        Col("signal", wrap=True, min_width=10),
        Col("input", wrap=True, drop=1, min_width=20),
    ]
    cells = [
        [
            one_line(s.item_id),
            f"{s.passed}/{s.samples}",
            f"{s.mean_reward:.2f}",
            f"{s.best_reward:.2f}",
            s.signal if s.signal == "mixed" else f"{s.signal}: no signal",
            one_line(s.input, 60),
        ]
        for s in summaries[:ROWS_SHOWN]
    ]
    console.print(fitted_table(cols, cells, console.width))
    if len(summaries) > ROWS_SHOWN:
        console.print(f"… {len(summaries) - ROWS_SHOWN:,} more inputs (--json lists them all).", highlight=False)


def _print_json(sample_set, summaries, made, skipped_held_out: int) -> None:
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
        **follow_up_json(made),
    }
    echo_json(payload)


def follow_up_json(made) -> dict:
    report = made.proposals
    proposed = None if report is None else {"batch_id": report.batch_id, "counts": report.counts}
    return {"proposed": proposed, "pairs": made.pairs}


rollouts_app = typer.Typer(help="Stored sample sets: list them; propose and pair any of them.", no_args_is_help=True)


@rollouts_app.command("list")
def list_sets(
    run: str = typer.Argument(None, help="Only the sample sets of this run (name or id)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per sample set."),
) -> None:
    """The stored sample sets, with how many examples were proposed and pairs made from each."""
    from curator.fix import rollouts as rollout_domain

    with open_workspace() as ws:
        sets, made = rollout_domain.list_sets_with_uses(ws, run)
    rows = [
        {
            "sample_set_id": s.sample_set_id,
            "run": s.run_name,
            "model": s.model,
            "adapter": s.adapter,
            "rollouts": s.rollout_count,
            "proposed": made.get(s.sample_set_id, (0, 0))[0],
            "pairs": made.get(s.sample_set_id, (0, 0))[1],
            "created_at": s.created_at.isoformat(timespec="seconds"),
        }
        for s in sets
    ]
    if as_json:
        echo_json(rows)
        return
    if not rows:
        console.print("No sample sets yet: `curator sample RUN --model PATH` makes one.", highlight=False)
        return
    cols = [
        Col("set"),
        Col("run", wrap=True),
        Col("model + adapter", wrap=True, drop=1),
        Col("rollouts", justify="right"),
        Col("proposed", justify="right"),
        Col("pairs", justify="right"),
        Col("created", drop=2),
    ]
    cells = [
        [
            str(row["sample_set_id"]),
            one_line(row["run"]),
            model_label(s.model, s.adapter),
            f"{row['rollouts']:,}",
            f"{row['proposed']:,}",
            f"{row['pairs']:,}",
            s.created_at.strftime("%Y-%m-%d %H:%M"),
        ]
        for row, s in zip(rows, sets, strict=True)
    ]
    console.print(fitted_table(cols, cells, console.width))


@rollouts_app.command("propose")
def propose_set(
    sample_set: int = typer.Argument(..., help="Sample set id (see `curator rollouts list`)."),
    best: bool = typer.Option(True, "--best/--no-best", help="Propose each input's best passing sample."),
    pairs: int = typer.Option(0, "--pairs", help="Also make up to this many preference pairs per input."),
    require: list[str] = typer.Option(None, "--require", help="A sample passes when it passes these checks."),
    as_json: bool = typer.Option(False, "--json", help="Print what was stored as one JSON object."),
) -> None:
    """Propose and pair a stored sample set (one sampled without --propose/--pairs, or from the app), in one
    transaction; proposing again marks the same samples as duplicates, and pairs already stored are skipped."""
    from curator.fix import rollouts as rollout_domain
    from curator.fix.rollout_choice import FollowUp

    wanted = FollowUp(propose=best, pairs=pairs, require=list(require or []) or None)
    if not wanted:
        raise CuratorError("nothing to do: keep --best or give --pairs N")
    with open_workspace() as ws:
        made = rollout_domain.follow_up(ws, sample_set, wanted)
    if as_json:
        echo_json({"sample_set_id": sample_set, **follow_up_json(made)})
        return
    print_follow_up(made, wanted)


def register(app: typer.Typer) -> None:
    app.command("sample")(sample_command)
    app.add_typer(rollouts_app, name="rollouts")
