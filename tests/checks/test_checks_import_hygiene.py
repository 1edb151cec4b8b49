"""The graders run in the training child process, which must never load DuckDB or the storage layer."""

import json
import subprocess
import sys


def test_grading_a_stored_spec_loads_neither_duckdb_nor_storage():
    code = (
        "import sys, json\n"
        "from curator.checks import CheckSpec, grade\n"
        "spec = CheckSpec.from_json(json.dumps({'name': 'n', 'kind': 'numeric', 'options': {}}))\n"
        "result = grade(spec, input='q', target='#### 4', output='<answer>4</answer>')\n"
        "loaded = sorted(m for m in sys.modules if m == 'duckdb' or m.startswith('curator.storage'))\n"
        "print(json.dumps([result.passed, loaded]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [True, []]
