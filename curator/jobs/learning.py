"""Learned checks over a run: a logistic regression fitted on the analyst's calibration labels of one check, over
the sentence embeddings of each item's input and output (through the patterns' embedding cache). The fit is kept
as a weights file under models/graders/ and a `learned_fits` row, reused while the labels stay the same and fitted
again when they change. Every applicable item gets its probability of pass as score (pass at p >= 0.5); with too
few labels every item is left not graded with the reason. Verdicts and results are stored like a judge's."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from curator.checks.learned.model import LearnedFileError, features, fit, labels_hash, labels_problem, load_weights
from curator.checks.learned.options import labels_check
from curator.checks.rules import Grade, not_graded
from curator.checks.spec import CheckSpec, validate_specs
from curator.errors import CuratorError
from curator.review.runs import resolve_run
from curator.storage import checks as check_sql
from curator.storage import judge_cache
from curator.storage import labels as label_sql
from curator.storage import learned as learned_sql
from curator.workspace import Workspace

LEARNED_KIND = "learned"
ProgressCallback = Callable[[str, int, int], None]


@dataclass
class LearnedOutcome:
    """What one learned check did: its labels, its fit (reused or new), items looked at, graded and passed."""

    name: str
    items: int = 0
    graded: int = 0
    passed: int = 0
    labels: int = 0
    model_file: str | None = None
    refitted: bool = False
    carried: bool = False  # graded by a fit the spec brought from another run (too few labels on this one)
    reason: str | None = None  # why nothing was graded (too few labels)
    error: str | None = None
    kind: str = LEARNED_KIND

    @property
    def not_graded(self) -> int:
        return self.items - self.graded

    def describe(self) -> str:
        if self.reason:
            return f"learned '{self.name}': {self.items:,} items not graded: {self.reason}"
        if self.carried:
            return f"learned '{self.name}': {self.items:,} items graded by the fit of another run ({self.model_file})"
        how = "fitted now" if self.refitted else "fit reused (labels unchanged)"
        return (
            f"learned '{self.name}': {self.items:,} items graded by a fit on {self.labels:,} calibration labels "
            f"({how}: {self.model_file})"
        )


def run_learned(
    ws: Workspace,
    run_ref: str | int,
    specs: list[CheckSpec],
    progress: ProgressCallback | None = None,
    embedder=None,
) -> list[LearnedOutcome]:
    """Fit (or reuse) and grade each learned spec on a run; a check's failure is one line in its outcome and stores
    nothing for it. `embedder`: anything with `name` and `encode` (default: the patterns' all-MiniLM-L6-v2)."""
    run = resolve_run(ws, run_ref)
    specs = validate_specs(specs)
    names = set(label_sql.check_names(ws.db, run.run_id)) | {s.name for s in specs}
    outcomes = []
    for spec in specs:
        outcome = LearnedOutcome(spec.name)
        if progress is not None:
            progress(spec.name, 0, 1)
        try:
            _grade(ws, run.run_id, spec, names, outcome, embedder)
        except (CuratorError, LearnedFileError) as error:
            outcome.error = str(error).splitlines()[0] if str(error) else type(error).__name__
        if progress is not None:
            progress(spec.name, 1, 1)
        outcomes.append(outcome)
    return outcomes


def _grade(ws: Workspace, run_id: int, spec: CheckSpec, names: set[str], outcome: LearnedOutcome, embedder) -> None:
    source = labels_check(spec.name, spec.options)
    if source not in names:
        raise CuratorError(
            f"labels_from names no check '{source}' of this run (its checks: {', '.join(sorted(names))})"
        )
    examples = learned_sql.calibration_examples(ws.db, run_id, source)
    passes = sum(passed for _, passed, _, _ in examples)
    keys, inputs, outputs = _applicable_items(ws, run_id, spec)
    outcome.items, outcome.labels = len(keys), len(examples)
    carried = _carried_fit(ws, run_id, spec)
    spec = replace(spec, options={k: v for k, v in spec.options.items() if k != "fitted"})
    problem = labels_problem(passes, len(examples) - passes, source)
    if problem and carried is None:
        outcome.reason = problem
        _store(ws, run_id, spec, keys, [not_graded(f"not graded: {problem}")] * len(keys))
        return
    if problem:  # too few labels here: grade with the fit the spec brings from another run (a re-evaluation)
        path, fitted, outcome.carried = Path(carried["file"]), carried, True
        weights = load_weights(path)
        embedder = embedder or _default_embedder(weights.embedding_model)
    else:
        embedder = embedder or _default_embedder()
        hash_ = labels_hash([(item_id, passed) for item_id, passed, _, _ in examples], spec.options, embedder.name)
        path = _fit_file(ws, run_id, spec, hash_, examples, embedder, outcome)
        weights = load_weights(path)
        fitted = {"file": str(path), "labels_hash": hash_, "labels": len(examples)}
    grades = []
    if keys:
        from curator.checks.learned.grading import grades_from_probabilities

        matrix = _pair_features(ws, inputs, outputs, embedder)
        grades = grades_from_probabilities(weights.probabilities(matrix).tolist())
    outcome.graded, outcome.passed = len(grades), sum(g.passed for g in grades)
    outcome.model_file = str(path)
    _store(ws, run_id, replace(spec, options={**spec.options, "fitted": fitted}), keys, grades)


def _carried_fit(ws: Workspace, run_id: int, spec: CheckSpec) -> dict | None:
    """The fit a stored spec brings from another run (`curator check RUN --from OTHER`), when its file is there;
    None for none, or for one of this run's own fits (cleared labels must not leave an old fit grading)."""
    fitted = spec.options.get("fitted")
    if not fitted or not Path(fitted["file"]).is_file():
        return None
    own = {ws.resolve_path(f).resolve() for f in learned_sql.fit_files(ws.db, run_id, spec.name)}
    return None if Path(fitted["file"]).resolve() in own else fitted


def _fit_file(ws: Workspace, run_id: int, spec: CheckSpec, hash_: str, examples: list, embedder, outcome) -> Path:
    """The weights file of the fit on these labels: an earlier one when it is still there, else fitted now."""
    known = learned_sql.find_fit(ws.db, run_id, spec.name, hash_)
    if known is not None and ws.resolve_path(known).is_file():
        return ws.resolve_path(known)
    matrix = _pair_features(ws, [text for _, _, text, _ in examples], [text for _, _, _, text in examples], embedder)
    passed = [bool(p) for _, p, _, _ in examples]
    weights = fit(matrix, passed, spec.options, embedder.name, hash_)
    safe_name = re.sub(r"[^\w.-]", "_", spec.name)[:60]
    path = weights.save(ws.models_dir / "graders" / f"run{run_id}-{safe_name}-{hash_[:12]}.npz")
    learned_sql.record_fit(
        ws.db, run_id, spec.name, hash_, ws.storable_path(path), len(passed), sum(passed), embedder.name
    )
    outcome.refitted = True
    return path


def _applicable_items(ws: Workspace, run_id: int, spec: CheckSpec) -> tuple[list[int], list[str], list[str]]:
    keys, inputs, outputs = [], [], []
    columns = ("input", "output")
    for batch in check_sql.iter_check_inputs(ws.db, run_id, columns, spec.when_input, spec.unless_input):
        rows = batch.to_pydict()
        keys += rows["item_key"]
        inputs += [text or "" for text in rows["input"]]
        outputs += [text or "" for text in rows["output"]]
    return keys, inputs, outputs


def _pair_features(ws: Workspace, inputs: list[str], outputs: list[str], embedder) -> np.ndarray:
    """Feature rows of (input, output) pairs: every distinct text of both sides embedded once, in one pass through
    the DuckDB cache (an input shared by many outputs, or a text embedded before, costs nothing more)."""
    from curator.patterns.embeddings import embed_texts

    vectors = embed_texts(ws, inputs + outputs, embedder)
    return features(vectors[: len(inputs)], vectors[len(inputs) :])


def _default_embedder(model: str | None = None):
    """The embedder a fit names, or for a new fit the configured model (the packaged one in bf16 or int8)."""
    from curator.checks.learned.encoder import DEFAULT_MODEL, learned_model, load_encoder, split_name
    from curator.patterns.embeddings import configured_model, load_embedder

    if model is None:
        model = configured_model()
        model = learned_model() if model == DEFAULT_MODEL else model
    return load_encoder(model) if split_name(model)[1] != "fp32" else load_embedder(model)


def _store(ws: Workspace, run_id: int, spec: CheckSpec, keys: list[int], grades: list[Grade]) -> None:
    """The check's spec, results (graded items) and verdicts (every item, graded or not) in one transaction."""
    rows = [
        {
            "item_key": key,
            "graded": g.graded,
            "passed": g.passed if g.graded else None,
            "score": g.score,
            "agreement": None,
            "samples": 1,
            "reason": g.reason,
        }
        for key, g in zip(keys, grades, strict=True)
    ]
    judge_cache.store_judge(ws.db, run_id, spec.name, spec.kind, spec.to_json(), [], rows)
