"""Grading with a fitted learned grader where there is no database: embed inputs and outputs, read the weights
file the options name, and turn each probability of pass into a Grade."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from curator.checks.learned.encoder import load_encoder
from curator.checks.learned.model import PASS_AT, LearnedFileError, features, load_weights, verdict_reason
from curator.checks.rules import Grade, not_graded

NOT_FITTED = "not graded: the learned grader is not fitted yet (label its check, then run `curator check`)"


def grades_from_probabilities(probabilities: Sequence[float]) -> list[Grade]:
    """A Grade per probability of pass: passed at p >= PASS_AT, the probability as score and in the reason."""
    return [Grade(True, bool(p >= PASS_AT), verdict_reason(float(p)), score=float(p)) for p in probabilities]


def grade_learned(options: dict, inputs: list[str], outputs: list[str]) -> list[Grade]:
    """Grades of (input, output) pairs by the fit named in a learned check's options; not graded without one."""
    fitted = options.get("fitted")
    if not fitted:
        return [not_graded(NOT_FITTED) for _ in inputs]
    try:
        weights = load_weights(fitted["file"])
        encoder = load_encoder(weights.embedding_model)
        matrix = features(encoder.encode(inputs), encoder.encode(outputs))
        probabilities = weights.probabilities(matrix)
    except LearnedFileError as error:
        return [not_graded(f"not graded: {error}") for _ in inputs]
    return grades_from_probabilities(np.asarray(probabilities).tolist())
