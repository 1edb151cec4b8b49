"""Method settings that need no training: refused settings, GRPO's reward, warmup as a share, the CLI's options."""

import re
from dataclasses import fields, replace

import pytest
from loopwork import SHORT_LORA, SHORT_TRAINER, weather_run, write_train_file
from typer.testing import CliRunner

from curator.checks.rewards import RewardSpec, grade_output
from curator.cli.main import app
from curator.demo.setup import demo_checks
from curator.errors import CuratorError
from curator.jobs import training as job_domain
from curator.training.dataset_file import read_rows, to_trl_rows
from curator.training.job import DTYPES, JobSpec, LoraSettings, TrainerSettings
from curator.training.rewards import checks_reward

GOOD = "<think>Weather is sunny. 15 + 17 = 32</think><answer>32</answer><display_weather>☀</display_weather>"
NO_TAG = "<think>Weather is sunny. 15 + 17 = 32</think><answer>32</answer>"
WRONG = "<think>Weather is sunny. 15 + 17 = 31</think><answer>31</answer><display_weather>☁</display_weather>"
PROMPT = "Max has 15 apples and gets 17 more. How many apples now?\n<api>weather: Bright sunshine!</api>"


def test_grpo_rewards_are_the_weighted_checks_of_each_sampled_completion():
    checks = demo_checks()
    weights = {"weather_tag": 0.5, "emoji": 0.3, "answer": 0.2}
    reward = checks_reward(checks, {"weights": weights, "partial": {}})
    completions = [[{"role": "assistant", "content": text}] for text in (GOOD, NO_TAG, WRONG)]
    got = reward([PROMPT] * 3, completions, input=[PROMPT] * 3, target=[GOOD] * 3)
    assert got == pytest.approx([1.0, 0.2, 0.5])  # no tag: only the answer; wrong: the tag but not emoji or answer
    mean = checks_reward(checks, {})([PROMPT], [NO_TAG], input=[PROMPT], target=[GOOD])
    applied = grade_output(checks, input=PROMPT, target=GOOD, output=NO_TAG)
    assert mean == [sum(passed for passed, _ in applied.values()) / len(applied)] == [RewardSpec().reward(applied)]


def test_grpo_rows_grade_against_the_target_or_the_fixed_completion(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text('{"prompt": "P", "completion": "C", "source": "fixes"}\n{"prompt": "Q", "target": "T"}\n')
    rows = to_trl_rows(read_rows(path, "grpo"), conversational=True, method="grpo")
    assert rows == [
        {"prompt": [{"role": "user", "content": "P"}], "input": "P", "target": "C"},
        {"prompt": [{"role": "user", "content": "Q"}], "input": "Q", "target": "T"},
    ]


@pytest.mark.parametrize(
    "row, message",
    [
        ('{"prompt": "p", "completion": "c", "label": "yes"}', "line 1: field 'label' must be true or false"),
        ('{"prompt": "p", "completion": "c"}', "line 1: a kto row needs 'prompt' and 'completion' and 'label'"),
        ('{"prompt": "p", ', "line 1: not a JSON object"),
    ],
)
def test_bad_kto_rows_are_named_by_file_and_line(tmp_path, row, message):
    path = tmp_path / "kto.jsonl"
    path.write_text(row + "\n")
    with pytest.raises(ValueError, match=re.escape(f"{path}: {message}")):
        read_rows(path, "kto")


@pytest.mark.parametrize("method", ["sft", "dpo", "kto", "grpo"])
def test_warmup_is_a_share_of_the_steps_for_every_method(tmp_path, method):
    from curator.training.methods import method_config

    trainer = replace(SHORT_TRAINER, method=method, warmup_ratio=0.25, max_steps=20, num_generations=4)
    job = JobSpec(dataset_file="d", base_model="m", output_dir=str(tmp_path), progress_file="p", trainer=trainer)
    config = method_config(job, "cpu")
    assert config.get_warmup_steps(20) == 5 and config.get_warmup_steps(40) == 10
    assert not config.bf16 and not config.gradient_checkpointing and config.use_cpu


@pytest.mark.parametrize(
    "trainer, message",
    [
        ({"method": "ppo"}, "--method must be one of sft, dpo, kto, grpo (got 'ppo')"),
        ({"warmup_ratio": 1.0}, "--warmup is a share of the steps: from 0 to below 1 (got 1.0)"),
        ({"method": "grpo", "batch_size": 6, "num_generations": 4}, "must be a multiple of --num-generations"),
        ({"dtype": "int8"}, f"--dtype must be one of {', '.join(DTYPES)} (got 'int8')"),
        ({"num_generations": 0}, "--num-generations must be greater than 0"),
    ],
)
def test_settings_that_could_never_train_are_refused_before_a_job_is_stored(workspace, tmp_path, trainer, message):
    weather_run(workspace, per_case=1)
    model = tmp_path / "model"
    model.mkdir()
    request = job_domain.TrainingRequest(
        dataset=str(write_train_file(tmp_path / "fix.jsonl", rows=4)),
        base_model=str(model),
        source_run="weather",
        lora=SHORT_LORA,
        trainer=replace(SHORT_TRAINER, **trainer),
    )
    with pytest.raises(CuratorError, match=re.escape(message)):
        job_domain.create_job(workspace, request)
    assert job_domain.list_jobs(workspace) == []


def test_grpo_needs_a_run_and_reward_weights_must_name_its_checks(workspace, tmp_path):
    weather_run(workspace, per_case=1)
    model = tmp_path / "model"
    model.mkdir()
    base = job_domain.TrainingRequest(
        dataset=str(write_train_file(tmp_path / "fix.jsonl", rows=4)),
        base_model=str(model),
        trainer=replace(SHORT_TRAINER, method="grpo"),
    )
    with pytest.raises(CuratorError, match="--method grpo needs --run"):
        job_domain.create_job(workspace, base)
    with pytest.raises(CuratorError, match="reward weight names no check 'helpfulness'; the run's checks are: "):
        job_domain.create_job(workspace, replace(base, source_run="weather", reward_weights={"helpfulness": 1.0}))
    toml = tmp_path / "rewards.toml"
    toml.write_text("[rewards]\nweights = { answer = 0.75, emoji = 0.25 }\npartial = { emoji = 0.5 }\n")
    job = job_domain.create_job(workspace, replace(base, source_run="weather", rewards_file=str(toml)))
    spec = JobSpec.load(f"{job.job_dir}/job.json")
    assert spec.rewards == {"weights": {"answer": 0.75, "emoji": 0.25}, "partial": {"emoji": 0.5}}
    assert spec.trainer.method == "grpo" and job_domain.list_jobs(workspace)[0].config["method"] == "grpo"


def test_every_setting_is_a_train_option_with_the_fields_help_and_default():
    result = CliRunner().invoke(app, ["train", "--help"], terminal_width=200, env={"COLUMNS": "200"})
    text = " ".join(result.output.split())
    for kind in (LoraSettings, TrainerSettings):
        for f in fields(kind):
            assert f.metadata["help"].split("(")[0].strip() in text, f.name
            flag = f.metadata.get("flag") or "--" + f.name.replace("_", "-")
            assert flag in text, flag
