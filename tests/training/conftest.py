import pytest
from loopwork import build_test_model


@pytest.fixture(scope="session")
def demo_model_dir(tmp_path_factory):
    return build_test_model(tmp_path_factory.getbasetemp())
