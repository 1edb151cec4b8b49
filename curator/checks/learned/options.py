"""The options of a `learned` check, their defaults, and the checks on their values (the shape of options.py)."""

from __future__ import annotations

from pathlib import Path

from curator.checks.options import OptionProblem, finite_number, string_problem

CLASS_WEIGHTS = ("balanced",)

LEARNED_OPTIONS: dict[str, object] = {
    "labels_from": None,  # the check whose verdict labels it learns (default: its own name)
    "C": 1.0,  # inverse regularisation strength of the logistic regression
    "class_weight": None,  # None, or "balanced" (weights inversely proportional to the label counts)
    "fitted": None,  # written by Curator when it fits: {"file", "labels_hash", "labels"}; graders read the file
}
FITTED_KEYS = ("file", "labels_hash", "labels")


def check_learned_options(options: dict, base: Path, resolve: bool) -> dict:
    """The options of a learned check, checked."""
    options = dict(options)
    labels_from = options.get("labels_from")
    if labels_from is not None and string_problem(labels_from):
        raise OptionProblem("labels_from", f"must be the name of a check (a non-empty string), not {labels_from!r}")
    if not finite_number(options["C"], at_least=0) or options["C"] == 0:
        raise OptionProblem("C", f"must be a finite number > 0, not {options['C']!r}")
    weight = options.get("class_weight")
    if weight is not None and weight not in CLASS_WEIGHTS:
        raise OptionProblem("class_weight", f'must be "balanced" or left out, not {weight!r}')
    fitted = options.get("fitted")
    if fitted is not None:
        shape_ok = isinstance(fitted, dict) and set(fitted) == set(FITTED_KEYS)
        if not shape_ok or string_problem(fitted["file"]) or string_problem(fitted["labels_hash"]):
            raise OptionProblem("fitted", "is written by Curator when it fits the grader; leave it out")
    return options


def labels_check(name: str, options: dict) -> str:
    """The check whose labels a learned check learns: `labels_from`, else its own name."""
    return options.get("labels_from") or name
