"""`curator demo --script`: up to two loops headless, through the same domain calls the app makes.

Loop 1: bucket the base run's dev items failing the weather tag -> a template from one failing item's own text
-> generate and accept near neighbours -> a dataset (fixes + replay) -> LoRA retrain from the base -> re-eval
-> compare with the base. Loop 2: bucket what still fails on dev, group it by pattern (the failing check and
the weather phrase), a few near neighbours per pattern from each pattern's own failing item, retrain from the
base on the grown dataset, re-eval, compare with the base again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from curator.compare.comparison import SPLITS, Comparison, compare_runs
from curator.compare.stats import mcnemar_exact
from curator.demo import analyst
from curator.demo.setup import DEMO_GENERATION, DEMO_THREADS, DemoState
from curator.errors import CuratorError
from curator.fix import examples as example_domain
from curator.fix.contamination import ContaminationGuard
from curator.fix.generation import generate
from curator.fix.templates.library import create_template, unique_template_name
from curator.jobs import training as job_domain
from curator.recipes.library import build, save_recipe
from curator.recipes.sources import source_rows
from curator.recipes.spec import spec_from_dict as recipe_from_dict
from curator.review import buckets as bucket_domain
from curator.storage import buckets as bucket_queries
from curator.storage import compare as compare_queries
from curator.storage import examples as example_queries
from curator.storage import items as item_queries
from curator.storage.jobs import JobRow
from curator.storage.runs import RunRow
from curator.training.job import LoraSettings, TrainerSettings
from curator.workspace import Workspace

FAILING_CHECK = "weather_tag"
FORMAT_CHECKS = ("think_answer", "weather_tag", "emoji", "no_think_without_api", "no_tag_without_api")
LOOP1_EXAMPLES = 36  # one template; with loop 2's at most 12 the demo stays within 50 generated examples
PER_PATTERN = 4  # near neighbours per still-failing pattern in loop 2 (the course: 3-5)
MAX_PATTERNS = 3
# SmolLM2-135M on two CPU cores (../shared/STACK.md): r=16 and lr 1e-3; the emoji needed about 35-40 optimiser
# steps (21 left it at chance), 35 steps took ~165 s. A fixed 36 steps keeps each retrain near 3 minutes however
# much the dataset grows. No early-stopping evals: each would regenerate the dev items in fp32 (~30 s).
DEMO_LORA = LoraSettings(r=16, alpha=32, dropout=0.0)
DEMO_TRAINER = TrainerSettings(
    learning_rate=1e-3,
    lr_scheduler="constant",  # STACK.md's recipe that learned the emoji used a constant rate
    epochs=6,
    max_steps=36,
    batch_size=8,
    max_length=256,
    warmup_ratio=0.0,
    eval_every=0,
    device="cpu",
    cpu_threads=DEMO_THREADS,
)

EventCallback = Callable[[str, dict], None]


@dataclass
class CheckChange:
    """One check over the matched items of two runs: rates before/after and the paired flips, per split."""

    name: str
    before: dict[str, float | None]
    after: dict[str, float | None]
    fixed: dict[str, int]
    regressed: dict[str, int]
    p_value: dict[str, float | None]

    def as_dict(self) -> dict:
        return {
            "before": self.before,
            "after": self.after,
            "fixed": self.fixed,
            "regressed": self.regressed,
            "p_value": self.p_value,
        }


@dataclass
class LoopResult:
    """What one loop made, and the comparison of its re-eval run with the base run."""

    loop: int
    bucket: str
    bucket_items: int
    patterns: list[str]
    templates: list[str]
    generated_examples: int
    accepted_examples: int
    dataset: str
    job: JobRow
    run: RunRow
    comparison: Comparison
    train_s: float
    eval_s: float
    checks: list[CheckChange] = field(default_factory=list)

    def pass_rates(self) -> dict:
        """{"before": {check: {"dev": r, "held_out": r}}, "after": {...}} from the stored check results."""
        return {side: {c.name: getattr(c, side) for c in self.checks} for side in ("before", "after")}

    def as_dict(self) -> dict:
        return {
            "loop": self.loop,
            "bucket": self.bucket,
            "bucket_items": self.bucket_items,
            "patterns": self.patterns,
            "templates": self.templates,
            "generated_examples": self.generated_examples,
            "accepted_examples": self.accepted_examples,
            "dataset": self.dataset,
            "run": self.run.name,
            "checks": {c.name: c.as_dict() for c in self.checks},
            "items_fixed": len(self.comparison.fixed),
            "items_regressed": len(self.comparison.regressed),
            "train_s": round(self.train_s, 1),
            "eval_s": round(self.eval_s, 1),
        }


def mcnemar_p(fixed: int, regressed: int) -> float | None:
    """Exact McNemar p-value (the compare room's test); None when nothing flipped."""
    return mcnemar_exact(fixed, regressed).p_value if fixed + regressed else None


def _flip_counts(comparison: Comparison) -> dict[str, dict[str, list[int]]]:
    """check -> split -> [fixed, regressed], from the comparison's per-check flips."""
    return {
        row.name: {s: [len(row.flips[s].fixed), len(row.flips[s].regressed)] if s in row.flips else [0, 0]
                   for s in SPLITS}
        for row in comparison.checks
    }  # fmt: skip


def check_changes(comparison: Comparison) -> list[CheckChange]:
    """Per check and split: pass rates, items fixed and regressed on that check, and the McNemar p-value."""
    flips = _flip_counts(comparison)
    changes = []
    for row in comparison.checks:
        counts = flips.get(row.name, {s: [0, 0] for s in SPLITS})
        changes.append(
            CheckChange(
                row.name,
                {s: row.before[s].rate for s in SPLITS},
                {s: row.after[s].rate for s in SPLITS},
                {s: counts[s][0] for s in SPLITS},
                {s: counts[s][1] for s in SPLITS},
                {s: mcnemar_p(*counts[s]) for s in SPLITS},
            )
        )
    return changes


def _bucket(ws: Workspace, run: RunRow, name: str, description: str, keys: list[int]):
    bucket = bucket_queries.find_bucket(ws.db, name) or bucket_domain.create_bucket(ws, name, description)
    bucket_domain.label_items(ws, run.run_id, keys, bucket)
    return bucket


def _failing_dev_items(ws: Workspace, run: RunRow, checks: tuple[str, ...]) -> dict[int, list[str]]:
    """Dev item key -> the given checks it fails, in check order."""
    failing: dict[int, list[str]] = {}
    for check in checks:
        for key in compare_queries.failing_item_keys(ws.db, run.run_id, check, split="dev"):
            failing.setdefault(key, []).append(check)
    return failing


def _make_examples(ws: Workspace, run: RunRow, template, item_key: int, n: int, seed: int) -> tuple[int, int]:
    report = generate(ws, template.template_id, n=n, seed=seed, source_run_id=run.run_id, source_item_key=item_key)
    return len(report.candidates), example_domain.accept_all(ws, batch_id=report.batch_id)


def loop1_examples(ws: Workspace, run: RunRow) -> tuple[str, list[int], list[str], int, int]:
    """Bucket the dev items failing the weather tag; one template from the first one the analyst can read."""
    keys = compare_queries.failing_item_keys(ws.db, run.run_id, FAILING_CHECK, split="dev")
    if not keys:
        raise CuratorError(f"run '{run.name}' has no dev item failing '{FAILING_CHECK}': nothing to fix")
    bucket = _bucket(ws, run, "missing-weather-tag", "no weather tag after an <api> line", keys)
    for key in keys:
        item = item_queries.get_item(ws.db, run.run_id, key)
        spans = analyst.read_spans(item)
        if analyst.usable(spans) and spans.op == "+":
            break
    else:
        raise CuratorError(f"none of the {len(keys)} failing items is a word problem the analyst can read")
    name = unique_template_name(ws, f"weather-tag-from-{item.item_id}")
    spec = analyst.template_from_item(ws, run.run_id, item, name, analyst.WEATHER_ROWS, analyst.WEATHER_PERTURB)
    template = create_template(ws, spec, bucket=bucket.name, source_run_id=run.run_id, source_item_key=key)
    generated, accepted = _make_examples(ws, run, template, key, LOOP1_EXAMPLES, seed=1000)
    return bucket.name, keys, [template.name], generated, accepted


def loop2_examples(ws: Workspace, run: RunRow) -> tuple[str, list[int], list[str], list[str], int, int]:
    """Bucket the dev items still failing a format check; a few near neighbours per pattern (check + phrase)."""
    failing = _failing_dev_items(ws, run, FORMAT_CHECKS)
    patterns: dict[tuple[str, str], list] = {}
    for key, checks in failing.items():
        item = item_queries.get_item(ws.db, run.run_id, key)
        spans = analyst.read_spans(item)
        phrase = spans.phrase if spans and spans.phrase else "(no <api> line)"
        patterns.setdefault((checks[0], phrase), []).append((item, spans))
    ranked = sorted(patterns.items(), key=lambda entry: -len(entry[1]))
    chosen = [(p, next(i for i, s in items if analyst.usable(s))) for p, items in ranked if _any_usable(items)]
    chosen = chosen[:MAX_PATTERNS]
    if not chosen:
        return "", [], [], [], 0, 0
    keys = [i.item_key for (_p, items) in ranked for i, _s in items]
    bucket = _bucket(ws, run, "still-failing", "dev items the first retrain still fails", keys)
    names, generated, accepted = [], 0, 0
    for position, (_pattern, item) in enumerate(chosen):
        name = unique_template_name(ws, f"neighbours-of-{item.item_id}")
        spec = analyst.template_from_item(ws, run.run_id, item, name, None, analyst.NEIGHBOUR_PERTURB)
        template = create_template(
            ws, spec, bucket=bucket.name, source_run_id=run.run_id, source_item_key=item.item_key
        )
        made, kept = _make_examples(ws, run, template, item.item_key, PER_PATTERN, seed=2000 + position)
        names.append(template.name)
        generated, accepted = generated + made, accepted + kept
    return bucket.name, keys, [f"{check}: {phrase}" for (check, phrase), _ in chosen], names, generated, accepted


def _any_usable(items: list) -> bool:
    return any(analyst.usable(spans) for _item, spans in items)


def usable_rows(ws: Workspace, source) -> int:
    """Rows a source can give once near-duplicates of held-out items are refused (as the build refuses them)."""
    guard = ContaminationGuard(example_queries.held_out_inputs(ws.db))
    return sum(guard.check_one(row["prompt"]) is None for row in source_rows(ws, source))


def _recipe(name: str, run: RunRow, buckets: list[str], fixes: int, replay: int):
    total = fixes + replay
    sources = [{"name": "fixes", "kind": "fixes", "share": fixes / total, "buckets": buckets}]
    if replay:
        sources.append({"name": "replay", "kind": "replay", "share": replay / total, "run": run.name})
    return recipe_from_dict({"name": name, "total": total, "seed": 0, "sources": sources}, "demo recipe")


def build_dataset(ws: Workspace, run: RunRow, name: str, buckets: list[str]) -> str:
    """A recipe of the buckets' accepted fixes plus up to a third as many passing dev items of the base run
    (replay, so the model keeps what it could already do), frozen as a new version."""
    probe = _recipe(name, run, buckets, 1, 1).sources
    fixes, replay = (usable_rows(ws, source) for source in probe)
    if not fixes:
        raise CuratorError(f"buckets {', '.join(buckets)} have no accepted examples to train on")
    spec = _recipe(name, run, buckets, fixes, min(fixes // 3, replay))
    save_recipe(ws, spec)
    version = build(ws, name)
    return f"{version.recipe_name}@{version.version}"


def retrain_and_compare(
    ws: Workspace, state: DemoState, dataset: str, on_event: EventCallback, lora, trainer
) -> tuple[JobRow, RunRow, float, float]:
    """A LoRA retrain from the base model on `dataset`, then the base run's items re-evaluated with it."""
    run = state.base_run
    started = time.monotonic()
    request = job_domain.TrainingRequest(
        dataset=dataset,
        base_model=str(state.model_path),
        source_run=run.name,
        lora=lora,
        trainer=trainer,
        generation=DEMO_GENERATION.as_dict(),
    )
    job = job_domain.run_job(ws, request, on_event=lambda e: on_event("train", e))
    train_s = time.monotonic() - started
    if job.status != "succeeded":
        raise CuratorError(f"training job {job.job_id} {job.status}: {job.error}")
    started = time.monotonic()
    new_run = job_domain.reeval_with_adapter(
        ws,
        job.job_id,
        run.run_id,
        cpu_threads=DEMO_THREADS,
        dtype=(run.settings or {}).get("dtype") or state.dtype,  # the base run's, so the comparison is like for like
        generation=DEMO_GENERATION,
        on_event=lambda e: on_event("reeval", e),
    )
    return job_domain.get_job(ws, job.job_id), new_run, train_s, time.monotonic() - started


def run_loop(
    ws: Workspace,
    state: DemoState,
    on_event: EventCallback = lambda stage, e: None,
    lora: LoraSettings = DEMO_LORA,
    trainer: TrainerSettings = DEMO_TRAINER,
) -> LoopResult:
    """Loop 1: from the base run to a compared re-eval run."""
    run = state.base_run
    bucket, keys, templates, generated, accepted = loop1_examples(ws, run)
    dataset = build_dataset(ws, run, "weather-fix-loop1", [bucket])
    job, new_run, train_s, eval_s = retrain_and_compare(ws, state, dataset, on_event, lora, trainer)
    comparison = compare_runs(ws, new_run.run_id, run.run_id)
    result = LoopResult(
        1, bucket, len(keys), [FAILING_CHECK], templates, generated, accepted, dataset, job, new_run, comparison,
        train_s, eval_s,
    )  # fmt: skip
    result.checks = check_changes(comparison)
    return result


def run_second_loop(
    ws: Workspace,
    state: DemoState,
    first: LoopResult,
    on_event: EventCallback = lambda stage, e: None,
    lora: LoraSettings = DEMO_LORA,
    trainer: TrainerSettings = DEMO_TRAINER,
) -> LoopResult | None:
    """Loop 2 on what loop 1's run still fails on dev; None when nothing the analyst can read still fails."""
    bucket, keys, patterns, templates, generated, accepted = loop2_examples(ws, first.run)
    if not bucket or not accepted:
        return None
    dataset = build_dataset(ws, state.base_run, "weather-fix-loop2", [first.bucket, bucket])
    job, new_run, train_s, eval_s = retrain_and_compare(ws, state, dataset, on_event, lora, trainer)
    comparison = compare_runs(ws, new_run.run_id, state.base_run.run_id)
    result = LoopResult(
        2, bucket, len(keys), patterns, templates, generated, accepted, dataset, job, new_run, comparison,
        train_s, eval_s,
    )  # fmt: skip
    result.checks = check_changes(comparison)
    return result


def run_script(
    ws: Workspace, state: DemoState, on_event: EventCallback = lambda stage, e: None, loops: int = 2, **settings
) -> list[LoopResult]:
    """Up to `loops` loops (1 or 2); the second only when the first leaves dev failures to work on."""
    results = [run_loop(ws, state, on_event, **settings)]
    if loops > 1:
        second = run_second_loop(ws, state, results[0], on_event, **settings)
        if second is not None:
            results.append(second)
    return results


def summary(state: DemoState, results: list[LoopResult], total_s: float) -> dict:
    """The JSON the CLI and the benchmark print: per loop and per check {"dev", "held_out"}, and the totals."""
    return {
        "model": state.model_name,
        "dtype": state.base_run.settings.get("dtype") if state.base_run.settings else None,
        "loops": [r.as_dict() for r in results],
        "generated_examples": sum(r.generated_examples for r in results),
        "train_s": round(sum(r.train_s for r in results), 1),
        "eval_s": round(state.eval_s + sum(r.eval_s for r in results), 1),
        "total_s": round(total_s, 1),
    }
