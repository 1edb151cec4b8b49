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
        matrix = _pair_features(encoder, inputs, outputs)
        probabilities = weights.probabilities(matrix)
    except LearnedFileError as error:
        return [not_graded(f"not graded: {error}") for _ in inputs]
    return grades_from_probabilities(np.asarray(probabilities).tolist())


def _pair_features(encoder, inputs: list[str], outputs: list[str]) -> np.ndarray:
    """Feature rows of (input, output) pairs, each distinct text encoded once (GRPO samples share their prompt)."""
    distinct = list(dict.fromkeys([*inputs, *outputs]))
    vectors = encoder.encode(distinct)
    row_of = {text: row for row, text in enumerate(distinct)}
    return features(vectors[[row_of[t] for t in inputs]], vectors[[row_of[t] for t in outputs]])
