"""What goes into a training job before it is recorded: the request, the dataset (its frozen hash proved), the
settings refused when they could never train, the dev sample and generation settings early stopping uses, and
GRPO's reward weights."""

from __future__ import annotations

import json
import random
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from curator.checks import Case, grade_outputs, stored_checks
from curator.checks.rules import applies
from curator.checks.spec import MODEL_GRADED_KINDS
from curator.errors import CuratorError
from curator.inference.engine_settings import EngineSettings
from curator.storage import datasets as dataset_queries
from curator.storage import items as item_queries
from curator.storage.runs import RunRow
from curator.training.job import LoraSettings, TrainerSettings
from curator.workspace import Workspace

LAUNCHERS = ("python", "accelerate")
DEV_SAMPLE_CAP = 256  # dev items an early-stopping eval generates for (every check represented)
RUN_DTYPES = ("bfloat16", "float16", "float32")


@dataclass
class TrainingRequest:
    """What the retrain form and `curator train` ask for."""

    dataset: str  # a dataset version (`name`, `name@3`) or the path of a frozen JSONL file
    base_model: str
    source_run: str | None = None  # its dev items and checks drive early stopping
    parent_adapter: str | None = None
    lora: LoraSettings | None = None
    trainer: TrainerSettings | None = None
    generation: dict | None = None  # dev-eval generation settings; None: the source run's own
    rewards_file: str | None = None  # GRPO: a checks TOML whose [rewards] table weights the source run's checks
    reward_weights: dict[str, float] | None = None  # GRPO: check name -> weight (the form); None: the file or the mean
    engine: EngineSettings | None = None  # vLLM options of the re-eval and GRPO's use_vllm; None: the source run's


@dataclass(frozen=True)
class DatasetRef:
    path: str
    recipe_id: int | None = None
    version: int | None = None
    label: str = ""


def resolve_dataset(ws: Workspace, ref: str) -> DatasetRef:
    """A frozen dataset version by `name[@N]` (its file proved unchanged since the build), or a JSONL file."""
    path = Path(ref)
    if path.suffix in (".jsonl", ".json") and path.is_file():
        return DatasetRef(str(path.resolve()), label=path.name)
    from curator.recipes.library import get_version, parse_version_ref, read_version_rows

    name, number = parse_version_ref(ref)
    version = get_version(ws, name, number)
    read_version_rows(version)  # an edited file: one line, before anything is recorded
    return DatasetRef(version.path, version.recipe_id, version.version, f"{version.recipe_name}@{version.version}")


def check_dataset_unchanged(ws: Workspace, recipe_id: int | None, version: int | None) -> None:
    """A job's frozen dataset still has the hash it was built with (one line if not); a plain file is not checked."""
    from curator.recipes.freezing import check_hash

    found = dataset_queries.version_hash(ws.db, recipe_id, version) if recipe_id is not None else None
    if found is not None:
        check_hash(ws.resolve_path(found[0]), found[1])


def _applicable_checks(specs: list, items: list) -> dict[int, set[str]]:
    """item_key -> the checks that apply to it: rule checks graded in one call, model-graded ones by their input
    conditions only (nothing is embedded or asked to pick a sample)."""
    rules = [s for s in specs if s.kind not in MODEL_GRADED_KINDS]
    graded = grade_outputs(rules, [Case(i.input, i.target, i.output or "") for i in items])
    models = [s for s in specs if s.kind in MODEL_GRADED_KINDS]
    return {
        item.item_key: set(grades) | {s.name for s in models if applies(s, item.input)}
        for item, grades in zip(items, graded, strict=True)
    }


def dev_sample(ws: Workspace, run_id: int, specs: list, cap: int = DEV_SAMPLE_CAP, seed: int = 0) -> list[dict]:
    """At most `cap` of the run's dev items for early stopping (held-out items never reach the training child),
    stratified by check: the checks take turns picking an item they apply to, so every check is represented as
    evenly as the items allow; what is left of the cap is filled at random. In item order."""
    items = list(item_queries.iter_items(ws.db, run_id, split="dev"))
    random.Random(seed).shuffle(items)
    if len(items) > cap:
        applying = _applicable_checks(specs, items)
        picked: dict[int, object] = {}
        queues = [deque(i for i in items if s.name in applying[i.item_key]) for s in specs]
        while len(picked) < cap and any(queues):
            for queue in queues:
                while queue and queue[0].item_key in picked:
                    queue.popleft()
                if queue and len(picked) < cap:
                    item = queue.popleft()
                    picked[item.item_key] = item
        for item in items:
            if len(picked) >= cap:
                break
            picked.setdefault(item.item_key, item)
        items = list(picked.values())
    return [
        {"item_key": i.item_key, "input": i.input, "prompt": i.input_messages or i.input, "target": i.target}
        for i in sorted(items, key=lambda i: i.item_key)
    ]


def eval_generation(source: RunRow | None, requested: dict | None) -> dict:
    """The dev evals' generation settings: those asked for, else the source run's own (and the dtype its outputs
    were generated in, under `dtype`); {} for the defaults when the run stored none (an imported run)."""
    if requested:
        return dict(requested)
    settings = (source.settings or {}) if source else {}
    generation = dict(settings.get("generation") or {})
    if generation and settings.get("dtype") in RUN_DTYPES:
        generation["dtype"] = settings["dtype"]
    return generation


def check_launcher(launcher: str) -> None:
    if launcher not in LAUNCHERS:
        raise CuratorError(f"unknown launcher '{launcher}': use {' or '.join(LAUNCHERS)}")


def validate_request(request: TrainingRequest, lora: LoraSettings, trainer: TrainerSettings) -> None:
    """Refuse a job that could never start (before anything is stored): local folders, positive settings."""
    if not request.base_model or not Path(request.base_model).is_dir():
        raise CuratorError(
            f"model path '{request.base_model}' is not a local folder (Curator loads models from disk only)"
        )
    if request.parent_adapter and not Path(request.parent_adapter).is_dir():
        raise CuratorError(f"parent adapter path '{request.parent_adapter}' is not a local folder")
    for flag, value in (
        ("--lora-r", lora.r),
        ("--lr", trainer.learning_rate),
        ("--epochs", trainer.epochs),
        ("--batch-size", trainer.batch_size),
        ("--max-length", trainer.max_length),
    ):
        if not value > 0:
            raise CuratorError(f"{flag} must be greater than 0 (got {value})")


def reward_spec(ws: Workspace, request: TrainingRequest, source) -> dict:
    """GRPO's reward weights as the job stores them ({} for the mean of the checks), named checks verified."""
    from curator.checks.rewards import RewardSpec, load_rewards

    if not (request.rewards_file or request.reward_weights):
        return {}
    names = [s.name for s in stored_checks(ws, source.run_id)] if source else []
    if request.rewards_file:
        return json.loads(load_rewards(request.rewards_file, names).to_json())  # a bad table: one line, by name
    for name, weight in request.reward_weights.items():
        if name not in names:
            raise CuratorError(f"reward weight names no check '{name}'; the run's checks are: {', '.join(names)}")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0:
            raise CuratorError(f"reward weight of '{name}' must be a number >= 0 (got {weight!r})")
    if sum(request.reward_weights.values()) <= 0:
        raise CuratorError("at least one check needs a reward weight above 0")
    return json.loads(RewardSpec(weights={k: float(v) for k, v in request.reward_weights.items()}).to_json())
