"""Generating examples from a template, and checking every one before anyone sees it.

Each rendered example goes through, in order: the source run's checks (the generated target graded as if it were
the output), the contamination guard (held-out eval inputs), and duplicate detection (inside the batch and against
examples already proposed or accepted). Whatever fails is stored with its reason and never reaches review.

Reference checks (`exact`, `numeric`) compare an output with a target: graded with the generated target on both
sides they would always pass, so a template whose target computes the wrong answer would make rows that "pass
every check". They are graded against an independent reference when the caller has one (the source item's target
of a sampled example), else recorded as not checked (`[None, reason]`), never as passed.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from curator.checks import Case, grade_outputs, stored_checks
from curator.errors import CuratorError
from curator.fix.contamination import DEFAULT_THRESHOLD, ContaminationGuard, NgramIndex
from curator.fix.templates.library import TemplateRecord, get_template, source_item
from curator.fix.templates.rendering import Rendered, TemplateRenderer
from curator.review.runs import resolve_run
from curator.storage import examples as example_queries
from curator.workspace import Workspace

DEFAULT_PER_FAILURE = 5


@dataclass(frozen=True)
class Candidate:
    """A rendered example with the verdict of the checks, the guard and the duplicate search."""

    rendered: Rendered
    status: str
    reason: str | None
    check_results: dict


REFERENCE_KINDS = ("exact", "numeric")
NOT_CHECKED = "not checked: no reference independent of the generated target"


@dataclass
class ExampleVetter:
    """What every generated example is run through: checks, held-out guard, duplicate search."""

    checks: Sequence = ()
    guard: ContaminationGuard | None = None
    existing_pairs: Sequence[tuple[str, str]] = ()
    dedupe_threshold: float = 1.0
    _seen: set = field(default_factory=set, init=False)
    _near: NgramIndex | None = field(default=None, init=False)

    def __post_init__(self):
        self._seen = {(i, t) for i, t in self.existing_pairs}
        if self.dedupe_threshold < 1.0:
            self._near = NgramIndex([f"{i}\n{t}" for i, t in self.existing_pairs], self.dedupe_threshold)

    def grade(self, input_text: str, target: str, reference: str | None = None) -> tuple[dict, str | None]:
        """Check results as {name: [passed, reason]} for the checks that apply (passed None: not checked), and the
        first failure's reason. The example's target is graded as the output; reference checks compare it with
        `reference`, and are not checked without one."""
        return self.grade_examples([(input_text, target, reference)])[0]

    def grade_examples(self, examples: Sequence[tuple[str, str, str | None]]) -> list[tuple[dict, str | None]]:
        """`grade` for many (input, target, reference) examples, through one `grade_outputs` call per side."""
        as_output = grade_outputs(self.checks, [Case(i, t, t) for i, t, _ in examples])
        reference_specs = [s for s in self.checks if s.kind in REFERENCE_KINDS and s.field == "output"]
        with_reference = [n for n, (_, _, r) in enumerate(examples) if r is not None]
        against = grade_outputs(
            reference_specs, [Case(examples[n][0], examples[n][2], examples[n][1]) for n in with_reference]
        )
        against_of = dict(zip(with_reference, against, strict=True))
        graded = []
        for number, grades in enumerate(as_output):
            results, failure = {}, None
            for spec in self.checks:
                verdict = grades.get(spec.name)
                if verdict is not None and spec in reference_specs:
                    if number not in against_of:
                        results[spec.name] = [None, NOT_CHECKED]
                        continue
                    verdict = against_of[number].get(spec.name)
                if verdict is None:
                    continue
                results[spec.name] = [verdict.passed if verdict.graded else None, verdict.reason]
                if verdict.graded and not verdict.passed and failure is None:
                    failure = f"check '{spec.name}': {verdict.reason}"
            graded.append((results, failure))
        return graded

    def judge(self, rendered: Rendered, graded: tuple[dict, str | None] | None = None) -> Candidate:
        """The example's verdict; `graded` is its `grade` when the caller graded a batch at once."""
        results, failure = graded if graded is not None else self.grade(rendered.input, rendered.target)
        if failure:
            return Candidate(rendered, "failed_checks", failure, results)
        refusal = self.guard.check_one(rendered.input) if self.guard else None
        if refusal is not None:
            return Candidate(rendered, "contaminated", refusal.reason(), results)
        duplicate = self._duplicate(rendered)
        if duplicate:
            return Candidate(rendered, "duplicate", duplicate, results)
        return Candidate(rendered, "proposed", None, results)

    def _duplicate(self, rendered: Rendered) -> str | None:
        pair = (rendered.input, rendered.target)
        if pair in self._seen:
            return "exact duplicate of an existing example"
        joined = f"{rendered.input}\n{rendered.target}"
        if self._near is not None:
            match = self._near.best_match(joined)
            if match is not None:
                return f"near duplicate of an existing example (similarity {match.similarity:.2f})"
            self._near.add(joined)
        self._seen.add(pair)
        return None


def generate_candidates(
    renderer: TemplateRenderer,
    n: int,
    seed: int,
    vetter: ExampleVetter,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[Candidate], bool]:
    """Render `n` examples from the template and judge each; second value: whether the time limit cut it short."""
    rendered, stopped_early = renderer.sample(n, seed)
    grades = vetter.grade_examples([(example.input, example.target, None) for example in rendered])
    judged = []
    for done, (example, graded) in enumerate(zip(rendered, grades, strict=True), start=1):
        judged.append(vetter.judge(example, graded))
        if progress is not None and (done % 1024 == 0 or done == len(rendered)):
            progress(done, len(rendered))
    return judged, stopped_early


@dataclass(frozen=True)
class GenerationReport:
    """What one `generate` call stored: the batch, its seed, counts per status, and whether it was cut short."""

    batch_id: int
    template: str
    seed: int
    counts: dict[str, int]
    stopped_early: bool
    candidates: list[Candidate]
    warnings: list[str] = field(default_factory=list)

    @property
    def proposed(self) -> int:
        return self.counts.get("proposed", 0)

    @property
    def contaminated(self) -> int:
        return self.counts.get("contaminated", 0)


def vetter_for(
    ws: Workspace,
    source_run_id: int | None,
    dedupe_threshold: float = 1.0,
    contamination_threshold: float = DEFAULT_THRESHOLD,
    guard_run_ids: list[int] | None = None,
    semantic=None,
) -> ExampleVetter:
    """The checks of the source run, a guard over held-out items (of all runs by default) and the kept examples."""
    checks = stored_checks(ws, source_run_id) if source_run_id is not None else []
    held_out = example_queries.held_out_inputs(ws.db, guard_run_ids)
    guard = ContaminationGuard(held_out, contamination_threshold, semantic=semantic)
    return ExampleVetter(checks, guard, example_queries.kept_pairs(ws.db), dedupe_threshold)


def generate(
    ws: Workspace,
    template_ref: str | int,
    n: int = DEFAULT_PER_FAILURE,
    seed: int | None = None,
    source_run_id: int | None = None,
    source_item_key: int | None = None,
    dedupe_threshold: float = 1.0,
    contamination_threshold: float = DEFAULT_THRESHOLD,
    progress: Callable[[int, int], None] | None = None,
) -> GenerationReport:
    """Generate `n` examples from a template for one source failure and store them all (refused ones with reasons)."""
    _check_numbers(n, dedupe_threshold, contamination_threshold)
    record = get_template(ws, template_ref)
    seed = random.SystemRandom().randrange(2**31) if seed is None else seed
    run_id, item_key = _source(ws, record, source_run_id, source_item_key)
    vetter = vetter_for(ws, run_id, dedupe_threshold, contamination_threshold)
    warnings = [] if vetter.checks else [_no_checks_warning(ws, run_id)]
    candidates, stopped_early = generate_candidates(TemplateRenderer(record.spec), n, seed, vetter, progress)
    batch_id = _store(ws, record, run_id, item_key, seed, candidates)
    counts: dict[str, int] = {}
    for c in candidates:
        counts[c.status] = counts.get(c.status, 0) + 1
    return GenerationReport(batch_id, record.name, seed, counts, stopped_early, candidates, warnings)


def _check_numbers(n: int, dedupe_threshold: float, contamination_threshold: float) -> None:
    """Refuse counts and thresholds out of range before anything is rendered or stored."""
    if n < 1:
        raise CuratorError(f"count must be at least 1, not {n}")
    for label, value in (("dedupe threshold", dedupe_threshold), ("guard threshold", contamination_threshold)):
        if not 0 < value <= 1:
            raise CuratorError(f"{label} must be above 0 and at most 1, not {value}")


def _source(ws: Workspace, record: TemplateRecord, run_ref: int | None, item_key: int | None) -> tuple:
    """The source run id and item key (given or the template's), refused unless the run has that dev item."""
    run_id = run_ref if run_ref is not None else record.source_run_id
    item_key = item_key if item_key is not None else record.source_item_key
    if run_id is None:
        if item_key is not None:
            raise CuratorError(f"source item {item_key} needs a source run (--source-run)")
        return None, None
    if item_key is None:
        return resolve_run(ws, run_id).run_id, None
    run, _ = source_item(ws, run_id, item_key)
    return run.run_id, item_key


def _no_checks_warning(ws: Workspace, run_id: int | None) -> str:
    if run_id is None:
        return "no source run: examples were not graded by any check"
    return f"run '{resolve_run(ws, run_id).name}' has no stored checks: examples were not graded by any check"


def _store(
    ws: Workspace,
    record: TemplateRecord,
    run_id: int | None,
    item_key: int | None,
    seed: int,
    candidates: list[Candidate],
) -> int:
    lineage = {
        "template_id": record.template_id,
        "bucket_id": record.bucket_id,
        "source_run_id": run_id,
        "source_item_key": item_key,
        "seed": seed,
    }
    rows = [
        {
            "position": c.rendered.index,
            "variant": c.rendered.variant,
            "slot_values": c.rendered.slot_values,
            "input": c.rendered.input,
            "target": c.rendered.target,
            "status": c.status,
            "reason": c.reason,
            "check_results": c.check_results,
        }
        for c in candidates
    ]
    with ws.db.transaction() as cur:
        batch_id = example_queries.next_batch_id(cur)
        if rows:
            example_queries.insert_examples(cur, batch_id, lineage, rows)
    return batch_id
