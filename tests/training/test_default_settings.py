import dataclasses
import json

import pytest

from curator.jobs import training as jobs
from curator.training.defaults import default_settings, estimated_parameters
from curator.training.job import LoraSettings, TrainerSettings


def write_config(folder, hidden, layers, vocab, inter):
    folder.mkdir(parents=True)
    config = {"hidden_size": hidden, "num_hidden_layers": layers, "vocab_size": vocab, "intermediate_size": inter}
    (folder / "config.json").write_text(json.dumps(config))
    return folder


def test_defaults_follow_the_model_size_on_the_cpu(tmp_path):
    tiny = write_config(tmp_path / "tiny", hidden=128, layers=4, vocab=500, inter=512)
    small = write_config(tmp_path / "smol", hidden=576, layers=30, vocab=49152, inter=1536)
    assert estimated_parameters(tiny) < 2_000_000
    assert 100_000_000 < estimated_parameters(small) < 200_000_000  # SmolLM2-135M's shape
    _, tiny_trainer = default_settings(str(tiny), device="cpu")
    _, small_trainer = default_settings(str(small), device="cpu")
    assert tiny_trainer.learning_rate > small_trainer.learning_rate
    assert small_trainer.cpu_threads == 1 and small_trainer.device == "cpu" and not small_trainer.bf16


def test_a_gpu_leaves_precision_to_the_child_and_a_folder_without_config_gets_the_small_model_defaults(tmp_path):
    lora, trainer = default_settings(str(tmp_path), device="cuda")
    assert trainer.device == "cuda" and not trainer.bf16 and not trainer.fp16  # torch chooses in the child
    _, unknown = default_settings(str(tmp_path / "missing"), device="cpu")
    assert unknown == default_settings("", device="cpu")[1]


def test_every_entry_point_gets_the_same_defaults(workspace, tmp_path):
    model = write_config(tmp_path / "m", hidden=128, layers=4, vocab=500, inter=512)
    assert jobs.default_settings(workspace, str(model)) == default_settings(str(model))
    assert isinstance(jobs.default_settings(workspace, "")[0], LoraSettings)
    assert isinstance(jobs.default_settings(workspace, "")[1], TrainerSettings)


@pytest.mark.parametrize("method", ["dpo", "kto", "grpo"])
def test_preference_and_rl_methods_default_to_a_rate_twenty_times_below_sft(tmp_path, method):
    small = write_config(tmp_path / "smol", hidden=576, layers=30, vocab=49152, inter=1536)
    _, sft = default_settings(str(small), device="cpu")
    _, other = default_settings(str(small), device="cpu", method=method)
    assert other.method == method and other.learning_rate == pytest.approx(sft.learning_rate / 20)
    assert dataclasses.replace(other, method="sft", learning_rate=sft.learning_rate) == sft


def _cli_options(model: str, **given) -> dict:
    """`curator train`'s options as typer passes them when only --dataset and --model (and `given`) are typed."""
    import inspect

    from curator.cli.train import train

    options = {name: None for name in inspect.signature(train).parameters}
    return options | {"dataset": "mix", "model": model, "method": "sft", "launcher": "python"} | given


def test_curator_train_and_the_retrain_form_default_to_the_same_settings(workspace, tmp_path):
    from curator.cli.train import settings_for

    for shape in ((128, 4, 500, 512), (576, 30, 49152, 1536)):  # the tiny fixture's size, SmolLM2-135M's
        model = write_config(tmp_path / f"m{shape[0]}", *shape)
        form = jobs.default_settings(workspace, str(model))  # what the retrain form fills in
        assert settings_for(workspace, _cli_options(str(model))) == form
    small = str(tmp_path / "m576")
    _, trainer = settings_for(workspace, _cli_options(small))
    assert (trainer.lr_scheduler, trainer.epochs, trainer.cpu_threads) == ("constant", 5.0, 1)  # not linear/10/0


def test_options_given_to_curator_train_override_only_themselves(workspace, tmp_path):
    from curator.cli.train import settings_for

    model = str(write_config(tmp_path / "m", 576, 30, 49152, 1536))
    lora, trainer = settings_for(
        workspace, _cli_options(model, epochs=2.0, lora_r=4, lora_target_modules="q_proj,v_proj")
    )
    form_lora, form_trainer = jobs.default_settings(workspace, model)
    assert trainer == dataclasses.replace(form_trainer, epochs=2.0)
    assert lora == dataclasses.replace(form_lora, r=4, target_modules=["q_proj", "v_proj"])
    _, dpo = settings_for(workspace, _cli_options(model, method="dpo"))
    assert dpo == jobs.default_settings(workspace, model, method="dpo")[1]  # the method's own rate


def test_a_device_given_to_curator_train_picks_that_devices_defaults(workspace, tmp_path):
    from curator.cli.train import settings_for

    model = str(write_config(tmp_path / "m", 576, 30, 49152, 1536))
    _, on_gpu = settings_for(workspace, _cli_options(model, device="cuda"))
    assert on_gpu == default_settings(model, device="cuda")[1] and on_gpu.learning_rate == 2e-4
    _, on_cpu = settings_for(workspace, _cli_options(model, device="cpu"))
    assert on_cpu == default_settings(model, device="cpu")[1]
