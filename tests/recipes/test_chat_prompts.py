"""What trains is what is evaluated: chat items keep their messages into every training row, the recipe's system
prompt applies in builds, and the prompt a training row is rendered with is the prompt eval renders."""

from __future__ import annotations

import json

import pytest

from curator.checks import load_spec_text, run_checks
from curator.errors import CuratorError
from curator.inference.chat import render_prompt
from curator.recipes import library as recipes
from curator.recipes.freezing import check_rows
from curator.recipes.prompts import attach_messages
from curator.recipes.spec import spec_from_dict
from curator.review.runs import create_run_from_records
from curator.training.dataset_file import read_rows, to_trl_rows

CHECKS = '[[check]]\nname = "one_word"\nkind = "regex"\npattern = "^[a-z]+$"\n'
SYSTEM = "You answer with one lower-case word."


def _messages(question: str) -> list[dict]:
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": question}]


def chat_run(ws):
    """Dev items given as chat messages (system + user); their `input` is the flattened text, as importers store it."""
    questions = [("Colour of the sky?", "blue"), ("Colour of grass?", "green"), ("Colour of snow?", "white")]
    records = [
        {
            "item_id": f"q{n}",
            "input": f"system: {SYSTEM}\n\nuser: {question}",
            "input_messages": _messages(question),
            "target": answer,
            "output": answer,
            "split": "dev",
        }
        for n, (question, answer) in enumerate(questions)
    ]
    run = create_run_from_records(ws, "chat", records)
    run_checks(ws, run.run_id, load_spec_text(CHECKS))
    return run, records


def _build(ws, sources: list[dict], total: int, **extra):
    recipes.save_recipe(ws, spec_from_dict({"name": "mix", "total": total, "sources": sources, **extra}))
    version = recipes.build(ws, "mix")
    return version, [json.loads(line) for line in open(version.path, encoding="utf-8")]


def _tokenizer(model_dir):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    assert tokenizer.chat_template  # the tiny model renders chats as the real one does
    return tokenizer


def _trained_prompts(path, tokenizer) -> list[str]:
    """The prompt text TRL's SFT trainer renders for each row of a dataset file (as the training child reads it)."""
    from trl.data_utils import apply_chat_template

    rows = to_trl_rows(read_rows(path, "sft"), conversational=True)
    return [
        apply_chat_template({"prompt": r["prompt"], "completion": r["completion"]}, tokenizer)["prompt"] for r in rows
    ]


def test_replay_rows_of_chat_items_carry_their_messages(workspace):
    _run, records = chat_run(workspace)
    _version, rows = _build(workspace, [{"name": "replay", "kind": "replay", "run": "chat", "share": 1}], 3)
    by_text = {r["input"]: r["input_messages"] for r in records}
    assert rows and all(row["prompt_messages"] == by_text[row["prompt"]] for row in rows)


def test_a_training_row_is_rendered_with_the_prompt_eval_renders_for_its_item(workspace, demo_model_dir):
    _run, records = chat_run(workspace)
    version, rows = _build(workspace, [{"name": "replay", "kind": "replay", "run": "chat", "share": 1}], 3)
    tokenizer = _tokenizer(demo_model_dir)
    eval_prompts = {r["input"]: render_prompt(tokenizer, r["input_messages"]) for r in records}  # what eval shows
    trained = _trained_prompts(version.path, tokenizer)
    assert trained == [eval_prompts[row["prompt"]] for row in rows]
    assert all(f"<|system|>{SYSTEM}<|end|>" in p and "system: " not in p for p in trained)


def test_the_recipes_system_prompt_applies_in_training_builds(workspace, demo_model_dir):
    seed = {"name": "seed", "kind": "seed", "share": 1, "rows": [{"prompt": "Say hi", "completion": "hi"}]}
    version, rows = _build(workspace, [seed], 1, system_prompt="Be brief.")
    assert rows[0]["prompt"] == "Say hi"  # the text the guard and the manifest read
    assert rows[0]["prompt_messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Say hi"},
    ]
    tokenizer = _tokenizer(demo_model_dir)
    assert _trained_prompts(version.path, tokenizer) == [render_prompt(tokenizer, rows[0]["prompt_messages"])]


def test_a_chat_item_with_its_own_system_turn_keeps_it_under_a_recipe_system_prompt(workspace):
    chat_run(workspace)
    _version, rows = _build(
        workspace, [{"name": "replay", "kind": "replay", "run": "chat", "share": 1}], 3, system_prompt="Other."
    )
    assert all([m["content"] for m in row["prompt_messages"] if m["role"] == "system"] == [SYSTEM] for row in rows)


def test_pair_label_and_sample_rows_get_their_items_messages_unless_the_prompt_was_edited(workspace):
    run, records = chat_run(workspace)
    pair = {"prompt": records[1]["input"], "chosen": "green", "rejected": "red"}
    edited = {"prompt": "Colour of grass, please?", "completion": "green"}
    lineage = {"source_run_id": run.run_id, "source_item_key": 1}
    plain = {"prompt": "no lineage", "completion": "x"}
    out = attach_messages(workspace, [pair | lineage, edited | lineage, plain])
    assert out[0]["prompt_messages"] == records[1]["input_messages"]
    assert "prompt_messages" not in out[1] and "prompt_messages" not in out[2]


def test_rows_that_train_nothing_are_refused_at_build_time_naming_them():
    good = {"prompt": "p", "completion": "ok", "source": "s"}
    with pytest.raises(CuratorError, match=r"1 row\(s\) have an empty completion: row 2 \(source 's', item 7\)"):
        check_rows([good, {"prompt": "p", "completion": "  ", "source": "s", "source_item_key": 7}])
    same = {"prompt": "p", "chosen": "a", "rejected": "a", "source": "pairs", "source_item_key": 3}
    with pytest.raises(CuratorError, match=r"chosen equal to rejected: row 1 \(source 'pairs', item 3\)"):
        check_rows([same])
    check_rows([good])  # nothing to refuse


def test_a_build_with_an_empty_completion_stores_nothing(workspace):
    seed = {"name": "seed", "kind": "seed", "share": 1, "rows": [{"prompt": "Say hi", "completion": ""}]}
    recipes.save_recipe(workspace, spec_from_dict({"name": "mix", "total": 1, "sources": [seed]}))
    with pytest.raises(CuratorError, match="empty completion: row 1"):
        recipes.build(workspace, "mix")
    assert recipes.list_versions(workspace) == []
    assert not (recipes.datasets_dir(workspace) / "mix").exists() or not any(
        p for p in (recipes.datasets_dir(workspace) / "mix").iterdir() if not p.name.startswith(".")
    )
