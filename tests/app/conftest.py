"""The review app's workspace fixture: one run, two checks, fixed dates."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from review_support import add_weather_checks, fix_dates, weather_records

from curator.review.runs import create_run_from_records

# The patterns flows reuse the failure families of tests/patterns, the loop flows the small model and short jobs of
# tests/training (neither is a package): put them on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "patterns"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))


@pytest.fixture
def review_ws(workspace):
    """A workspace with run 'weather-eval' (24 items, checks weather_tag and answer)."""
    run = create_run_from_records(
        workspace, "weather-eval", weather_records(), model="tiny-llama", adapter=None, source_format="jsonl"
    )
    add_weather_checks(workspace, run.run_id, 24)
    fix_dates(workspace)
    workspace.run_id = run.run_id
    return workspace
