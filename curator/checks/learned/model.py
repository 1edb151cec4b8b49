"""A learned grader's model: logistic-regression weights over the sentence embeddings of an item's input and
output, fitted on the analyst's calibration labels, kept in a NumPy file (no pickle: loading runs no code).

Its probability of pass is the score; an item passes at p >= PASS_AT. Pure: the training child loads the file and
grades GRPO completions with it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

MIN_LABELS = 10
"""Fewer calibration labels than this (or labels of one verdict only) and nothing is fitted: items are not graded."""
PASS_AT = 0.5
FORMAT = "curator-learned-grader-1"


class LearnedFileError(Exception):
    """A fitted model file that cannot be used: missing, unreadable or not one Curator wrote."""


@dataclass(frozen=True)
class LearnedWeights:
    """A fitted learned grader: one weight per feature (input embedding, then output embedding) and an intercept."""

    coef: np.ndarray
    intercept: float
    embedding_model: str
    labels_hash: str
    labels: int

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """P(pass) of each row of `features` (what scikit-learn's predict_proba gives for the pass class)."""
        if features.shape[0] == 0:
            return np.zeros(0)
        if features.shape[1] != self.coef.shape[0]:
            raise LearnedFileError(f"the fit expects {self.coef.shape[0]} features, got {features.shape[1]}")
        logits = features.astype(np.float64) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-logits))

    def save(self, path: Path) -> Path:
        """Write the weights to `path` (.npz) atomically: a reader never sees half a file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {"format": FORMAT, "embedding_model": self.embedding_model, "labels_hash": self.labels_hash}
        partial = path.with_name(path.name + ".partial")
        with partial.open("wb") as out:
            np.savez(
                out,
                coef=self.coef,
                intercept=np.array([self.intercept]),
                labels=np.array([self.labels]),
                meta=np.array(json.dumps(meta)),
            )
        partial.replace(path)
        return path


def load_weights(path: Path | str) -> LearnedWeights:
    """The weights in a file Curator wrote; LearnedFileError saying what is wrong otherwise."""
    path = Path(path)
    stat = _stat(path)
    return _load(str(path), stat.st_mtime_ns, stat.st_size)


def _stat(path: Path):
    try:
        return path.stat()
    except OSError as error:
        raise LearnedFileError(f"cannot read the fitted model file {path}: {error.strerror or error}") from None


@lru_cache(maxsize=16)
def _load(path: str, mtime_ns: int, size: int) -> LearnedWeights:
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if meta.get("format") != FORMAT:
                raise LearnedFileError(f"{path} is not a learned grader Curator wrote")
            return LearnedWeights(
                coef=data["coef"].astype(np.float64),
                intercept=float(data["intercept"][0]),
                embedding_model=meta["embedding_model"],
                labels_hash=meta["labels_hash"],
                labels=int(data["labels"][0]),
            )
    except (OSError, ValueError, KeyError) as error:
        raise LearnedFileError(f"cannot read the fitted model file {path}: {error}") from None


def features(input_vectors: np.ndarray, output_vectors: np.ndarray) -> np.ndarray:
    """One row per item: its input's embedding, then its output's."""
    return np.hstack([np.asarray(input_vectors, dtype=np.float32), np.asarray(output_vectors, dtype=np.float32)])


def labels_problem(passes: int, fails: int, check: str) -> str | None:
    """Why these calibration labels are too few to fit a grader on, or None."""
    if passes + fails < MIN_LABELS or not passes or not fails:
        return (
            f"{passes + fails} calibration label(s) of '{check}' ({passes} pass, {fails} fail); a learned grader "
            f"needs at least {MIN_LABELS}, with both verdicts"
        )
    return None


def labels_hash(labels: Iterable[tuple[str, bool]], options: dict, embedding_model: str) -> str:
    """What a fit depends on: the labelled item ids and verdicts, the classifier options and the embedding model."""
    record = {
        "labels": sorted([item_id, bool(passed)] for item_id, passed in labels),
        "C": options.get("C", 1.0),
        "class_weight": options.get("class_weight"),
        "embedding_model": embedding_model,
    }
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


def fit(features_: np.ndarray, passed: list[bool], options: dict, embedding_model: str, hash_: str) -> LearnedWeights:
    """A logistic regression fitted on labelled rows (scikit-learn, imported here: only fitting pays for it)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=float(options.get("C", 1.0)), class_weight=options.get("class_weight"), max_iter=1000)
    model.fit(features_, np.asarray(passed, dtype=bool))
    coef = model.coef_[0] if bool(model.classes_[1]) else -model.coef_[0]
    intercept = float(model.intercept_[0]) if bool(model.classes_[1]) else -float(model.intercept_[0])
    return LearnedWeights(coef.astype(np.float64), intercept, embedding_model, hash_, len(passed))


def verdict_reason(probability: float) -> str:
    return f"learned: p(pass) {probability:.2f}"
