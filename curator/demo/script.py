"""`curator demo --script`: up to two loops headless, through the same domain calls the app makes.

Loop 1: bucket the base run's dev items failing the weather tag -> a template from one failing item's own text
-> generate and accept near neighbours -> a dataset (fixes + replay) -> LoRA retrain from the base -> re-eval
-> compare with the base. Loop 2: bucket what still fails on dev, group it by pattern (the failing check and
the weather phrase), a few near neighbours per pattern from each pattern's own failing item, retrain from the
base on the grown dataset, re-eval, compare with the base again. The retrain step is in demo/retrain.py, what
each loop reports in demo/report.py.
"""

from __future__ import annotations

from curator.compare.comparison import compare_runs
from curator.demo import analyst
from curator.demo.report import CheckChange, LoopResult, check_changes, summary
from curator.demo.retrain import (
    DEMO_LORA,
    DEMO_TRAINER,
    EventCallback,
    build_dataset,
    retrain_and_compare,
    usable_rows,
)
from curator.demo.setup import DemoState
from curator.errors import CuratorError
from curator.fix import examples as example_domain
from curator.fix.generation import generate
from curator.fix.templates.library import create_template, unique_template_name
from curator.review import buckets as bucket_domain
from curator.storage import buckets as bucket_queries
from curator.storage import compare as compare_queries
from curator.storage import items as item_queries
from curator.storage.runs import RunRow
from curator.training.job import LoraSettings, TrainerSettings
from curator.workspace import Workspace

__all__ = [
    "DEMO_LORA",
    "DEMO_TRAINER",
    "CheckChange",
    "LoopResult",
    "build_dataset",
    "check_changes",
    "loop1_examples",
    "loop2_examples",
    "run_loop",
    "run_script",
    "run_second_loop",
    "summary",
    "usable_rows",
]

FAILING_CHECK = "weather_tag"
FORMAT_CHECKS = ("think_answer", "weather_tag", "emoji", "no_think_without_api", "no_tag_without_api")
LOOP1_EXAMPLES = 36  # one template; with loop 2's at most 12 the demo stays within 50 generated examples
PER_PATTERN = 4  # near neighbours per still-failing pattern in loop 2 (the course: 3-5)
MAX_PATTERNS = 3


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
