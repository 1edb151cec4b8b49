"""`curator train`: a LoRA job from a dataset version, in a child process."""

from __future__ import annotations

import inspect
import time
from dataclasses import fields

import typer

from curator.cli.context import console, err_console, open_workspace
from curator.errors import CuratorError
from curator.training.defaults import METHOD_RATE_SCALE, learning_rate_for
from curator.training.job import LoraSettings, TrainerSettings, flag

_TYPES = {"int": int, "float": float, "bool": bool}
_GROUPS = (("lora_", LoraSettings), ("", TrainerSettings))  # LoRA parameters get a prefix: no clash by name


def _targets(value: str) -> str | list[str]:
    """`all-linear` or a comma-separated list of module names."""
    return value if value == "all-linear" else [v.strip() for v in value.split(",") if v.strip()]


def _option(name: str, annotation, default, *decls: str, help: str) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=typer.Option(default, *decls, help=help), annotation=annotation
    )


_SCALED = {m: scale for m, scale in METHOD_RATE_SCALE.items() if scale != 1}
_RATE_HELP = (
    f" Default: {TrainerSettings.learning_rate:g} for sft, {1 / max(_SCALED.values()):g}x lower for"
    f" {', '.join(_SCALED)} (as TRL's defaults relate)."
)


def _setting_options() -> list[inspect.Parameter]:
    """One option per LoraSettings/TrainerSettings field: its flag, type, default and help come from the field;
    the learning rate's default follows the method."""
    options = []
    for prefix, kind in _GROUPS:
        for f in fields(kind):
            by_method = f.name == "learning_rate"
            default, help = (None, f.metadata["help"] + _RATE_HELP) if by_method else (f.default, f.metadata["help"])
            options.append(_option(prefix + f.name, _TYPES.get(f.type, str), default, flag(f), help=help))
    return options


_JOB_OPTIONS = [
    _option("dataset", str, ..., "--dataset", "-d", help="Dataset version (NAME or NAME@N) or a frozen JSONL file."),
    _option("model", str, ..., "--model", "-m", help="Base model folder (local; safetensors)."),
    _option("run", str, None, "--run", help="Run whose dev items and checks drive early stopping (and GRPO's reward)."),
    _option("parent_adapter", str, None, "--parent-adapter", help="Continue training this LoRA adapter."),
    _option("rewards", str, None, "--rewards", help="GRPO: a checks TOML whose \\[rewards] table weights the checks."),
    _option(
        "reward_weight", list[str], None, "--reward-weight", help="GRPO: CHECK=WEIGHT (repeat; default: the mean)."
    ),
    _option("launcher", str, "python", "--launcher", help="python, or accelerate (several GPUs or processes)."),
]


def _settings(kind, prefix: str, options: dict):
    values = {f.name: options[prefix + f.name] for f in fields(kind)}
    if "target_modules" in values:
        values["target_modules"] = _targets(values["target_modules"])
    if kind is TrainerSettings and values["learning_rate"] is None:  # left out: the method's default
        values["learning_rate"] = learning_rate_for(values["method"], TrainerSettings.learning_rate)
    return kind(**values)


def _weights(pairs: list[str] | None) -> dict[str, float] | None:
    """`CHECK=WEIGHT` pairs as a dict; a clear error naming the bad pair."""
    if not pairs:
        return None
    weights = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        try:
            weights[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep or not name.strip():
            raise CuratorError(f"--reward-weight '{pair}': expected CHECK=WEIGHT, e.g. answer=0.5")
    return weights


def train(**options) -> None:
    """Train a LoRA adapter (SFT, DPO, KTO or GRPO) on a frozen dataset version in a child process, with early
    stopping on the checks."""
    from curator.jobs.training import TrainingRequest, create_job, get_job, record_event, start_job

    request = TrainingRequest(
        dataset=options["dataset"],
        base_model=options["model"],
        source_run=options["run"],
        parent_adapter=options["parent_adapter"],
        lora=_settings(LoraSettings, "lora_", options),
        trainer=_settings(TrainerSettings, "", options),
        rewards_file=options["rewards"],
        reward_weights=_weights(options["reward_weight"]),
    )
    launcher = options["launcher"]
    with open_workspace() as ws:
        job = create_job(ws, request, launcher)
        handle = start_job(ws, job.job_id, launcher)
    # The workspace stays free while the child runs (`curator jobs`, `runs` and the app can open it).
    err_console.print(
        f"job {job.job_id}: {request.trainer.method} training in a child process (log: {handle.child.log_file})"
    )
    final = handle.child.wait(_printer())
    with reopen_workspace() as ws:
        record_event(ws, handle.job_id, final)
        done = get_job(ws, handle.job_id)
    if done.status != "succeeded":
        raise CuratorError(f"training job {done.job_id} {done.status}: {done.error or 'stopped'}")
    console.print(f"job {done.job_id} succeeded: adapter {done.adapter_path}", highlight=False)


train.__signature__ = inspect.Signature(_JOB_OPTIONS + _setting_options())


def reopen_workspace(interval_s: float = 1.0):
    """The workspace again after a child ended, waiting (with one note) while another Curator process holds it."""
    from curator.cli.context import state
    from curator.errors import WorkspaceLockedError
    from curator.workspace import Workspace

    noted = False
    while True:
        try:
            return Workspace.open(state.workspace_path)
        except WorkspaceLockedError:
            if not noted:
                err_console.print("waiting for the workspace to record the result (close Curator elsewhere)…")
                noted = True
            time.sleep(interval_s)


def _printer():
    """Print steps (every 10th), evals and the end of the job to stderr."""

    def show(event: dict) -> None:
        kind = event.get("event")
        if kind == "step" and (event["step"] % 10 == 0 or event["step"] == event["total_steps"]):
            reward = f" reward {event['reward']:.3f}" if "reward" in event else ""
            err_console.print(
                f"step {event['step']}/{event['total_steps']} loss {event['loss']:.4f}{reward} "
                f"{event['tokens_per_s']:.0f} tok/s eta {event['eta_s']:.0f}s",
                highlight=False,
            )
        elif kind == "eval":
            err_console.print(
                f"eval at step {event['step']}: pass rate {event['pass_rate']:.1%}"
                + (" (best)" if event.get("best") else ""),
                highlight=False,
            )
        elif kind == "stopping":
            err_console.print(f"stopping: keeping the best adapter so far (step {event.get('best_step')})")
        elif kind == "stopped_early":
            err_console.print(f"stopped early at step {event['step']}; best step {event['best_step']}")

    return show


def register(app: typer.Typer) -> None:
    app.command("train")(train)
