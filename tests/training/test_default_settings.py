from curator.demo.loop import DEMO_LORA, DEMO_TRAINER
from curator.loop import jobs
from curator.training.job import LoraSettings, TrainerSettings


def test_the_demo_base_model_gets_the_demo_tuned_settings(workspace):
    demo_dir = workspace.models_dir / "demo-base"
    assert jobs.default_settings(workspace, str(demo_dir)) == (DEMO_LORA, DEMO_TRAINER)
    assert DEMO_TRAINER.cpu_threads == 1


def test_any_other_base_model_gets_the_general_defaults(workspace, tmp_path):
    assert jobs.default_settings(workspace, str(tmp_path / "llama")) == (LoraSettings(), TrainerSettings())
    assert jobs.default_settings(workspace, "") == (LoraSettings(), TrainerSettings())
