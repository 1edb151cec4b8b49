"""The job file the domain writes and the child reads."""

import pytest

from curator.training.job import JobSpec, LoraSettings, TrainerSettings


def test_job_file_round_trips_every_setting(tmp_path):
    job = JobSpec(
        dataset_file="d.jsonl",
        base_model="m",
        output_dir="o",
        progress_file="p.jsonl",
        lora=LoraSettings(r=4, target_modules=["q_proj", "v_proj"]),
        trainer=TrainerSettings(learning_rate=5e-4, epochs=2, eval_every=7, patience=1),
        dev_items=[{"item_key": 0, "input": "x", "target": "y"}],
        checks=[{"name": "c", "kind": "exact"}],
    )
    loaded = JobSpec.load(job.save(tmp_path / "job.json"))
    assert loaded == job
    assert loaded.cancel_file.name == "p.cancel"


def test_unknown_setting_is_refused_by_name(tmp_path):
    with pytest.raises(ValueError, match="unknown trainer setting\\(s\\): learning_rat"):
        JobSpec.from_dict(
            {
                "dataset_file": "d",
                "base_model": "m",
                "output_dir": "o",
                "progress_file": "p",
                "trainer": {"learning_rat": 1},
            }
        )


def test_defaults_target_every_linear_layer():
    assert LoraSettings().target_modules == "all-linear"
