"""Registers the `judge` kind for tests, the way curator/checks/spec.py registers it once the lead wires it in."""

from __future__ import annotations

from curator.checks import options, spec
from curator.checks.judging.options import JUDGE_OPTIONS, check_judge_options


def register_judge_kind(monkeypatch) -> None:
    """Make `load_spec` and `validate_specs` accept kind = "judge" for one test (a no-op once registered)."""
    monkeypatch.setitem(options.KIND_OPTIONS, "judge", JUDGE_OPTIONS)
    monkeypatch.setitem(options.OPTION_CHECKS, "judge", check_judge_options)
    if "judge" not in spec.KINDS:
        monkeypatch.setattr(spec, "KINDS", (*spec.KINDS, "judge"))
