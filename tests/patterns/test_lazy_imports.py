"""The patterns modules load no model library until something is embedded or clustered."""

import json
import subprocess
import sys

HEAVY = {"torch", "transformers", "sentence_transformers", "sklearn", "scipy", "datasets", "textual"}


def test_domain_and_cli_modules_import_without_model_libraries():
    code = (
        "import sys, json\n"
        "import curator.patterns.embeddings, curator.patterns.suggestions, curator.patterns.similar\n"
        "import curator.fix.semantic_guard, curator.cli.patterns\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not set(json.loads(done.stdout.strip().splitlines()[-1])) & HEAVY
