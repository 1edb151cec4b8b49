"""Generic JSONL / CSV / Parquet files import through a field mapping, with splits chosen by the user."""

import json

import pyarrow as pa
import pyarrow.parquet as pq

from curator.importers import FieldMapping, SplitOptions, import_file
from curator.storage.items import get_item, iter_items

GENERIC = "generic"


def _items(ws, result):
    return list(iter_items(ws.db, result.run.run_id))


def _write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_gsm8k_test_set_maps_question_and_answer_by_name(workspace, real_logs):
    result = import_file(workspace, real_logs / GENERIC / "gsm8k_test.jsonl")
    first = get_item(workspace.db, result.run.run_id, 0)
    assert (result.format, result.items, result.run.name) == ("jsonl", 1319, "gsm8k_test")
    assert first.input.startswith("Janet’s ducks lay 16 eggs per day.")
    assert first.target.endswith("#### 18") and first.output is None
    assert result.run.settings["mapping"] == {"input": "question", "target": "answer"}


def test_gsm8k_solutions_output_nested_under_a_model_key(workspace, real_logs):
    mapping = FieldMapping(target="ground_truth", output="175b_verification.solution")
    result = import_file(workspace, real_logs / GENERIC / "gsm8k_example_model_solutions.jsonl", mapping=mapping)
    first = get_item(workspace.db, result.run.run_id, 0)
    assert result.items == 1319
    assert first.output.startswith("Janet eats 3 duck eggs for breakfast and bakes 4 into muffins")
    assert first.output.endswith("A: 18") and first.target.endswith("A: 18")
    assert first.metadata["6b_finetuning"]["is_correct"] is False  # the other models stay in metadata
    assert "ground_truth" not in first.metadata and "question" not in first.metadata


def test_ifeval_prompts_and_responses(workspace, real_logs):
    responses = import_file(workspace, real_logs / GENERIC / "input_response_data_gpt4_20231107_145030.jsonl")
    first = get_item(workspace.db, responses.run.run_id, 0)
    assert responses.items == 541 and first.output.startswith("Raymond III was the Count of Tripoli")
    inputs = import_file(workspace, real_logs / GENERIC / "input_data.jsonl")
    first = get_item(workspace.db, inputs.run.run_id, 0)
    assert (inputs.items, first.item_id) == (541, "1000")  # `key` is taken as the id
    assert first.metadata["instruction_id_list"][0] == "punctuation:no_comma"


def test_careful_path_stores_the_same_items_as_the_bulk_path(workspace, real_logs):
    path = real_logs / GENERIC / "gsm8k_example_model_solutions.jsonl"
    mapping = FieldMapping(target="ground_truth", output="6b_finetuning.solution")
    bulk = import_file(workspace, path, mapping=mapping)
    careful = import_file(workspace, path, mapping=mapping, skip_bad_lines=True)
    assert careful.skipped == []
    assert [i.__dict__ | {"run_id": 0} for i in _items(workspace, bulk)] == [
        i.__dict__ | {"run_id": 0} for i in _items(workspace, careful)
    ]


def test_chat_messages_input_and_numbers_as_ids_and_targets(workspace, tmp_path):
    path = _write_jsonl(
        tmp_path / "chat.jsonl",
        [
            {
                "n": 7,
                "messages": [{"role": "system", "content": "Answer briefly."}, {"role": "user", "content": "2+2?"}],
                "gold": 4,
                "reply": {"text": "4"},
            },
            {"n": 8, "messages": [{"role": "user", "content": "3+3?"}], "gold": 6.5, "reply": {"text": "6"}},
        ],
    )
    mapping = FieldMapping(input="messages", target="gold", output="reply.text", id="n")
    for skip in (False, True):  # bulk SQL path and record-by-record path agree
        result = import_file(workspace, path, mapping=mapping, skip_bad_lines=skip)
        first, second = _items(workspace, result)
        assert first.input_messages == [
            {"role": "system", "content": "Answer briefly."},
            {"role": "user", "content": "2+2?"},
        ]
        assert first.input == "system: Answer briefly.\n\nuser: 2+2?"
        assert (first.item_id, first.target, first.output) == ("7", "4", "4")
        assert (second.input, second.input_messages, second.target) == (
            "3+3?",
            [{"role": "user", "content": "3+3?"}],
            "6.5",
        )


def test_csv_with_quoted_commas_and_newlines(workspace, tmp_path):
    path = tmp_path / "evals.csv"
    path.write_text('id,prompt,answer,response\nq1,"Add 2, then 2",4,4\nq2,"Two\nlines",6,\n', encoding="utf-8")
    result = import_file(workspace, path)
    first, second = _items(workspace, result)
    assert (result.format, result.items) == ("csv", 2)
    assert (first.item_id, first.input, first.target, first.output) == ("q1", "Add 2, then 2", "4", "4")
    assert (second.input, second.output) == ("Two\nlines", None)


def test_parquet_with_nested_fields_and_messages(workspace, tmp_path):
    path = tmp_path / "evals.parquet"
    pq.write_table(
        pa.table(
            {
                "id": [1, 2],
                "chat": [
                    [{"role": "user", "content": "Weather in Paris?"}],
                    [{"role": "user", "content": "And Rome?"}],
                ],
                "result": [
                    {"text": "<display_weather>☀</display_weather>", "score": 1.0},
                    {"text": "Rainy", "score": 0.0},
                ],
            }
        ),
        path,
    )
    result = import_file(workspace, path, mapping={"input": "chat", "output": "result.text"})
    first, second = _items(workspace, result)
    assert (result.format, result.items) == ("parquet", 2)
    assert (first.item_id, first.input, first.output) == (
        "1",
        "Weather in Paris?",
        "<display_weather>☀</display_weather>",
    )
    assert first.metadata["result"]["score"] == 1.0
    assert second.source_line == 2


def test_split_option_field_and_seeded_share(workspace, tmp_path):
    rows = [{"id": f"i{n}", "input": f"question {n}", "part": "held_out" if n % 3 == 0 else "dev"} for n in range(40)]
    path = _write_jsonl(tmp_path / "items.jsonl", rows)
    all_held = import_file(workspace, path, splits=SplitOptions(split="held_out"))
    assert {i.split for i in _items(workspace, all_held)} == {"held_out"}
    by_field = import_file(workspace, path, mapping={"split": "part"})
    assert [i.split for i in _items(workspace, by_field)] == [r["part"] for r in rows]
    shuffled = _write_jsonl(tmp_path / "reversed.jsonl", list(reversed(rows)))
    first = import_file(workspace, path, splits=SplitOptions(held_out_share=0.5, seed=3))
    again = import_file(workspace, shuffled, splits=SplitOptions(held_out_share=0.5, seed=3))
    held = {i.item_id for i in _items(workspace, first) if i.split == "held_out"}
    assert held == {i.item_id for i in _items(workspace, again) if i.split == "held_out"}  # same ids, any order
    assert 10 <= len(held) <= 30
    other_seed = import_file(workspace, path, splits=SplitOptions(held_out_share=0.5, seed=4))
    assert held != {i.item_id for i in _items(workspace, other_seed) if i.split == "held_out"}


def test_format_override_and_run_names(workspace, real_logs, tmp_path):
    path = tmp_path / "answers.txt"
    path.write_text('{"prompt": "hi", "completion": "hello"}\n', encoding="utf-8")
    result = import_file(workspace, path, format="jsonl", name="greetings", model="my-model")
    assert (result.format, result.run.name, result.run.model, result.items) == ("jsonl", "greetings", "my-model", 1)
    second = import_file(workspace, path, format="jsonl", name="greetings")
    assert second.run.name == "greetings-2"
