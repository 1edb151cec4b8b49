"""Fixtures shared by every test tier: real temp-dir workspaces and the real eval logs in ../shared/data."""

from __future__ import annotations

from pathlib import Path

import pytest

from curator.workspace import Workspace

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
TEST_DATA = REPO_ROOT / "tests" / "data"


@pytest.fixture(autouse=True)
def _isolated_workspace_env(monkeypatch, tmp_path):
    """No test reads the developer's $CURATOR_WORKSPACE or writes .curator/ in the repo."""
    monkeypatch.delenv("CURATOR_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} is not there")
    return SHARED_DATA


@pytest.fixture
def workspace(tmp_path) -> Workspace:
    ws = Workspace.open(tmp_path / "ws")
    yield ws
    ws.close()
