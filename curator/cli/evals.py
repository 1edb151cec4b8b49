"""`curator eval`: run a local model (+ LoRA adapter) over a run's inputs; store a new run linked to its parent."""

from __future__ import annotations

import inspect
from dataclasses import fields
from pathlib import Path

import typer

from curator.cli.context import console, open_workspace, progress
from curator.cli.train import given_settings, setting_options
from curator.inference.engine_settings import EngineSettings
from curator.training.job import flag


def eval_command(
    model: str = typer.Option(
        ..., "--model", "-m", help="Any local Hugging Face model folder (vLLM on a CUDA GPU, else transformers)."
    ),
    items: str = typer.Option(..., "--items", "-i", help="A run (name or id) whose inputs to use, or an eval file."),
    split_field: str = typer.Option(
        None, "--split-field", help="With an eval file: the field whose value (dev or held_out) is each item's split."
    ),
    adapter: str = typer.Option(None, "--adapter", "-a", help="LoRA adapter folder to apply on top of the model."),
    checks: Path = typer.Option(None, "--checks", "-c", help="Check spec (TOML); default: the parent run's checks."),
    name: str = typer.Option(None, "--name", help="Name of the new run (default: PARENT@MODEL)."),
    backend: str = typer.Option(
        "auto", "--backend", help="auto (vLLM on a CUDA GPU when installed), vllm, transformers."
    ),
    max_new_tokens: int = typer.Option(256, "--max-new-tokens", help="Tokens to generate per item."),
    temperature: float = typer.Option(0.0, "--temperature", help="0 = greedy decoding."),
    batch_size: int = typer.Option(16, "--batch-size", help="Items per generation batch (transformers)."),
    seed: int = typer.Option(0, "--seed", help="Sampling seed (when temperature > 0)."),
    cpu_threads: int = typer.Option(
        0, "--cpu-threads", help="Torch threads on the CPU; 0 = a fair share of the cores other Curator jobs leave."
    ),
    dtype: str = typer.Option(
        "auto",
        "--dtype",
        help="auto (bf16 where the CPU/GPU runs it natively, else fp32 on a CPU, fp16 on a GPU), bfloat16, float16, "
        "float32.",
    ),
    trust_remote_code: bool = typer.Option(False, "--trust-remote-code", help="Allow the model's own Python code."),
    **engine_options,
) -> None:
    """Generate outputs with a local model over a run's inputs, store them as a new run and apply the checks."""
    from curator.cli.train import reopen_workspace
    from curator.errors import CuratorError
    from curator.inference.backends import GenerationSettings
    from curator.inference.dtypes import DTYPES
    from curator.jobs.evals import EvalRequest, check_spec_file, finish_eval, start_eval

    engine = engine_settings(engine_options, backend)
    request = EvalRequest(
        model=model,
        items=items,
        split_field=split_field,
        adapter=adapter,
        checks=checks,
        name=name,
        backend=backend,
        trust_remote_code=trust_remote_code,
        cpu_threads=cpu_threads,
        dtype=dtype,
        engine=engine.options(),
        generation=GenerationSettings(
            max_new_tokens=max_new_tokens, temperature=temperature, batch_size=batch_size, seed=seed
        ),
    )
    if dtype not in DTYPES:
        raise CuratorError(f"--dtype: '{dtype}' is not one of {', '.join(DTYPES)}")
    check_spec_file(request)
    with open_workspace() as ws:
        handle = start_eval(ws, request)
    # The workspace stays free while the model generates; it is reopened to store the new run. Ctrl-C or closing
    # the terminal stops the child (`curator jobs --cancel ID` from elsewhere).
    with progress() as bar:
        task = bar.add_task(f"eval job {handle.job_id}: loading the model", total=None)

        def show(event: dict) -> None:
            if event.get("event") == "loaded":
                threads = f", {event['threads']} thread(s)" if event.get("threads") else ""
                description = f"generating ({event['backend']}, {event.get('dtype')}{threads})"
                bar.update(task, description=description, total=event["total"])
                bar.console.print(f"dtype {event.get('dtype')}: {event.get('dtype_reason')}", highlight=False)
            elif event.get("event") == "generated":
                bar.update(task, completed=event["done"])

        final = handle.child.wait(show)
    with reopen_workspace() as ws:
        run = finish_eval(ws, handle, final)
    console.print(
        f"Stored run '{run.name}' ({run.item_count:,} items, parent '{run.parent_name}'); "
        f"pass rate {run.pass_rate:.1%}."
        if run.pass_rate is not None
        else f"Stored run '{run.name}' ({run.item_count:,} items, parent '{run.parent_name}').",
        highlight=False,
    )


def engine_settings(options: dict, backend: str) -> EngineSettings:
    """The vLLM engine options given (each refused in one line with the transformers backend, or when vLLM would
    refuse its value); the defaults for those left out."""
    from curator.errors import CuratorError

    given = given_settings(EngineSettings, "", options)
    if given and backend == "transformers":
        first = next(f for f in fields(EngineSettings) if f.name in given)
        raise CuratorError(f"{flag(first)} is a vLLM option: use --backend vllm or auto")
    engine = EngineSettings(**given)
    problem = engine.problem()
    if problem:
        raise CuratorError(problem)
    return engine


_parameters = list(inspect.signature(eval_command).parameters.values())[:-1]  # all but **engine_options
eval_command.__signature__ = inspect.Signature(_parameters + setting_options((("", EngineSettings),)))


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_command)
