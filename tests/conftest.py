"""Fixtures shared by every test tier: real temp-dir workspaces and the real eval logs in tests/data/logs."""

from __future__ import annotations

from pathlib import Path

import pytest

from curator.workspace import Workspace

REPO_ROOT = Path(__file__).resolve().parents[1]
TEST_DATA = REPO_ROOT / "tests" / "data"
REAL_LOGS = TEST_DATA / "logs"  # copies of logs real harnesses wrote; SOURCES.md there gives their provenance


@pytest.fixture(autouse=True)
def _isolated_workspace_env(monkeypatch, tmp_path):
    """No test reads the developer's $CURATOR_WORKSPACE or writes .curator/ in the repo."""
    monkeypatch.delenv("CURATOR_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def real_logs() -> Path:
    return REAL_LOGS


@pytest.fixture
def workspace(tmp_path) -> Workspace:
    ws = Workspace.open(tmp_path / "ws")
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def demo_model_dir(tmp_path_factory):
    """The tiny from-scratch test model, built once per session under pytest's base temp folder."""
    from loopwork import build_test_model

    return build_test_model(tmp_path_factory.getbasetemp())
