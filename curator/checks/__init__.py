"""Checks (graders): specs from TOML, evaluation over a run, results per item and check."""
