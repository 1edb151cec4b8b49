"""Rows a recipe can draw from each kind of source, as prompt/completion dicts with their lineage."""

from __future__ import annotations

import json
from pathlib import Path

from curator.errors import BadInputError
from curator.recipes.rollout_rows import ROLLOUT_ROWS
from curator.recipes.spec import Source
from curator.recipes.truncation import cut_at_limit
from curator.review import buckets as bucket_domain
from curator.review.runs import resolve_run
from curator.storage import datasets as dataset_queries
from curator.storage import examples as example_queries
from curator.workspace import Workspace

LINEAGE_FIELDS = ("example_id", "template", "bucket", "source_run_id", "source_item_key", "seed")


def _row(prompt: str, completion: str, source: Source, **lineage) -> dict:
    row = {"prompt": prompt, "completion": completion, "source": source.name, "source_kind": source.kind}
    row.update({name: lineage.get(name) for name in LINEAGE_FIELDS})
    return row


def fix_rows(ws: Workspace, source: Source) -> list[dict]:
    """Accepted generated examples of the source's buckets, with their full lineage."""
    bucket_ids = [bucket_domain.get_bucket(ws, name).bucket_id for name in source.buckets]
    examples = example_queries.list_examples(ws.db, statuses=("accepted",), bucket_ids=bucket_ids)
    return [
        _row(
            e.input,
            e.target,
            source,
            example_id=e.example_id,
            template=e.template_name,
            bucket=e.bucket_name,
            source_run_id=e.source_run_id,
            source_item_key=e.source_item_key,
            seed=e.seed,
        )
        for e in examples
    ]


def replay_rows(ws: Workspace, source: Source) -> list[dict]:
    """Passing dev items of a run (never held-out ones), so the model keeps what it could already do: with the
    model's own output as the completion, or the item's target when the source says `replay_from = "targets"`.

    An output that stopped at the run's token limit is never replayed as a completion (see `truncation`); a
    chat-format item keeps its messages as the row's `prompt_messages`."""
    run = resolve_run(ws, source.run)
    items = dataset_queries.passing_dev_items(ws.db, run.run_id, source.replay_from)
    cut = cut_at_limit(ws, run, [i for i in items if i["completion"] == i["output"]])
    rows = []
    for item in items:
        if item["item_key"] in cut and item["completion"] == item["output"]:
            continue
        row = _row(
            item["input"], item["completion"], source, source_run_id=run.run_id, source_item_key=item["item_key"]
        )
        rows.append(row | ({"prompt_messages": item["input_messages"]} if item["input_messages"] else {}))
    return rows


def _prompt_completion(record: dict, path: Path, line: int | None) -> tuple[str, str]:
    """prompt/completion, input/target, or chat `messages` (the last assistant turn is the completion)."""
    for prompt_key, completion_key in (("prompt", "completion"), ("input", "target"), ("input", "output")):
        if isinstance(record.get(prompt_key), str) and isinstance(record.get(completion_key), str):
            return record[prompt_key], record[completion_key]
    messages = record.get("messages")
    if (
        isinstance(messages, list)
        and messages
        and isinstance(messages[-1], dict)
        and messages[-1].get("role") == "assistant"
    ):
        prompt = "\n".join(str(m.get("content", "")) for m in messages[:-1])
        return prompt, str(messages[-1].get("content", ""))
    raise BadInputError(
        path,
        "a row needs prompt and completion, input and target, or messages ending with an assistant turn",
        line=line,
    )


def read_records(path: Path) -> list[tuple[dict, int | None]]:
    """The records of a JSONL or Parquet file, with their line numbers (JSONL only)."""
    if not path.is_file():
        raise BadInputError(path, "no such file")
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        return [(record, None) for record in pq.read_table(path).to_pylist()]
    records = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    records.append((json.loads(line), number))
                except json.JSONDecodeError as error:
                    raise BadInputError(path, f"not JSON: {error.msg}", line=number) from None
    return records


def file_rows(source: Source, path: str | None = None) -> list[dict]:
    path = Path(path or source.path)
    return [_row(*_prompt_completion(record, path, line), source) for record, line in read_records(path)]


def seed_rows(source: Source) -> list[dict]:
    """Hand-written seed examples, inline in the recipe or in a file."""
    if source.path:
        return file_rows(source)
    origin = Path(f"recipe source '{source.name}'")
    return [_row(*_prompt_completion(r, origin, i + 1), source) for i, r in enumerate(source.rows)]


def source_rows(ws: Workspace, source: Source) -> list[dict]:
    """Every row the source offers, in a fixed order (sampling happens in the build)."""
    if source.kind in ROLLOUT_ROWS:
        return ROLLOUT_ROWS[source.kind](ws, source)
    if source.kind == "fixes":
        return fix_rows(ws, source)
    if source.kind == "replay":
        return replay_rows(ws, source)
    if source.kind == "file":
        return file_rows(source)
    return seed_rows(source)
