"""Eval runs made by Curator: a local model (+ adapter) over the inputs of a run, in a child process.

The outputs become a new run linked to its parent; the parent's checks (or a given spec) are applied to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from curator.checks import CheckSpec, load_spec, run_checks, stored_checks
from curator.checks.spec import MODEL_GRADED_KINDS
from curator.errors import CuratorError
from curator.inference.backends import GenerationSettings
from curator.inference.dtypes import DTYPES
from curator.inference.eval_child import EvalJob
from curator.jobs.child_jobs import outcome_error, read_outputs, record_outcome, start_child_job
from curator.jobs.process import ChildProcess
from curator.review.runs import create_run_from_records, delete_run, resolve_run
from curator.storage import items as item_queries
from curator.storage.runs import RunRow
from curator.workspace import Workspace

EventCallback = Callable[[dict], None]


@dataclass
class EvalRequest:
    """What to run: which model and adapter, over which run's items, with which settings and checks."""

    model: str
    items: str | int  # a run (name or id), or the path of an eval file to import first
    split_field: str | None = None  # in an eval file: the field whose value (dev or held_out) is the item's split
    adapter: str | None = None
    checks: Path | None = None  # a spec file; default: the parent run's stored checks
    name: str | None = None
    backend: str = "auto"
    trust_remote_code: bool = False
    cpu_threads: int = 0  # 0: a fair share of the cores left by the other Curator children
    dtype: str = "auto"  # auto: bf16 where the device runs it natively, else fp32; the one used is stored with the run
    generation: GenerationSettings = field(default_factory=GenerationSettings)
    engine: dict = field(default_factory=dict)  # vLLM engine options (max_model_len, ...); stored with the run


@dataclass
class EvalHandle:
    """A started eval child and what is needed to store its outputs."""

    request: EvalRequest
    parent: RunRow
    job_id: int
    job_dir: Path
    child: ChildProcess


def resolve_items(ws: Workspace, ref: str | int, split_field: str | None = None) -> RunRow:
    """The run whose inputs are evaluated: a run by name/id, or an eval file imported as a run (each item's split
    from `split_field` when given, else dev)."""
    if isinstance(ref, int):
        return resolve_run(ws, ref)
    path = Path(ref)
    if path.is_file():
        from curator.importers import FieldMapping, import_file

        return import_file(ws, path, mapping=FieldMapping(split=split_field) if split_field else None).run
    if split_field:
        raise CuratorError("--split-field reads an eval file's items; a stored run keeps the splits it has")
    return resolve_run(ws, ref)


def _model_name(request: EvalRequest) -> str:
    return Path(request.model).name + (f"+{Path(request.adapter).name}" if request.adapter else "")


def _check_paths(request: EvalRequest) -> None:
    if request.dtype not in DTYPES:
        raise CuratorError(f"dtype '{request.dtype}' is not one of {', '.join(DTYPES)}")
    for label, path in (("model", request.model), ("adapter", request.adapter)):
        if path is not None and not Path(path).is_dir():
            raise CuratorError(f"{label} path '{path}' is not a local folder (Curator loads models from disk only)")


def start_eval(ws: Workspace, request: EvalRequest) -> EvalHandle:
    """Record the eval job, write its items and start the child (it ends with this process); returns at once."""
    request = _in_workspace(ws, request)
    _check_paths(request)
    parent = resolve_items(ws, request.items, request.split_field)
    job = EvalJob(
        model=str(Path(request.model).resolve()),
        adapter=str(Path(request.adapter).resolve()) if request.adapter else None,
        items_file="",
        outputs_file="",
        progress_file="",
        backend=request.backend,
        trust_remote_code=request.trust_remote_code,
        cpu_threads=request.cpu_threads,
        dtype=request.dtype,
        generation=request.generation.as_dict(),
        engine=dict(request.engine),
    )
    items = (
        {"item_key": i.item_key, "input": i.input, "input_messages": i.input_messages}
        for i in item_queries.iter_items(ws.db, parent.run_id)
    )
    label = request.name or f"{parent.name}@{_model_name(request)}"
    started = start_child_job(ws, "eval", label, items, job)
    return EvalHandle(request, parent, started.job_id, started.job_dir, started.child)


def _in_workspace(ws: Workspace, request: EvalRequest) -> EvalRequest:
    """Model and adapter folders as typed, else inside the workspace (as `curator jobs` and `runs` print them)."""
    adapter = str(ws.local_folder(request.adapter)) if request.adapter else None
    return replace(request, model=str(ws.local_folder(request.model)), adapter=adapter)


def finish_eval(ws: Workspace, handle: EvalHandle, final: dict) -> RunRow:
    """Store the outputs as a new run linked to the parent, then apply the checks; raises on a failed child.
    The job row records the outcome either way."""
    try:
        run = _store_eval(ws, handle, final)
    except BaseException as error:
        record_outcome(ws, handle.job_id, final, error, None)
        raise
    record_outcome(ws, handle.job_id, final, None, run.run_id)
    return run


def _store_eval(ws: Workspace, handle: EvalHandle, final: dict) -> RunRow:
    error = outcome_error("eval", final)
    if error is not None:
        raise error
    outputs = {record["item_key"]: record["output"] for record in read_outputs(handle.job_dir)}
    records = [
        {
            "item_id": item.item_id,
            "input": item.input,
            "input_messages": item.input_messages,
            "target": item.target,
            "output": outputs.get(item.item_key),
            "metadata": item.metadata,
            "split": item.split,
            "source_line": item.source_line,
        }
        for item in item_queries.iter_items(ws.db, handle.parent.run_id)
    ]
    request = handle.request
    settings = {
        "generation": final.get("generation", request.generation.as_dict()),
        "backend": final.get("backend"),
        "engine": final.get("engine", {}),
        "dtype": final.get("dtype", request.dtype),
        "dtype_reason": final.get("dtype_reason"),
        "eval_job": str(handle.job_dir),
        "job_id": handle.job_id,
    }
    run = create_run_from_records(
        ws,
        request.name or f"{handle.parent.name}@{_model_name(request)}",
        records,
        model=ws.storable_path(request.model),  # relative inside the workspace: a copy still works
        adapter=request.adapter,
        source_path=str(handle.job_dir),
        source_format="curator-eval",
        parent_run_id=handle.parent.run_id,
        settings=settings,
    )
    specs = _specs(ws, request, handle.parent)
    if specs:
        try:
            _apply_checks(ws, run.run_id, specs)
        except BaseException:
            delete_run(ws, run.run_id)  # no half-made run: outputs and their checks land together or not at all
            raise
    return resolve_run(ws, run.run_id)


def _apply_checks(ws: Workspace, run_id: int, specs: list[CheckSpec]) -> None:
    """Grade the new run with every kind of check; a judge or learned check that fails raises."""
    if not any(spec.kind in MODEL_GRADED_KINDS for spec in specs):
        run_checks(ws, run_id, specs)
        return
    from curator.jobs import judging  # the judge machinery (openai, its child) loads only when a judge is graded

    judging.raise_failures(judging.run_all_checks(ws, run_id, specs))


def _specs(ws: Workspace, request: EvalRequest, parent: RunRow) -> list[CheckSpec]:
    return load_spec(request.checks) if request.checks else stored_checks(ws, parent.run_id)


def check_spec_file(request: EvalRequest) -> None:
    """A bad spec fails before the model is loaded."""
    if request.checks:
        load_spec(request.checks)


def run_eval(
    ws: Workspace,
    request: EvalRequest,
    on_event: EventCallback = lambda e: None,
    should_cancel: Callable[[], bool] = lambda: False,
) -> RunRow:
    """Start the eval child, wait for it, store the run (the CLI does the same with the workspace closed meanwhile)."""
    check_spec_file(request)
    handle = start_eval(ws, request)
    final = handle.child.wait(on_event, should_cancel=should_cancel)
    return finish_eval(ws, handle, final)
