"""Import one eval log as a run: detect the format, map the fields, store every item in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from curator.errors import BadInputError, BadRecord, CuratorError
from curator.importers import generic, lines
from curator.importers.bad_file import BadFileError, shown
from curator.importers.detect import HARNESS_FORMATS, check_format_name, check_readable, detect_format
from curator.importers.inspect_log import parse_inspect
from curator.importers.lm_eval import parse_lm_eval
from curator.importers.mapping import FieldMapping
from curator.importers.parsed import ParsedRun, ProgressCallback
from curator.importers.promptfoo import parse_promptfoo
from curator.review.runs import resolve_run, unique_run_name
from curator.storage import imports as import_queries
from curator.storage.items import insert_records
from curator.storage.runs import RunRow, insert_run
from curator.workspace import Workspace

PARSERS = {"lm_eval": parse_lm_eval, "inspect": parse_inspect, "promptfoo": parse_promptfoo}


@dataclass(frozen=True)
class ImportResult:
    """The run an import made, how many items it holds, the records left out, and the format read."""

    run: RunRow
    items: int
    skipped: list[BadRecord]
    format: str


@dataclass(frozen=True)
class SplitOptions:
    """Which split items land in: one split for all, a field naming each item's split, or a seeded held-out share."""

    split: str = "dev"
    held_out_share: float | None = None
    seed: int = 0


class _MisnumberedLines(Exception):
    """The bulk reader skipped blank lines, so its record numbers are not line numbers."""


class _RecordTooLarge(Exception):
    """A record is larger than the bulk reader's buffer."""


@dataclass
class _Plan:
    path: Path
    fmt: str
    name: str
    model: str | None
    settings: dict = field(default_factory=dict)


def import_file(
    ws: Workspace,
    path: str | Path,
    format: str | None = None,
    mapping: FieldMapping | dict | None = None,
    name: str | None = None,
    skip_bad_lines: bool = False,
    progress: ProgressCallback | None = None,
    *,
    model: str | None = None,
    splits: SplitOptions | None = None,
) -> ImportResult:
    """Import `path` as a new run; a bad file raises BadInputError and leaves the workspace as it was."""
    path = Path(path)
    try:
        return _import(ws, path, format, mapping, name, skip_bad_lines, progress, model, splits)
    except OSError as error:  # the file vanished or became unreadable while it was read
        raise BadFileError(path, f"cannot read the file ({error.strerror or error})") from None


def _import(ws, path, format, mapping, name, skip_bad_lines, progress, model, splits) -> ImportResult:
    check_readable(path)
    fmt = check_format_name(format, path) if format else detect_format(path)
    mapping = _as_mapping(mapping)
    splits = _checked_splits(splits or SplitOptions(), mapping)
    report = progress or (lambda stage, done, total: None)
    report("reading", 0, None)
    if fmt in HARNESS_FORMATS:
        _refuse_mapping(fmt, mapping)
        parsed = PARSERS[fmt](path, skip_bad_lines)
        return _store_parsed(ws, _plan(path, fmt, name, model, parsed), parsed, splits, report)
    mapping = generic.resolve_mapping(path, fmt, mapping)
    settings = {"mapping": mapping.roles()}
    plan = _Plan(path, fmt, name or path.stem, model, settings)
    if not (skip_bad_lines or generic.needs_careful_path(path, fmt)):
        try:
            return _store_bulk(ws, plan, mapping, splits, report)
        except _MisnumberedLines:
            pass  # blank lines: read record by record so that each item keeps its true line number
        except _RecordTooLarge:
            pass  # a record past DuckDB's reader buffer: the careful reader takes it, as --skip-bad-lines would
    stream = generic.RecordStream(path, fmt, mapping, skip_bad_lines)
    return _store_stream(ws, plan, stream, splits, report)


def _as_mapping(mapping: FieldMapping | dict | None) -> FieldMapping:
    if isinstance(mapping, FieldMapping):
        return mapping
    return FieldMapping(**{k: v for k, v in (mapping or {}).items() if v})


def _checked_splits(splits: SplitOptions, mapping: FieldMapping) -> SplitOptions:
    if splits.split not in ("dev", "held_out"):
        raise CuratorError(f"--split must be dev or held_out, not '{splits.split}'")
    share = splits.held_out_share
    if share is not None and not 0 < share < 1:
        raise CuratorError(f"--held-out-share must be between 0 and 1, not {share}")
    if share is not None and mapping.split:
        raise CuratorError("use either --split-field or --held-out-share, not both")
    return splits


def _refuse_mapping(fmt: str, mapping: FieldMapping) -> None:
    if mapping.roles():
        raise CuratorError(
            f"--input/--target/--output/--id/--split-field map fields of jsonl, csv and parquet files; "
            f"a {fmt} log is read the way the harness wrote it (drop those options or pass --format jsonl)"
        )


def _plan(path: Path, fmt: str, name: str | None, model: str | None, parsed: ParsedRun) -> _Plan:
    return _Plan(path, fmt, name or parsed.default_name, model or parsed.model, parsed.settings)


def _store_parsed(
    ws: Workspace, plan: _Plan, parsed: ParsedRun, splits: SplitOptions, report: ProgressCallback
) -> ImportResult:
    if not parsed.records:
        raise BadFileError(plan.path, "no items to import" + (" (every record was bad)" if parsed.skipped else ""))
    plan.settings = plan.settings | {"skipped": len(parsed.skipped)}
    run_id, count = _write_run(ws, plan, splits, lambda cur, run_id: insert_records(cur, run_id, parsed.records))
    report("stored", count, count)
    return ImportResult(run=resolve_run(ws, run_id), items=count, skipped=parsed.skipped, format=plan.fmt)


def _store_stream(
    ws: Workspace, plan: _Plan, stream: generic.RecordStream, splits: SplitOptions, report: ProgressCallback
) -> ImportResult:
    def insert(cur, run_id: int) -> int:
        count = 0
        for batch in stream.batches():
            count += insert_records(cur, run_id, batch, first_key=count)
            report("reading", count, None)
        plan.settings["skipped"] = len(stream.skipped)
        if count == 0 and stream.skipped:
            raise BadFileError(plan.path, "no items to import (every record was bad)")
        return count

    run_id, count = _write_run(ws, plan, splits, insert, id_field=plan.settings["mapping"].get("id"))
    report("stored", count, count)
    return ImportResult(run=resolve_run(ws, run_id), items=count, skipped=stream.skipped, format=plan.fmt)


def _store_bulk(
    ws: Workspace, plan: _Plan, mapping: FieldMapping, splits: SplitOptions, report: ProgressCallback
) -> ImportResult:
    paths = import_queries.JsonPaths(
        input=mapping.input,
        target=mapping.target,
        output=mapping.output,
        item_id=mapping.id,
        split=mapping.split,
        drop_keys=tuple(mapping.top_level_keys()),
    )

    def insert(cur, run_id: int) -> int:
        count = import_queries.insert_mapped_rows(
            cur,
            run_id,
            plan.fmt,
            str(plan.path),
            paths,
            split=splits.split,
            delimiter=generic.delimiter_for(plan.path),
        )
        if not generic.lines_match_records(plan.path, plan.fmt, count):
            raise _MisnumberedLines()
        _refuse_deep_metadata(cur, plan.path, run_id)
        return count

    try:
        run_id, count = _write_run(ws, plan, splits, insert, id_field=mapping.id)
    except import_queries.SourceRejected as rejected:
        if rejected.record_too_large:
            raise _RecordTooLarge() from None
        # The bulk reader stops at the first problem but numbers lines unreliably: read record by record to name it.
        raise generic.first_problem(plan.path, plan.fmt, mapping) or BadFileError(plan.path, str(rejected)) from None
    report("stored", count, count)
    return ImportResult(run=resolve_run(ws, run_id), items=count, skipped=[], format=plan.fmt)


def _refuse_deep_metadata(cur, path: Path, run_id: int) -> None:
    """The bulk reader takes any depth; refuse what the careful reader (and every later json.loads) cannot."""
    for line, metadata in import_queries.bracketed_metadata(cur, run_id, lines.MAX_DEPTH):
        if lines.nesting_depth(metadata) > lines.MAX_DEPTH:
            raise BadInputError(path, f"nested more than {lines.MAX_DEPTH} levels deep", line=line)


def _write_run(ws: Workspace, plan: _Plan, splits: SplitOptions, insert: Callable, id_field: str | None = None):
    """Insert the run and its items in one transaction; duplicate ids or no items undo it all."""
    with ws.db.transaction() as cur:
        run_id = insert_run(
            cur,
            unique_run_name(ws, plan.name),
            model=plan.model,
            source_path=str(plan.path.resolve()),
            source_format=plan.fmt,
        )
        count = insert(cur, run_id)
        if count == 0:
            raise BadFileError(plan.path, "no items to import")
        duplicate = import_queries.first_duplicate_id(cur, run_id)
        if duplicate:
            item_id, first_line, second_line = duplicate
            also = f" (also on line {first_line})" if first_line is not None else ""
            problem, field = f"duplicate item id {shown(item_id)}{also}", id_field or "id"
            if second_line is None:
                raise BadFileError(plan.path, problem, field=field)
            raise BadInputError(plan.path, problem, line=second_line, field=field)
        if splits.held_out_share:
            import_queries.mark_held_out(cur, run_id, splits.held_out_share, splits.seed)
        import_queries.set_run_settings(cur, run_id, plan.settings | _split_settings(splits))
    return run_id, count


def _split_settings(splits: SplitOptions) -> dict:
    if splits.held_out_share:
        return {"held_out_share": splits.held_out_share, "seed": splits.seed}
    return {"split": splits.split}
