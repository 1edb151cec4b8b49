"""The bad-input corpus: each broken file is refused with one line naming file, line and field, and changes nothing."""

import json
from pathlib import Path

import pytest

from curator.errors import BadInputError, CuratorError
from curator.importers import FieldMapping, import_file
from curator.storage.items import iter_items
from curator.storage.runs import table_counts

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"

# file, options, the parts the one-line message must contain (besides the file's path)
REFUSED = [
    ("truncated_last_line.jsonl", {}, ["line 4: invalid JSON", "is the last line cut short?"]),
    ("invalid_json_line3.jsonl", {}, ["line 3: invalid JSON: Expecting ',' delimiter at column 34"]),
    ("non_utf8.jsonl", {}, ["line 2: not UTF-8 text (byte 0xe9 at column 23)"]),
    ("empty.jsonl", {}, ["the file is empty"]),
    ("missing_input.jsonl", {}, ["line 2, field 'input': missing (every item needs an input)"]),
    ("output_number.jsonl", {}, ["line 2, field 'output': expected text, got a number"]),
    ("input_object.jsonl", {}, ["line 3, field 'input': expected text or a list of chat messages, got an object"]),
    ("duplicate_ids.jsonl", {}, ["line 4, field 'id': duplicate item id 'b' (also on line 2)"]),
    ("target_list.jsonl", {}, ["line 2, field 'target': expected text or a number, got a list"]),
    ("not_an_object.jsonl", {}, ["line 2: expected a JSON object, got a list"]),
    (
        "bad_messages.jsonl",
        {},
        ["line 2, field 'input': message 2 is not a chat message with text 'role' and 'content'"],
    ),
    (
        "bad_split_value.jsonl",
        {"mapping": FieldMapping(split="split")},
        ["line 2, field 'split': 'test' is not a split (use dev or held_out)"],
    ),
    ("missing_id.jsonl", {}, ["line 2, field 'id': missing"]),
    ("blank_lines_then_bad.jsonl", {}, ["line 4, field 'output': expected text, got true/false"]),
    ("ragged.csv", {}, ["line 3: has 5 fields but the header has 4"]),
    ("non_utf8.csv", {}, ["line 3: not UTF-8 text (byte 0xe9 at column 6)"]),
    ("unknown_format.xml", {}, ["cannot tell the format", "--format"]),
    ("binary.bin", {}, ["cannot tell the format"]),
    ("not_inspect.zip", {}, ["a zip file that is not an Inspect .eval log"]),
    (
        "samples_brokentask_2024-01-01T00-00-00.000000.jsonl",
        {},
        ["line 2, field 'arguments': missing or not the harness's request arguments"],
    ),
    ("inspect_no_samples.json", {}, ["no items to import"]),
    # Inspect writes choice objects: a list of bare texts is refused, never imported as an item without output.
    ("inspect_choices_texts.json", {}, ["sample 1, field 'output.choices.0': expected a choice object, got text"]),
    (
        "eval_choices_texts.eval",
        {},
        ["samples/1_epoch_1.json, field 'output.choices.0': expected a choice object, got text"],
    ),
    ("promptfoo_no_results.json", {}, ["field 'results.results': not a promptfoo results file: no list of results"]),
    (
        "ragged.csv",
        {"format": "xml"},
        ["unknown format 'xml' (choose one of lm_eval, inspect, promptfoo, jsonl, csv, parquet)"],
    ),
]


@pytest.fixture
def used_workspace(workspace, real_logs):
    """A workspace that already holds a run, so 'nothing changed' is tested against non-empty tables."""
    import_file(workspace, real_logs / "lm-eval" / "samples_gsm8k_2025-04-30T18-24-41.082644.jsonl")
    return workspace


@pytest.mark.parametrize(("name", "options", "parts"), REFUSED, ids=[f"{r[0]}{'+' if r[1] else ''}" for r in REFUSED])
def test_bad_file_is_refused_with_one_line_and_changes_nothing(used_workspace, name, options, parts):
    before = table_counts(used_workspace.db)
    with pytest.raises(BadInputError) as caught:
        import_file(used_workspace, BAD / name, **options)
    message = str(caught.value)
    assert message.startswith(f"{BAD / name}: ")
    assert "\n" not in message
    for part in parts:
        assert part in message
    assert table_counts(used_workspace.db) == before


def test_a_directory_is_refused(used_workspace):
    before = table_counts(used_workspace.db)
    with pytest.raises(BadInputError) as caught:
        import_file(used_workspace, BAD)
    assert str(caught.value) == f"{BAD}: is a directory, not a file: name one log file inside it"
    assert table_counts(used_workspace.db) == before


def test_a_bad_inspect_sample_is_named_by_its_position(used_workspace, tmp_path):
    log = {
        "version": 2,
        "status": "success",
        "eval": {"task": "t", "model": "m"},
        "samples": [{"id": 1, "epoch": 1, "input": "q", "target": "a"}, {"epoch": 1, "input": "q2", "target": "b"}],
    }
    path = tmp_path / "log.json"
    path.write_text(json.dumps(log), encoding="utf-8")
    before = table_counts(used_workspace.db)
    with pytest.raises(BadInputError) as caught:
        import_file(used_workspace, path)
    assert str(caught.value) == f"{path}: sample 2, field 'id': the sample has no id"
    assert table_counts(used_workspace.db) == before
    result = import_file(used_workspace, path, skip_bad_lines=True)
    assert result.items == 1 and [s.problem for s in result.skipped] == ["sample 2: the sample has no id"]


def test_mapping_options_are_refused_for_harness_logs(used_workspace, real_logs):
    before = table_counts(used_workspace.db)
    with pytest.raises(CuratorError, match="map fields of jsonl, csv and parquet files"):
        import_file(used_workspace, real_logs / "inspect" / "log_streaming.eval", mapping={"output": "x"})
    assert table_counts(used_workspace.db) == before


@pytest.mark.parametrize(
    ("name", "lines"), [("bom.jsonl", [1, 2, 3]), ("crlf.jsonl", [1, 2, 3]), ("blank_lines.jsonl", [1, 3, 5])]
)
def test_files_that_are_fine_import(workspace, name, lines):
    result = import_file(workspace, BAD / name)
    items = list(iter_items(workspace.db, result.run.run_id))
    assert [i.source_line for i in items] == lines
    assert [(i.item_id, i.input, i.output) for i in items] == [
        ("a", "What is 2+2?", "4"),
        ("b", "What is 3+3?", "6"),
        ("c", "What is 4+4?", "9"),
    ]


def test_a_ten_megabyte_field_imports(workspace, tmp_path):
    big = "word " * 2_000_000
    path = tmp_path / "big_field.jsonl"
    path.write_text(
        json.dumps({"id": "long", "input": "Summarise this.", "output": big})
        + "\n"
        + json.dumps({"id": "short", "input": "Hi", "output": "Hello"})
        + "\n",
        encoding="utf-8",
    )
    result = import_file(workspace, path)
    long_item = next(iter_items(workspace.db, result.run.run_id))
    assert result.items == 2 and long_item.output == big


def test_skip_bad_lines_imports_the_good_rows_and_names_the_bad_ones(workspace, tmp_path):
    good = [json.dumps({"id": f"g{n}", "input": f"question {n}", "output": "answer"}) for n in range(4)]
    lines = [
        good[0],
        '{"id": "x", "input": ',
        good[1],
        json.dumps({"id": "y", "input": "q", "output": 3}),
        good[2],
        json.dumps({"id": "g0", "input": "again", "output": "a"}),
        good[3],
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(BadInputError, match="line 2: invalid JSON"):
        import_file(workspace, path)
    result = import_file(workspace, path, skip_bad_lines=True)
    assert [i.item_id for i in iter_items(workspace.db, result.run.run_id)] == ["g0", "g1", "g2", "g3"]
    assert [(s.line, s.field) for s in result.skipped] == [(2, None), (4, "output"), (6, "id")]
    assert result.skipped[2].describe() == "line 6, field 'id': duplicate item id 'g0' (also on line 1)"
    assert result.run.settings["skipped"] == 3


def test_skip_bad_lines_over_a_ragged_csv(workspace):
    result = import_file(workspace, BAD / "ragged.csv", skip_bad_lines=True)
    assert [i.item_id for i in iter_items(workspace.db, result.run.run_id)] == ["a", "c"]
    assert [s.describe() for s in result.skipped] == ["line 3: has 5 fields but the header has 4"]


def test_a_damaged_parquet_file_named_as_parquet_is_one_line(workspace, tmp_path):
    from curator.importers import import_file
    from curator.storage.runs import table_counts

    bad = tmp_path / "damaged.parquet"
    bad.write_bytes(b"PAR1 this is not really parquet")
    before = table_counts(workspace.db)
    with pytest.raises(BadInputError) as caught:
        import_file(workspace, bad, format="parquet")
    assert str(caught.value).startswith(f"{bad}: not a readable Parquet file")
    assert table_counts(workspace.db) == before


def test_an_lm_eval_results_summary_points_to_the_samples_file(workspace, real_logs):
    from curator.importers import import_file
    from curator.storage.runs import table_counts

    summary = real_logs / "lm-eval" / "results_2024-08-21T03-44-09.494230.json"
    before = table_counts(workspace.db)
    with pytest.raises(BadInputError) as caught:
        import_file(workspace, summary)
    message = str(caught.value)
    assert message.startswith(f"{summary}: an lm-evaluation-harness results summary (aggregate metrics, no items)")
    assert "samples_asdiv_2024-08-21T03-44-09.494230.jsonl" in message
    assert table_counts(workspace.db) == before
