"""Every child module answers a person who runs it by hand with a usage line, never a traceback."""

import subprocess
import sys

import pytest

from curator.child.entry import USAGE_EXIT

MODULES = ["curator.inference.eval_child", "curator.inference.sample_child", "curator.training", "curator.child.entry"]


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("args", [[], ["--help"], ["no-such-job.json"], ["a", "b"]])
def test_a_child_module_without_a_job_file_prints_usage(module, args, tmp_path):
    done = subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == USAGE_EXIT
    assert done.stderr.startswith("usage: python -m ") and "Traceback" not in done.stderr


@pytest.mark.parametrize("module", MODULES[:3])
def test_an_unreadable_job_file_is_one_line(module, tmp_path):
    (tmp_path / "job.json").write_text("{not json")
    done = subprocess.run([sys.executable, "-m", module, "job.json"], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == USAGE_EXIT and "Traceback" not in done.stderr
    assert done.stderr.startswith("job.json: cannot read the job file:") and len(done.stderr.splitlines()) == 1
