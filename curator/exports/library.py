"""Exports of a run or a dataset version: pick the rows, shape them, write them safely."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from curator.errors import CuratorError
from curator.exports import shapes
from curator.exports.writers import FILE_FORMATS, SUFFIXES, write_rows
from curator.recipes.library import get_version, parse_version_ref, read_version_rows
from curator.recipes.pair_lengths import pair_lengths
from curator.recipes.rollout_kinds import version_shape
from curator.review.runs import resolve_run
from curator.storage import exports as export_queries
from curator.storage.files import atomic_file, rewrite_lines, safe_destination, standard_json_text
from curator.workspace import Workspace

RUN_SHAPES = ("raw", *shapes.SHAPES)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    shape: str
    file_format: str
    pair_lengths: dict | None = None  # preference pairs: how often the chosen side is the longer (recipes.pair_lengths)


def _check_choice(value: str, allowed: tuple, what: str) -> None:
    if value not in allowed:
        raise CuratorError(f"unknown {what} '{value}' (one of {', '.join(allowed)})")


def default_name(label: str, shape: str, file_format: str) -> str:
    return f"{label}-{shape}{SUFFIXES[file_format]}"


SPLITS = {"dev": "dev", "held_out": "held_out", "held-out": "held_out"}


def chosen_split(split: str | None, shape: str) -> str | None:
    """The stored split name of `--split` (dev, held_out or held-out); training shapes hold dev items only."""
    if split is None:
        return None
    if split not in SPLITS:
        raise CuratorError(f"unknown split '{split}' (one of dev, held-out)")
    if SPLITS[split] == "held_out" and shape != "raw":
        raise CuratorError(
            f"'{shape}' rows are for training and hold dev items only (held-out items never leave for training); "
            "export held-out items with --shape raw"
        )
    return SPLITS[split]


def export_run(
    ws: Workspace,
    run_ref: str,
    shape: str = "raw",
    file_format: str = "jsonl",
    folder: Path | None = None,
    name: str | None = None,
    force: bool = False,
    system_prompt: str | None = None,
    split: str | None = None,
) -> ExportResult:
    """A run's items: raw (every item, every column; or one split's) or sft/chat/dpo/kto rows from its dev items."""
    _check_choice(shape, RUN_SHAPES, "shape")
    _check_choice(file_format, FILE_FORMATS, "format")
    split = chosen_split(split, shape)
    run = resolve_run(ws, run_ref)
    label = run.name if split is None or shape != "raw" else f"{run.name}-{split.replace('_', '-')}"
    path = safe_destination(folder or ws.exports_dir, name or default_name(label, shape, file_format), force)
    if shape == "raw":
        if file_format == "hf":
            raise CuratorError("raw items export as jsonl or parquet; use --shape sft/chat/dpo/kto for a HF folder")
        with atomic_file(path) as temporary:
            count = export_queries.copy_run_items(ws.db, run.run_id, temporary, file_format, split)
            _standardise_json(temporary, file_format)
        return ExportResult(path, count, shape, file_format)
    items = export_queries.dev_items_with_verdict(ws.db, run.run_id)
    rows = _run_rows(items, shape, system_prompt)
    write_rows(shapes.require_rows(rows, shape, f"run '{run.name}'"), path, file_format)
    return ExportResult(path, len(rows), shape, file_format, pair_lengths(rows) if shape == "dpo" else None)


JSON_COLUMNS = ("metadata", "input_messages")  # JSON text stored as it came from the log (may hold NaN)


def _standardise_json(path: Path, file_format: str) -> None:
    """Rewrite NaN/Infinity (which logs may carry in metadata) as null, so the export is standard JSON."""
    if file_format == "jsonl":
        with path.open("rb") as handle:
            if not any(b"NaN" in line or b"Infinity" in line for line in handle):
                return
        rewrite_lines(path, standard_json_text)
        return
    import pyarrow as pa  # pyarrow is only needed for Parquet exports
    import pyarrow.parquet as pq

    table, changed = pq.read_table(path), False
    for name in JSON_COLUMNS:
        if name not in table.column_names:
            continue
        values = table.column(name).to_pylist()
        if any(v and ("NaN" in v or "Infinity" in v) for v in values):
            fixed = pa.array([standard_json_text(v) if v else v for v in values], type=pa.string())
            table, changed = table.set_column(table.column_names.index(name), name, fixed), True
    if changed:
        pq.write_table(table, path)


def _run_rows(items: list[dict], shape: str, system_prompt: str | None) -> list[dict]:
    if shape == "dpo":
        return shapes.dpo_rows(items)
    if shape == "kto":
        return shapes.kto_rows(items)
    sft = shapes.run_sft_rows(items)
    if shape == "chat":
        by_key = {i["item_key"]: i["input_messages"] for i in items}
        return shapes.chat_rows([r | {"prompt_messages": by_key.get(r["source_item_key"])} for r in sft], system_prompt)
    return sft


def export_dataset(
    ws: Workspace,
    ref: str,
    shape: str = "sft",
    file_format: str = "jsonl",
    folder: Path | None = None,
    name: str | None = None,
    force: bool = False,
    system_prompt: str | None = None,
) -> ExportResult:
    """A frozen dataset version (`name` or `name@N`) as SFT prompt/completion or chat messages, lineage kept."""
    _check_choice(file_format, FILE_FORMATS, "format")
    recipe, number = parse_version_ref(ref)
    version = get_version(ws, recipe, number)
    held = version_shape(version.spec)  # sft, or dpo/kto for a version built from rollout pairs or labels
    if held != "sft" and shape != held:
        raise CuratorError(f"dataset version {ref} holds {held} rows (from rollouts); export it as '{held}'")
    if held == "sft" and shape not in ("sft", "chat"):
        raise CuratorError(
            f"a dataset version holds SFT rows; export '{shape}' from a run instead "
            "(chosen/rejected and labels come from graded outputs)"
        )
    rows = read_version_rows(version)
    system_prompt = system_prompt if system_prompt is not None else version.spec.get("system_prompt")
    if held != "sft":
        shaped = rows  # pair and label rows were shaped, lineage included, when the version was built
    else:
        shaped = shapes.chat_rows(rows, system_prompt) if shape == "chat" else shapes.sft_rows(rows)
    label = f"{version.recipe_name}-v{version.version}"
    path = safe_destination(folder or ws.exports_dir, name or default_name(label, shape, file_format), force)
    write_rows(shaped, path, file_format)
    return ExportResult(path, len(shaped), shape, file_format, pair_lengths(shaped) if shape == "dpo" else None)
