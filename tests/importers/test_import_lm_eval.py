"""lm-evaluation-harness `--log_samples` files import with the prompt, target, rendered output and metrics."""

import json

import pytest

from curator.importers import import_file
from curator.storage.items import get_item, iter_items


def _items(ws, run):
    return list(iter_items(ws.db, run.run_id))


def test_asdiv_loglikelihood_log_with_its_results_file(workspace, real_logs):
    result = import_file(workspace, real_logs / "lm-eval" / "samples_asdiv_2024-08-21T03-44-09.494230.jsonl")
    assert (result.format, result.items, result.run.name) == ("lm_eval", 50, "asdiv")
    assert result.run.model == "meta-llama/Meta-Llama-3-8B-Instruct"
    first = get_item(workspace.db, result.run.run_id, 0)
    assert first.item_id == "0"
    assert first.target == "9"
    assert first.input.endswith(
        "Seven red apples and two green apples are in the basket.\nQuestion:How many apples are in "
        "the basket?\nAnswer:<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"
    )
    assert first.output == "9"  # the greedy continuation, since is_greedy was True
    assert first.metadata["metrics"] == {"acc": 1}
    assert first.metadata["choice_logprobs"] == [
        {"continuation": "9", "logprob": -9.536740890325746e-07, "greedy": True}
    ]
    assert first.source_line == 1


def test_multiple_choice_output_is_the_best_scoring_choice(workspace, real_logs):
    result = import_file(
        workspace, real_logs / "lm-eval" / "samples_bias_classification_2024-06-17T15-44-37.867068.json"
    )
    assert (result.format, result.items, result.run.model) == ("lm_eval", 609, "meta-llama/Meta-Llama-3-8B")
    first = get_item(workspace.db, result.run.run_id, 0)
    assert (first.target, first.output) == ("B", "B")  # logprobs "-0.98" (A) and "-0.85" (B), stored as strings
    assert first.metadata["chosen_index"] == 1
    assert first.metadata["metrics"] == {"acc": 1.0, "f1": [1, 1], "acc_norm": 1.0}
    assert first.input.startswith("Given a sentence, predict if the sentence contains a bias or not.")


def test_generation_keeps_raw_output_and_filtered_answer(workspace, real_logs):
    result = import_file(workspace, real_logs / "lm-eval" / "samples_gsm8k_2025-04-30T18-24-41.082644.jsonl")
    first = get_item(workspace.db, result.run.run_id, 0)
    assert result.items == 3 and result.run.model == "tinyllama"
    assert first.output.startswith("Warequrng chi edizaghi")
    assert first.metadata["filtered_output"] == "[invalid]"
    assert first.metadata["filter"] == "strict-match"
    assert first.target.endswith("#### 18")


def test_chat_prompt_becomes_messages_and_infinity_metric_stays_json(workspace, real_logs):
    result = import_file(
        workspace, real_logs / "lm-eval" / "samples_polymer_tg_prediction_2025-06-30T19-40-09.461247.jsonl"
    )
    first = get_item(workspace.db, result.run.run_id, 0)
    assert result.items == 24 and result.run.model == "gpt-4o-mini"
    assert first.input_messages[0]["role"] == "user"
    assert first.input_messages[0]["content"].startswith("You are an expert polymer chemist.")
    assert first.input == first.input_messages[0]["content"]
    assert (first.target, first.output) == ("42.35931484", "Tg: 200")
    assert first.metadata["metrics"]["mae"] == "Infinity"  # bare Infinity in the log, strict JSON in the workspace


@pytest.mark.parametrize(
    ("name", "count", "model", "target", "output"),
    [
        (
            "samples_truthfulqa_gen_2025-05-31T14-30-51.983293.jsonl",
            20,
            "EleutherAI/gpt-neo-125M",
            " ",
            "\nA: I eat watermelon seeds.",
        ),
        (
            "samples_negotiationtom_intention_2026-07-08T18-15-33.115417.jsonl",
            20,
            "Qwen/Qwen3-8B",
            "Discover-Preference,Promote-Coordination",
            "A  ",
        ),
    ],
)
def test_other_generation_logs(workspace, real_logs, name, count, model, target, output):
    result = import_file(workspace, real_logs / "lm-eval" / name)
    first = get_item(workspace.db, result.run.run_id, 0)
    assert (result.items, result.run.model, first.target, first.output) == (count, model, target, output)


def test_list_valued_metrics_are_kept(workspace, real_logs):
    result = import_file(
        workspace, real_logs / "lm-eval" / "samples_negotiationtom_intention_2026-07-08T18-15-33.115417.jsonl"
    )
    first = _items(workspace, result.run)[0]
    assert first.metadata["metrics"]["micro_f1"] == [["Promote-Coordination", "Discover-Preference"], ["Build-Rapport"]]
    assert first.metadata["metrics"]["exact_match"] == 0.0


def test_two_filters_of_one_document_make_one_item_and_index_targets_name_the_choice(workspace, tmp_path):
    generation = {
        "doc_id": 0,
        "doc": {"q": "2+2"},
        "target": "4",
        "resps": [["The answer is 4."]],
        "arguments": {"gen_args_0": {"arg_0": "Q: 2+2\nA:", "arg_1": {"until": ["\n"]}}},
    }
    rows = [
        generation | {"filter": "strict-match", "filtered_resps": ["[invalid]"], "exact_match": 0.0},
        generation | {"filter": "flexible-extract", "filtered_resps": ["4"], "exact_match": 1.0},
        {
            "doc_id": 1,
            "doc": {},
            "target": 1,
            "filter": "none",
            "acc": 0.0,
            "arguments": {
                "gen_args_0": {"arg_0": "Sky colour?", "arg_1": " green"},
                "gen_args_1": {"arg_0": "Sky colour?", "arg_1": " blue"},
            },
            "resps": [[["-0.5", "False"]], [["-1.5", "False"]]],
            "filtered_resps": [["-0.5", "False"], ["-1.5", "False"]],
        },
        {
            "doc_id": 2,
            "doc": {},
            "target": " blue",
            "filter": "none",
            "acc": 0.0,
            "arguments": {"gen_args_0": {"arg_0": "Sky colour?", "arg_1": " blue"}},
            "resps": [[["-2.25", "False"]]],
            "filtered_resps": [["-2.25", "False"]],
        },
    ]
    path = tmp_path / "samples_toy_2025-01-01T00-00-00.000000.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = import_file(workspace, path)
    first, choice, single = _items(workspace, result.run)
    assert (result.items, result.run.name, result.run.model) == (3, "toy", None)
    assert (first.output, first.metadata["filtered_output"], first.metadata["metrics"]) == (
        "The answer is 4.",
        "[invalid]",
        {"exact_match": 0.0},
    )
    assert first.metadata["other_filters"]["flexible-extract"] == {
        "metrics": {"exact_match": 1.0},
        "filtered_output": "4",
    }
    assert (choice.target, choice.output) == ("blue", "green")  # gold index 1; the model preferred choice 0
    assert single.output == "[not the greedy continuation: logprob -2.25 for 'blue']"
