"""`curator train --launcher accelerate` for real: two CPU processes, one adapter, one set of progress lines."""

import json
import socket

import pytest
from loopwork import weather_run, write_train_file
from typer.testing import CliRunner

from curator.cli.main import app

pytestmark = pytest.mark.slow

# What `accelerate config` writes for two local processes. On a machine without GPUs accelerate 1.15 starts them
# with torchrun (its multi-GPU launcher: `--cpu` alone runs one process unless MPI is installed) and the job's
# `device = cpu` makes each one a gloo CPU worker.
TWO_PROCESSES = """compute_environment: LOCAL_MACHINE
distributed_type: MULTI_GPU
num_machines: 1
num_processes: 2
mixed_precision: 'no'
use_cpu: false
main_process_port: {port}
"""


def free_port() -> int:
    """A port nothing listens on, so that two runs at once do not meet at torchrun's default rendezvous port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_two_accelerate_processes_train_one_adapter_and_report_each_step_once(
    workspace, tmp_path, demo_model_dir, monkeypatch
):
    (tmp_path / "hf" / "accelerate").mkdir(parents=True)
    (tmp_path / "hf" / "accelerate" / "default_config.yaml").write_text(TWO_PROCESSES.format(port=free_port()))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))  # where accelerate reads its default config
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    weather_run(workspace, per_case=1)
    workspace.close()
    data = write_train_file(tmp_path / "fix.jsonl", rows=16)
    args = ["-w", str(workspace.root), "train", "--dataset", str(data), "--model", str(demo_model_dir)]
    args += ["--run", "weather", "--max-steps", "4", "--eval-every", "2", "--lora-r", "4", "--device", "cpu"]
    args += ["--batch-size", "4", "--max-length", "128", "--cpu-threads", "1", "--launcher", "accelerate"]
    result = CliRunner().invoke(app, args)
    job_dir = workspace.root / "models" / "adapters" / "job-1"
    log = (job_dir / "child.log").read_text() if (job_dir / "child.log").exists() else ""
    assert result.exit_code == 0, result.output + log[-3000:]
    listed = json.loads(CliRunner().invoke(app, ["-w", str(workspace.root), "jobs", "--json"]).stdout)[0]
    assert listed["status"] == "succeeded" and listed["adapter"].endswith("job-1/adapter")
    assert (job_dir / "adapter" / "adapter_model.safetensors").is_file()
    events = [json.loads(line) for line in (job_dir / "progress.jsonl").read_text().splitlines()]
    kinds = [e["event"] for e in events]
    assert kinds.count("started") == 1 and kinds.count("succeeded") == 1 and kinds[-1] == "succeeded"
    assert events[0]["processes"] == 2  # two workers trained, only the main one wrote progress
    assert [e["step"] for e in events if e["event"] == "step"] == [1, 2, 3, 4]
    assert [e["step"] for e in events if e["event"] == "eval"] == [2, 4]
