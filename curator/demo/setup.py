"""`curator demo` setup: build (or reuse) the demo model in a child, store the eval set, run the base eval."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from curator.checks import CheckSpec, load_spec_text
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
MODEL_DIRNAME = "demo-base"
# One torch thread: the demo model's ops are too small to split, and the CPU may be busy.
DEMO_THREADS = 1
DEMO_GENERATION = GenerationSettings(max_new_tokens=48, batch_size=64)

EventCallback = Callable[[str, dict], None]  # (stage, event)


@dataclass(frozen=True)
class DemoState:
    """What the demo has set up: the model folder, the eval set and the base model's run on it."""

    model_path: Path
    eval_set: RunRow
    base_run: RunRow


def demo_checks() -> list[CheckSpec]:
    """The demo task's checks: answer schema, weather tag, emoji mapping, no tags without `<api>`, arithmetic."""
    text = (resources.files("curator.demo") / "checks.toml").read_text(encoding="utf-8")
    return load_spec_text(text, "curator/demo/checks.toml")


def checks_file() -> Path:
    return Path(str(resources.files("curator.demo") / "checks.toml"))


def ensure_model(ws: Workspace, on_event: EventCallback = lambda stage, e: None) -> Path:
    """The demo base model under `<models>/demo-base/`, built in a child process the first time."""
    from curator.demo.tiny_model import is_built  # pure: reads a marker file, imports nothing heavy

    out_dir = ws.models_dir / MODEL_DIRNAME
    if is_built(out_dir):
        return out_dir
    progress = ws.models_dir / "demo-base.progress.jsonl"
    progress.unlink(missing_ok=True)
    child = ChildProcess.module(
        "curator.demo.tiny_model", [out_dir, progress], progress, ws.models_dir / "demo-base.log"
    ).start()
    final = child.wait(lambda e: on_event("build", e))
    if final.get("event") != "succeeded":
        raise CuratorError(f"building the demo model failed: {final.get('error')}")
    return out_dir


def ensure_eval_set(ws: Workspace) -> RunRow:
    """The demo eval items (dev and held-out, no outputs yet), stored once."""
    run_id = run_queries.find_run_id(ws.db, EVAL_SET_RUN)
    if run_id is not None:
        return resolve_run(ws, run_id)
    return create_run_from_records(ws, EVAL_SET_RUN, eval_records(), source_format="curator-demo")


def ensure_base_run(
    ws: Workspace, model_path: Path, eval_set: RunRow, on_event: EventCallback = lambda stage, e: None
) -> RunRow:
    """The base model's outputs on the eval set, with the demo checks applied (made once)."""
    run_id = run_queries.find_run_id(ws.db, BASE_RUN)
    if run_id is not None:
        return resolve_run(ws, run_id)
    request = EvalRequest(
        model=str(model_path),
        items=eval_set.run_id,
        checks=checks_file(),
        name=BASE_RUN,
        cpu_threads=DEMO_THREADS,
        generation=DEMO_GENERATION,
    )
    return run_eval(ws, request, on_event=lambda e: on_event("eval", e))


def prepare_demo(ws: Workspace, on_event: EventCallback = lambda stage, e: None) -> DemoState:
    """Everything `curator demo` needs before the app opens; later calls reuse what is there."""
    model_path = ensure_model(ws, on_event)
    eval_set = ensure_eval_set(ws)
    return DemoState(model_path, eval_set, ensure_base_run(ws, model_path, eval_set, on_event))
