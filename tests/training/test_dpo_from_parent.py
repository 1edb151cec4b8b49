"""A DPO job can continue an earlier SFT job's adapter (the parent), as revision pairs after a loop's SFT do."""

from dataclasses import replace

import pytest
from loopwork import SHORT_LORA, SHORT_TRAINER, write_train_file
from trainwork import write_pairs_file

from curator.jobs import training as job_domain

pytestmark = pytest.mark.slow


def test_a_dpo_job_continues_a_parent_sft_adapter_and_records_it(workspace, tmp_path, demo_model_dir):
    short = replace(SHORT_TRAINER, max_steps=2, batch_size=4, eval_every=0)
    sft = job_domain.run_job(
        workspace,
        job_domain.TrainingRequest(
            dataset=str(write_train_file(tmp_path / "sft.jsonl", rows=8)),
            base_model=str(demo_model_dir),
            lora=SHORT_LORA,
            trainer=short,
        ),
    )
    assert sft.status == "succeeded", sft.error

    dpo = job_domain.run_job(
        workspace,
        job_domain.TrainingRequest(
            dataset=str(write_pairs_file(tmp_path / "pairs.jsonl", rows=8)),
            base_model=str(demo_model_dir),
            parent_adapter=sft.adapter_path,
            lora=SHORT_LORA,
            trainer=replace(short, method="dpo", loss_type="apo_zero"),
        ),
    )

    assert dpo.status == "succeeded", dpo.error
    assert dpo.parent_adapter == sft.adapter_path
    assert dpo.metrics["steps"] == 2 and dpo.metrics["final_loss"] == dpo.metrics["final_loss"]  # not NaN
