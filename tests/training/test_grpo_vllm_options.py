"""GRPO with use_vllm samples on vLLM with the job's engine options: they round-trip through the job file and reach
TRL's GRPOConfig under its own names (built, not trained); without use_vllm, or left at the defaults, TRL's hold."""

import json
from dataclasses import replace

from loopwork import SHORT_TRAINER

from curator.inference.engine_settings import EngineSettings
from curator.training.job import JobSpec


def _job(tmp_path, engine: EngineSettings, use_vllm: bool = True) -> JobSpec:
    trainer = replace(SHORT_TRAINER, method="grpo", use_vllm=use_vllm)
    return JobSpec(
        dataset_file="d", base_model="m", output_dir=str(tmp_path), progress_file="p", trainer=trainer, engine=engine
    )


def test_the_jobs_engine_options_reach_grpos_vllm_settings(tmp_path):
    from curator.training.methods import method_config

    engine = EngineSettings(max_model_len=512, gpu_memory_utilization=0.25, tensor_parallel_size=2)
    loaded = JobSpec.load(_job(tmp_path, engine).save(tmp_path / "job.json"))
    assert loaded.engine == engine
    config = method_config(loaded, "cuda", "fp16")
    assert (config.vllm_max_model_length, config.vllm_gpu_memory_utilization, config.vllm_tensor_parallel_size) == (
        512,
        0.25,
        2,
    )
    defaults = method_config(_job(tmp_path, EngineSettings()), "cuda", "fp16")
    unused = method_config(_job(tmp_path, engine, use_vllm=False), "cpu")
    for config in (defaults, unused):  # TRL's own: 0.3 of the GPU beside training, the model's length, one GPU
        assert (config.vllm_max_model_length, config.vllm_gpu_memory_utilization) == (None, 0.3)
        assert config.vllm_tensor_parallel_size == 1


def test_a_job_file_written_before_engine_options_loads_with_the_defaults(tmp_path):
    path = _job(tmp_path, EngineSettings(max_model_len=64)).save(tmp_path / "job.json")
    older = json.loads(path.read_text())
    del older["engine"]
    path.write_text(json.dumps(older))
    assert JobSpec.load(path).engine == EngineSettings()
