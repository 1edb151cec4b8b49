"""The child processes never load the database layer or the UI."""

import json
import subprocess
import sys


def test_training_modules_import_neither_duckdb_nor_textual():
    probe = (
        "import curator.training.trainer, curator.inference.eval_child, curator.training.callbacks, "
        "curator.demo.tiny_model, curator.training.__main__, sys, json; "
        "print(json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert not {m.split(".")[0] for m in loaded} & {"duckdb", "textual"}
    assert not any(m.startswith("curator.storage") for m in loaded)
