"""A DPO job with APO's loss (`loss_type = "apo_zero"`) finishes on the tiny model and records its loss type."""

from dataclasses import replace

import pytest
from loopwork import SHORT_LORA, SHORT_TRAINER
from trainwork import write_pairs_file

from curator.jobs import training as job_domain

pytestmark = pytest.mark.slow


def test_an_apo_zero_dpo_job_finishes_and_records_its_loss_type(workspace, tmp_path, demo_model_dir):
    trainer = replace(SHORT_TRAINER, method="dpo", loss_type="apo_zero", max_steps=2, batch_size=4, eval_every=0)
    request = job_domain.TrainingRequest(
        dataset=str(write_pairs_file(tmp_path / "pairs.jsonl", rows=8)),
        base_model=str(demo_model_dir),
        lora=SHORT_LORA,
        trainer=trainer,
    )
    job = job_domain.run_job(workspace, request)
    assert job.status == "succeeded", job.error
    assert job.config["trainer"]["loss_type"] == "apo_zero" and job.config["method"] == "dpo"
    assert job.metrics["loss_type"] == "apo_zero" and job.metrics["steps"] == 2
    assert job.metrics["precision"] == "fp32" and job.metrics["device"] == "cpu"
    assert job.metrics["final_loss"] == job.metrics["final_loss"]  # not NaN
