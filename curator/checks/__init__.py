"""Checks (graders): specs from TOML, evaluation over a run, results per item and check.

Names load on first use (PEP 562): `grade_outputs` (the one grading path), `grade` and `CheckSpec` work in the
training child process, which must not import DuckDB; only `run_checks`, `stored_checks` and spec validation reach
the database layer.
"""

from __future__ import annotations

import importlib

_HOMES = {
    "Case": "graders",
    "Grade": "graders",
    "grade": "graders",
    "grade_outputs": "graders",
    "stored_results": "graders",
    "grade_rule": "rules",
    "ProgressCallback": "runner",
    "check_summaries": "runner",
    "run_checks": "runner",
    "stored_checks": "runner",
    "RewardSpec": "rewards",
    "grade_output": "rewards",
    "load_rewards": "rewards",
    "KINDS": "spec",
    "MODEL_GRADED_KINDS": "spec",
    "CheckSpec": "spec",
    "CheckSpecError": "spec",
    "load_spec": "spec",
    "load_spec_text": "spec",
    "validate_specs": "spec",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'curator.checks' has no attribute {name!r}")
    return getattr(importlib.import_module(f"curator.checks.{home}"), name)
