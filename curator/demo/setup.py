"""`curator demo` setup: convert (or reuse) the base model in a child, store the eval set, run the base eval."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from curator.checks import CheckSpec, load_spec_text
from curator.demo.base_model import MODEL_DIRNAME, is_converted
from curator.demo.task import eval_records
from curator.errors import CuratorError
from curator.inference.backends import GenerationSettings
from curator.jobs.evals import EvalRequest, run_eval
from curator.jobs.process import ChildProcess
from curator.review.runs import create_run_from_records, resolve_run
from curator.storage import runs as run_queries
from curator.storage.runs import RunRow
from curator.workspace import Workspace

EVAL_SET_RUN = "weather-eval-set"
BASE_RUN = "weather-base"
MODEL_DIRNAME = MODEL_DIRNAME  # <workspace>/models/smollm2-135m-instruct/
# One torch thread: on two shared cores two torch threads spin-wait (OpenMP) against anything else running (a
# 16x576x1536 matmul took 5.6 ms with two threads vs 0.65 ms with one while other work ran on a 2-core CPU).
DEMO_THREADS = 1
# The longest target is 40 SmolLM2 tokens (+ the end token); batch 32 with left padding generated SmolLM2's
# short word problems fastest on a 2-core CPU when it was measured (bf16 177 tok/s, fp32 64 tok/s, 1 thread).
DEMO_GENERATION = GenerationSettings(max_new_tokens=48, batch_size=32)

EventCallback = Callable[[str, dict], None]  # (stage, event)


@dataclass(frozen=True)
class DemoState:
    """What the demo has set up: the model folder, the eval set and the base model's run on it."""

    model_path: Path
    eval_set: RunRow
    base_run: RunRow
    eval_s: float = 0.0  # the base eval's time when this call made it (0 when it was reused)
    dtype: str = "auto"  # asked for; the one used is in the base run's settings

    @property
    def model_name(self) -> str:
        return self.model_path.name


def demo_checks() -> list[CheckSpec]:
    """The demo task's checks: answer schema, weather tag, emoji mapping, no tags without `<api>`, arithmetic."""
    text = (resources.files("curator.demo") / "checks.toml").read_text(encoding="utf-8")
    return load_spec_text(text, "curator/demo/checks.toml")


def checks_file() -> Path:
    return Path(str(resources.files("curator.demo") / "checks.toml"))


def ensure_model(ws: Workspace, on_event: EventCallback = lambda stage, e: None) -> Path:
    """SmolLM2-135M-Instruct as safetensors under `<models>/smollm2-135m-instruct/`, converted from the wheel's
    GGUF file in a child process the first time (the caller never imports torch)."""
    return write_model(ws.models_dir / MODEL_DIRNAME, on_event)


def write_model(out_dir: Path, on_event: EventCallback = lambda stage, e: None) -> Path:
    """SmolLM2-135M-Instruct written as a safetensors folder at `out_dir` (reused when already converted there),
    converted in a child process; progress and log files lie beside it while it runs and the log stays on failure."""
    from curator.demo.base_model import gguf_path

    out_dir = Path(out_dir).expanduser().resolve()
    if is_converted(out_dir):
        return out_dir
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise CuratorError(f"{out_dir} exists and is not a converted model: name a new or empty folder")
    try:
        gguf_path()  # a missing wheel is one clear line before any child starts
    except FileNotFoundError as error:
        raise CuratorError(str(error)) from None
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CuratorError(f"cannot create {out_dir.parent}: {error.strerror or error}") from None
    progress = out_dir.with_name(f"{out_dir.name}.progress.jsonl")
    log = out_dir.with_name(f"{out_dir.name}.log")
    progress.unlink(missing_ok=True)
    child = ChildProcess.module("curator.demo.base_model", [out_dir, progress], progress, log).start()
    final = child.wait(lambda e: on_event("convert", e))
    if final.get("event") != "succeeded":
        raise CuratorError(f"converting the model failed: {final.get('error')} (log: {log})")
    progress.unlink(missing_ok=True)
    log.unlink(missing_ok=True)
    return out_dir


def model_folder(path: str | Path) -> Path:
    """A user's `--model PATH`: a local Hugging Face model folder, refused with one line otherwise."""
    folder = Path(path).expanduser()
    if not (folder / "config.json").is_file():
        raise CuratorError(f"model path '{path}' is not a local Hugging Face model folder (no config.json)")
    return folder.resolve()


def base_run_name(model_path: Path, default: Path | None) -> str:
    """`weather-base` for the demo's own model; `weather-base-<folder>` for a model the user named."""
    return BASE_RUN if default is not None and Path(model_path) == Path(default) else f"{BASE_RUN}-{model_path.name}"


def ensure_eval_set(ws: Workspace) -> RunRow:
    """The demo eval items (dev and held-out, no outputs yet), stored once."""
    run_id = run_queries.find_run_id(ws.db, EVAL_SET_RUN)
    if run_id is not None:
        return resolve_run(ws, run_id)
    return create_run_from_records(ws, EVAL_SET_RUN, eval_records(), source_format="curator-demo")


def ensure_base_run(
    ws: Workspace,
    model_path: Path,
    eval_set: RunRow,
    on_event: EventCallback = lambda stage, e: None,
    name: str = BASE_RUN,
    dtype: str = "auto",
) -> RunRow:
    """The base model's outputs on the eval set, with the demo checks applied (made once per name)."""
    run_id = run_queries.find_run_id(ws.db, name)
    if run_id is not None:
        return resolve_run(ws, run_id)
    request = EvalRequest(
        model=str(model_path),
        items=eval_set.run_id,
        checks=checks_file(),
        name=name,
        cpu_threads=DEMO_THREADS,
        dtype=dtype,
        generation=DEMO_GENERATION,
    )
    return run_eval(ws, request, on_event=lambda e: on_event("eval", e))


def prepare_demo(
    ws: Workspace,
    on_event: EventCallback = lambda stage, e: None,
    model: str | Path | None = None,
    dtype: str = "auto",
) -> DemoState:
    """Everything `curator demo` needs before the app opens; later calls reuse what is there. `model`: any local
    Hugging Face model folder instead of the embedded SmolLM2-135M-Instruct."""
    default = None if model is not None else ensure_model(ws, on_event)
    model_path = model_folder(model) if model is not None else default
    eval_set = ensure_eval_set(ws)
    name = base_run_name(model_path, default)
    started = time.monotonic()
    reused = run_queries.find_run_id(ws.db, name) is not None
    base = ensure_base_run(ws, model_path, eval_set, on_event, name=name, dtype=dtype)
    return DemoState(model_path, eval_set, base, 0.0 if reused else time.monotonic() - started, dtype)
