"""The bulk path (DuckDB's readers) and the careful path (`--skip-bad-lines`, line by line) agree on every file:
the same items with the same lines, or the same bad line named the same way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curator.errors import BadInputError
from curator.importers import FieldMapping, import_file
from curator.storage.items import iter_items
from curator.storage.runs import table_counts
from curator.workspace import Workspace

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"


def _items(ws: Workspace, run_id: int) -> list[tuple]:
    return [(i.item_id, i.input, i.output, i.metadata, i.source_line) for i in iter_items(ws.db, run_id)]


def _both_paths(tmp_path: Path, path: Path, **options):
    """(bulk result, careful result): each an item list, or the one-line error / skipped line."""
    outcomes = []
    for careful in (False, True):
        with Workspace.open(tmp_path / f"ws-{careful}") as ws:
            try:
                result = import_file(ws, path, skip_bad_lines=careful, **options)
            except BadInputError as error:
                outcomes.append(("refused", str(error).removeprefix(f"{path}: ")))
                continue
            skipped = [s.describe() for s in result.skipped]
            outcomes.append(("skipped", skipped[0]) if skipped else ("imported", _items(ws, result.run.run_id)))
    return outcomes


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("lone_surrogate_line3.jsonl", "line 3, field 'input': text holds a lone surrogate \\ud800"),
        ("lone_low_surrogate_output.jsonl", "line 2, field 'output': text holds a lone surrogate \\udc00"),
        ("deep_nesting_line2.jsonl", "line 2: nested more than 200 levels deep"),
        ("deep_nesting_output.jsonl", "line 2: nested more than 200 levels deep"),
        ("csv_multiline_then_ragged.csv", "line 4: has 4 fields but the header has 3"),
    ],
)
def test_a_bad_line_is_named_the_same_on_both_paths(tmp_path, name, problem):
    (bulk, bulk_problem), (careful, careful_problem) = _both_paths(tmp_path, BAD / name)
    assert (bulk, careful) == ("refused", "skipped")
    assert bulk_problem.startswith(problem)
    assert careful_problem == bulk_problem


def test_a_lone_surrogate_on_the_last_line_without_a_newline_is_on_that_line(tmp_path):
    path = tmp_path / "three_lines.jsonl"
    path.write_text((BAD / "lone_surrogate_line3.jsonl").read_text(encoding="utf-8").rstrip("\n"), encoding="utf-8")
    (_, bulk_problem), (_, careful_problem) = _both_paths(tmp_path, path)
    assert bulk_problem.startswith("line 3, field 'input'") and careful_problem == bulk_problem


def test_duplicate_keys_keep_the_first_value_on_both_paths(tmp_path):
    (bulk, bulk_items), (careful, careful_items) = _both_paths(tmp_path, BAD / "duplicate_keys.jsonl")
    assert bulk == careful == "imported"
    assert bulk_items == careful_items
    assert bulk_items[0][:3] == ("a", "What is 2+2?", "4")


def test_csv_rows_after_a_quoted_multi_line_field_keep_their_first_line(tmp_path):
    (bulk, bulk_items), (careful, careful_items) = _both_paths(tmp_path, BAD / "csv_multiline_field.csv")
    assert bulk == careful == "imported"
    assert bulk_items == careful_items
    assert [(i[0], i[1], i[4]) for i in bulk_items] == [
        ("a", "What is\n2+2?", 2),
        ("b", "What is 3+3?", 4),
        ("c", "three\nline\nquestion", 6),
    ]


@pytest.mark.parametrize("name", ["csv_duplicate_header.csv", "csv_duplicate_header_escape.csv"])
def test_a_csv_header_naming_a_column_twice_is_refused_on_both_paths(tmp_path, name):
    outcomes = _both_paths(tmp_path, BAD / name)
    assert [kind for kind, _ in outcomes] == ["refused", "refused"]
    assert outcomes[0][1] == outcomes[1][1]
    assert "the header names column" in outcomes[0][1] and "\x1b" not in outcomes[0][1]


def test_a_record_over_the_bulk_readers_maximum_object_size_imports_on_both_paths(tmp_path):
    big = "x" * (40 << 20)  # past what DuckDB's JSON reader takes by default (16 MB maximum_object_size, ~32 MB read)
    path = tmp_path / "big_record.jsonl"
    path.write_text(
        json.dumps({"id": "a", "input": "q", "output": big}) + "\n" + json.dumps({"id": "b", "input": "q2"}) + "\n"
    )
    (bulk, bulk_items), (careful, careful_items) = _both_paths(tmp_path, path)
    assert bulk == careful == "imported"
    assert bulk_items == careful_items and bulk_items[0][2] == big


@pytest.mark.parametrize(
    ("name", "mapping", "fields"),
    [
        ("mapped_output_typo.jsonl", {"output": "outptu"}, "id, input, output"),
        ("mapped_column_missing.csv", {"output": "answer"}, "id, input, output"),
        ("mapped_nested_typo.jsonl", {"output": "model.solutoin"}, "model.solution"),
    ],
)
def test_a_mapped_field_no_record_has_is_refused_with_the_fields_there_are(workspace, name, mapping, fields):
    before = table_counts(workspace.db)
    for careful in (False, True):
        with pytest.raises(BadInputError) as caught:
            import_file(workspace, BAD / name, mapping=FieldMapping(**mapping), skip_bad_lines=careful)
        dotted = next(iter(mapping.values()))
        assert str(caught.value) == (
            f"{BAD / name}: field '{dotted}': no record has the field '{dotted}' named by --output (fields: {fields})"
        )
    assert table_counts(workspace.db) == before


def test_a_mapped_field_only_later_records_have_is_accepted(workspace, tmp_path):
    path = tmp_path / "sparse.jsonl"
    path.write_text('{"input": "q1"}\n{"input": "q2", "answer": "a2"}\n', encoding="utf-8")
    result = import_file(workspace, path, mapping=FieldMapping(output="answer"))
    assert [i.output for i in iter_items(workspace.db, result.run.run_id)] == [None, "a2"]


def test_a_pipe_and_an_unreadable_file_are_one_line(workspace, tmp_path, monkeypatch):
    import os

    pipe = tmp_path / "log.fifo"
    os.mkfifo(pipe)
    with pytest.raises(BadInputError) as caught:
        import_file(workspace, pipe)
    assert str(caught.value) == f"{pipe}: not a regular file (a pipe, socket or device): copy the log to a file first"

    locked = tmp_path / "locked.jsonl"
    locked.write_text('{"input": "q"}\n', encoding="utf-8")
    real_open = Path.open

    def refuse(self, *args, **kwargs):
        if self == locked:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(BadInputError) as caught:
        import_file(workspace, locked)
    assert str(caught.value) == f"{locked}: cannot read the file (Permission denied)"
