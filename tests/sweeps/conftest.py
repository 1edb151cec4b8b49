import sys
from pathlib import Path

import pytest

TESTS = next(p for p in Path(__file__).resolve().parents if p.name == "tests")
sys.path.insert(0, str(TESTS / "training"))
sys.path.insert(0, str(TESTS / "compare"))

from loopwork import build_test_model  # noqa: E402


@pytest.fixture(scope="session")
def demo_model_dir(tmp_path_factory):
    return build_test_model(tmp_path_factory.getbasetemp())
