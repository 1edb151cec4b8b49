"""Entry points must start light: each runs in a fresh interpreter and we look at sys.modules."""

import json
import subprocess
import sys

import pytest

HEAVY = ("torch", "transformers", "peft", "trl", "vllm", "sentence_transformers", "sklearn", "datasets")


def _modules_after(code: str) -> set[str]:
    probe = code + "\nimport sys, json\nprint(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("code", ["import curator", "import curator.storage", "import curator.workspace"])
def test_domain_imports_neither_textual_nor_ml_libraries(code):
    loaded = _modules_after(code)
    assert not loaded & {"textual", *HEAVY}


def test_cli_help_imports_neither_textual_nor_ml_libraries():
    code = (
        "import sys\nsys.argv = ['curator', '--help']\n"
        "from curator.cli import main\n"
        "try:\n    main.app()\nexcept SystemExit:\n    pass\n"
    )
    loaded = _modules_after(code)
    assert not loaded & {"textual", *HEAVY}
