"""Cache keys: the same prompt, model, parameters and sample give the same key; any change gives another."""

import os

from curator.checks.judging.cache_keys import cache_key, endpoint_identity, folder_identity, model_identity
from curator.checks.judging.plan import JudgePlan, verdicts


def _folder(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text('{"hidden_size": 8}', encoding="utf-8")
    (folder / "model.safetensors").write_bytes(b"\0" * 16)
    return folder


def test_a_folder_identity_changes_with_its_config_and_its_weight_files(tmp_path):
    folder = _folder(tmp_path)
    first = folder_identity(folder)
    assert first == folder_identity(folder) and first.startswith("folder:")
    (folder / "config.json").write_text('{"hidden_size": 9}', encoding="utf-8")
    os.utime(folder / "config.json", ns=(0, 0))
    second = folder_identity(folder)
    assert second != first
    (folder / "model.safetensors").write_bytes(b"\0" * 17)
    assert folder_identity(folder) != second


def test_an_endpoint_identity_is_its_url_and_model_name():
    assert endpoint_identity("http://h:1/v1/", "m") == "endpoint:http://h:1/v1|m"
    assert model_identity({"endpoint": "http://h:1/v1", "model": "m"}) == "endpoint:http://h:1/v1|m"


def test_every_part_of_the_key_matters():
    params = {"temperature": 0.0, "seed": 0, "max_new_tokens": 8}
    key = cache_key("p", "model:a", params, 0)
    assert key == cache_key("p", "model:a", dict(reversed(params.items())), 0)
    others = {
        cache_key("q", "model:a", params, 0),
        cache_key("p", "model:b", params, 0),
        cache_key("p", "model:a", {**params, "seed": 1}, 0),
        cache_key("p", "model:a", params, 1),
    }
    assert key not in others and len(others) == 4


def test_a_plan_asks_each_prompt_and_sample_once_and_reads_answers_back():
    plan = JudgePlan("endpoint:u|m", {"temperature": 0.7, "seed": 0, "max_new_tokens": 8})
    plan.add(1, "same prompt", samples=3)
    plan.add(2, "same prompt", samples=3)
    plan.add(3, "other prompt", samples=3)
    assert len(plan.requests) == 6 and [r.sample_index for r in plan.requests.values()][:3] == [0, 1, 2]
    first = list(plan.requests)[:3]
    cached = {first[0]: "Verdict: PASS"}
    assert len(plan.missing(cached)) == 5
    answers = dict.fromkeys(plan.requests, "FAIL") | {first[0]: "PASS", first[1]: "PASS"}
    got = {key: (v.graded, v.passed, v.agreement) for key, v in verdicts(plan, answers, {"scale": "pass_fail"})}
    assert got == {1: (True, True, 2 / 3), 2: (True, True, 2 / 3), 3: (True, False, 1.0)}
    rows = plan.cache_rows({first[1]: "PASS"})
    assert rows == [
        {
            "cache_key": first[1],
            "model_id": "endpoint:u|m",
            "prompt_sha": plan.requests[first[1]].prompt_sha,
            "params": plan.params,
            "sample_index": 1,
            "answer": "PASS",
        }
    ]
