"""What a training job and the re-evaluation with its adapter take over from a run: its generation settings, the
dtype and backend its outputs came from, and vLLM's engine options (compare refuses runs generated otherwise)."""

from __future__ import annotations

from curator.errors import CuratorError, NotFoundError
from curator.inference.backends import DTYPES, GenerationSettings
from curator.inference.engine_settings import EngineSettings
from curator.review.runs import resolve_run
from curator.storage.runs import RunRow
from curator.workspace import Workspace

BACKENDS = ("transformers", "vllm")


def run_engine(run: RunRow | None) -> EngineSettings:
    """The vLLM engine options a run was generated with; the defaults for a run that stored none."""
    return EngineSettings.from_options(((run.settings or {}) if run else {}).get("engine"))


def default_engine(ws: Workspace, run_ref: str | int | None) -> EngineSettings:
    """The engine options the retrain form and `curator train` start from: the source run's, else the defaults
    (for a run not found too: creating the job names it)."""
    if run_ref is None:
        return EngineSettings()
    try:
        return run_engine(resolve_run(ws, run_ref))
    except NotFoundError:
        return EngineSettings()


def reeval_generation(
    run: RunRow, requested: GenerationSettings | None, allow_settings_mismatch: bool = False
) -> GenerationSettings:
    """The parent run's stored generation settings (only the batch size may differ); the requested or default ones
    when the parent was imported. A request that differs is refused unless `allow_settings_mismatch`."""
    from curator.compare.settings import ALLOW_FLAG, differences, stored_generation

    stored = stored_generation(run)
    if stored is None:
        return requested or GenerationSettings()
    known = {name: value for name, value in stored.items() if name in GenerationSettings.__dataclass_fields__}
    if requested is not None:
        changed = differences(known, {k: v for k, v in requested.as_dict().items() if k in known})
        if changed and allow_settings_mismatch:
            return requested
        if changed:
            raise CuratorError(
                f"run '{run.name}' was generated with other settings ({', '.join(changed)}): re-evaluation uses "
                f"the run's own, or pass {ALLOW_FLAG}"
            )
        known["batch_size"] = requested.batch_size
    return GenerationSettings(**known)


def inherited_eval_options(run: RunRow, job_engine: dict | None, eval_options: dict) -> dict:
    """`eval_options` with what was not asked for taken over: the run's dtype and backend, and the job's vLLM
    engine options (those its retrain form or `curator train` showed) or, for an older job, the run's."""
    stored, options = run.settings or {}, dict(eval_options)
    if stored.get("dtype") in DTYPES and options.get("dtype", "auto") == "auto":
        options["dtype"] = stored["dtype"]  # the dtype the run's outputs were generated in
    if stored.get("backend") in BACKENDS and options.get("backend", "auto") == "auto":
        options["backend"] = stored["backend"]  # and the engine: compare refuses a transformers/vLLM pair
    if "engine" not in options:
        engine = EngineSettings.from_options(job_engine) if job_engine is not None else run_engine(run)
        options["engine"] = engine.options()
    return options
