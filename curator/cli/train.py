"""`curator train`: a LoRA job from a dataset version, in a child process."""

from __future__ import annotations

import inspect
import time
from dataclasses import fields, replace

import typer

from curator.app.widgets.literal import literal
from curator.cli.context import console, err_console, open_workspace
from curator.errors import CuratorError
from curator.inference.engine_settings import EngineSettings
from curator.training.job import LoraSettings, TrainerSettings, flag

_TYPES = {"int": int, "float": float, "bool": bool}
# LoRA parameters get a prefix: no clash by name
_GROUPS = (("lora_", LoraSettings), ("", TrainerSettings), ("", EngineSettings))


def _targets(value: str) -> str | list[str]:
    """`all-linear` or a comma-separated list of module names."""
    return value if value == "all-linear" else [v.strip() for v in value.split(",") if v.strip()]


def _option(name: str, annotation, default, *decls: str, help: str) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=typer.Option(default, *decls, help=help), annotation=annotation
    )


def setting_options(groups=_GROUPS) -> list[inspect.Parameter]:
    """One option per field of the settings dataclasses: its flag, type and help come from the field; left out, a
    setting takes the default the retrain form shows for the same model, device, method and run (one function)."""
    options = []
    for prefix, kind in groups:
        for f in fields(kind):
            annotation = _TYPES.get(f.type, str)
            default = "sft" if f.name == "method" else None
            decl = f"{flag(f)}/--no-{flag(f)[2:]}" if annotation is bool else flag(f)
            options.append(_option(prefix + f.name, annotation, default, decl, help=f.metadata["help"]))
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


def given_settings(kind, prefix: str, options: dict) -> dict:
    """The settings of `kind` given on the command line (left-out ones are None)."""
    values = {f.name: options[prefix + f.name] for f in fields(kind) if options[prefix + f.name] is not None}
    if "target_modules" in values:
        values["target_modules"] = _targets(values["target_modules"])
    return values


def settings_for(ws, options: dict) -> tuple[LoraSettings, TrainerSettings]:
    """The defaults of the model, device and method (the retrain form's), with the options given on top."""
    from curator.jobs.training import default_settings

    # a device given on the command line picks its own defaults (a CPU job on a GPU machine gets the CPU's)
    device = options.get("device") if options.get("device") in ("cpu", "cuda") else "auto"
    lora, trainer = default_settings(ws, options["model"], method=options["method"] or "sft", device=device)
    return replace(lora, **given_settings(LoraSettings, "lora_", options)), replace(
        trainer, **given_settings(TrainerSettings, "", options)
    )


def engine_for(ws, options: dict) -> EngineSettings:
    """vLLM's engine options for the job: the run's (as the retrain form shows them), the options given on top."""
    from curator.jobs.run_settings import default_engine

    return replace(default_engine(ws, options["run"]), **given_settings(EngineSettings, "", options))


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
    stopping on the checks. Settings left out take the defaults the retrain form shows for the same model (by its
    size and the device) and method; vLLM's options, the run's, are kept with the job for its re-eval (and GRPO's
    --use-vllm)."""
    from curator.jobs.training import TrainingRequest, create_job, get_job, record_event, start_job

    launcher = options["launcher"]
    with open_workspace() as ws:
        lora, trainer = settings_for(ws, options)
        request = TrainingRequest(
            dataset=options["dataset"],
            base_model=options["model"],
            source_run=options["run"],
            parent_adapter=options["parent_adapter"],
            lora=lora,
            trainer=trainer,
            rewards_file=options["rewards"],
            reward_weights=_weights(options["reward_weight"]),
            engine=engine_for(ws, options),
        )
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
        adapter = done.adapter_path or ""
    if done.status != "succeeded":
        raise CuratorError(f"training job {done.job_id} {done.status}: {done.error or 'stopped'}")
    console.print(f"job {done.job_id} succeeded: adapter {literal(adapter)}", highlight=False)


train.__signature__ = inspect.Signature(_JOB_OPTIONS + setting_options())


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
            checks = ", ".join(
                f"{literal(name)} {rate:.0%}"
                for name, rate in (event.get("per_check") or {}).items()
                if rate is not None
            )
            err_console.print(
                f"eval at step {event['step']}: {event['pass_rate']:.1%} of dev items pass every check"
                + (" (best)" if event.get("best") else "")
                + (f"; per check: {checks}" if checks else ""),
                highlight=False,
            )
        elif kind == "stopping":
            err_console.print(f"stopping: keeping the best adapter so far (step {event.get('best_step')})")
        elif kind == "stopped_early":
            err_console.print(f"stopped early at step {event['step']}; best step {event['best_step']}")

    return show


def register(app: typer.Typer) -> None:
    app.command("train")(train)
