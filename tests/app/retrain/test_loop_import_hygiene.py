"""The app side of the loop never imports torch & co: training and eval run in child processes."""

import json
import subprocess
import sys

import pytest

HEAVY = {"torch", "transformers", "peft", "trl", "vllm", "sentence_transformers", "sklearn", "datasets"}


@pytest.mark.parametrize(
    "module",
    [
        "curator.app.screens.retrain",
        "curator.jobs.training",
        "curator.jobs.evals",
        "curator.compare.comparison",
        "curator.demo.setup",
        "curator.demo.script",
        "curator.cli.demo",
        "curator.cli.train",
        "curator.cli.evals",
    ],
)
def test_loop_modules_import_no_ml_library(module):
    probe = f"import {module}, sys, json; print(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not set(json.loads(done.stdout.strip().splitlines()[-1])) & HEAVY
