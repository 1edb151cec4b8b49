"""The model's own samples as data: which inputs to sample, grading and storing rollouts, rejection sampling
(the best passing sample becomes a proposed SFT example) and preference pairs (passing vs failing samples).

Held-out items are never sampled: the item selection keeps dev items only, and every read of pairs or sampled
examples leaves held-out items out again; proposed examples also pass the contamination guard.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from curator.checks import Case, RewardSpec, grade_outputs, stored_checks, stored_results
from curator.checks.rewards import MEAN_OF_CHECKS, all_passed, load_rewards
from curator.errors import CuratorError, NotFoundError
from curator.fix.generation import vetter_for
from curator.fix.rollout_choice import (
    DEFAULT_MAX_PAIRS,
    FollowUp,
    FollowUpReport,
    ProposalReport,
    best_passing,
    by_input,
    choose_pairs,
    proposal_row,
    status_counts,
)
from curator.review import browse
from curator.review import buckets as bucket_domain
from curator.review.runs import resolve_run
from curator.storage import examples as example_queries
from curator.storage import rollouts as rollout_queries
from curator.storage.browse import ItemFilter
from curator.storage.rollouts import InputSummary, RolloutRow, SampleSetRow
from curator.workspace import Workspace

if TYPE_CHECKING:
    from curator.checks.judging.grading import JudgeAnswerer


@dataclass(frozen=True)
class SamplingPlan:
    """The dev items a sampling call will sample, and how many held-out items the filter also matched (skipped)."""

    run_id: int
    run_name: str
    item_filter: dict
    items: list[dict]
    skipped_held_out: int
    reward_spec: RewardSpec = MEAN_OF_CHECKS


def plan_sampling(
    ws: Workspace,
    run_ref: str | int,
    bucket: str | None = None,
    failing: str | None = None,
    rewards_file=None,
) -> SamplingPlan:
    """The inputs to sample (a bucket's or a failing check's dev items, or every dev item); refused when none."""
    if bucket and failing:
        raise CuratorError("give a bucket or a failing check, not both")
    run = resolve_run(ws, run_ref)
    names = [spec.name for spec in stored_checks(ws, run.run_id)]
    if not names:
        raise CuratorError(f"run '{run.name}' has no stored checks to grade samples with (see `curator check`)")
    if failing is not None and failing not in names:
        raise NotFoundError(f"run '{run.name}' has no check '{failing}' (its checks: {', '.join(names)})")
    bucket_id = bucket_domain.get_bucket(ws, bucket).bucket_id if bucket else None
    rows = rollout_queries.sampling_items(ws.db, ItemFilter(run.run_id, failing_check=failing, bucket_id=bucket_id))
    dev = [row for row in rows if row["split"] != "held_out" and row["input"] is not None]
    if not dev:
        held = len(rows) - len(dev)
        raise CuratorError(
            f"no dev items of run '{run.name}' match"
            + (f" (the {held} held-out item(s) that do are never sampled for training)" if held else "")
        )
    spec = load_rewards(rewards_file, names) if rewards_file else MEAN_OF_CHECKS
    chosen = {"bucket": bucket, "failing_check": failing}
    return SamplingPlan(run.run_id, run.name, chosen, dev, len(rows) - len(dev), spec)


def grade_samples(
    ws: Workspace, plan: SamplingPlan, samples: dict[int, list[str]], judges: JudgeAnswerer | None = None
) -> list[dict]:
    """One graded row per sample: the run's stored checks, whether all passed, and the reward; `judges` answers the
    judge checks (curator.jobs.judging.cached_answerer), without it a judge is left not graded."""
    specs = stored_checks(ws, plan.run_id)
    cases = [
        (item, index, output) for item in plan.items for index, output in enumerate(samples.get(item["item_key"], []))
    ]
    grades = grade_outputs(specs, [Case(item["input"], item["target"], output) for item, _, output in cases], judges)
    graded = []
    for (item, index, output), grade in zip(cases, grades, strict=True):
        results = stored_results(grade)
        graded.append(
            {
                "item_key": item["item_key"],
                "sample_index": index,
                "output": output,
                "check_results": results,
                "passed": all_passed(results),
                "reward": plan.reward_spec.reward(results),
            }
        )
    return graded


def store_rollouts(
    ws: Workspace,
    plan: SamplingPlan,
    model: str,
    adapter: str | None,
    settings: dict,
    samples: dict[int, list[str]],
    judges: JudgeAnswerer | None = None,
) -> SampleSetRow:
    """Grade the samples (judges through `judges`) and store them with their sample set in one write."""
    graded = grade_samples(ws, plan, samples, judges)
    with ws.db.transaction() as cur:
        set_id = rollout_queries.insert_sample_set(
            cur, plan.run_id, model, adapter, settings, plan.reward_spec.to_json(), plan.item_filter
        )
        if graded:
            rollout_queries.insert_rollouts(cur, set_id, plan.run_id, graded)
    return rollout_queries.get_sample_set(ws.db, set_id)


def get_sample_set(ws: Workspace, sample_set_id: int) -> SampleSetRow:
    found = rollout_queries.get_sample_set(ws.db, sample_set_id)
    if found is None:
        raise NotFoundError(f"no sample set {sample_set_id}")
    return found


def list_sample_sets(ws: Workspace, run_id: int | None = None) -> list[SampleSetRow]:
    return rollout_queries.list_sample_sets(ws.db, run_id)


def list_sets_with_uses(ws: Workspace, run_ref: str | None = None) -> tuple[list[SampleSetRow], dict]:
    """The sample sets (of one run), and per set id (examples proposed from it, pairs made from it)."""
    run_id = resolve_run(ws, run_ref).run_id if run_ref is not None else None
    return rollout_queries.list_sample_sets(ws.db, run_id), rollout_queries.made_from_sets(ws.db)


def summaries(ws: Workspace, sample_set_id: int) -> list[InputSummary]:
    """Per input: passes out of k and the reward range; `signal` marks inputs where all or none pass."""
    return rollout_queries.input_summaries(ws.db, sample_set_id)


def rollouts(ws: Workspace, sample_set_id: int, item_key: int | None = None) -> list[RolloutRow]:
    return rollout_queries.list_rollouts(ws.db, sample_set_id, item_key)


def unanimous_checks(samples: list[RolloutRow]) -> dict[str, bool]:
    """Checks on which all samples of an input agree (applied to each, same verdict): name -> that verdict."""
    if not samples:
        return {}
    names = set(samples[0].check_results)
    for sample in samples[1:]:
        names &= set(sample.check_results)
    agreed = {}
    for name in sorted(names):
        verdicts = {bool(s.check_results[name][0]) for s in samples}
        if len(verdicts) == 1:
            agreed[name] = verdicts.pop()
    return agreed


def make_pairs(
    ws: Workspace,
    sample_set_id: int,
    max_pairs: int = DEFAULT_MAX_PAIRS,
    item_keys: list[int] | None = None,
    require: list[str] | None = None,
) -> int:
    """Store preference pairs for every input of a sample set (or the given ones); returns how many are new.
    `require`: the checks that make a sample passing (default: every check that applied)."""
    if max_pairs < 1:
        raise CuratorError(f"pairs per input must be at least 1, not {max_pairs}")
    check_required(ws, get_sample_set(ws, sample_set_id).run_id, require)
    grouped = by_input(rollouts(ws, sample_set_id))
    wanted = [
        (key, chosen.rollout_id, rejected.rollout_id)
        for key, samples in grouped.items()
        if item_keys is None or key in item_keys
        for chosen, rejected in choose_pairs(samples, max_pairs, require)
    ]
    with ws.db.transaction() as cur:
        return rollout_queries.insert_pairs(cur, sample_set_id, wanted)


def propose_best(
    ws: Workspace, sample_set_id: int, item_keys: list[int] | None = None, require: list[str] | None = None
) -> ProposalReport:
    """Per input, the best passing sample becomes a proposed SFT example (lineage: item, rollout, model), refused
    when its input is too close to a held-out item or the pair is already an example. `require`: the checks that
    make a sample passing (default: every check that applied)."""
    sample_set = get_sample_set(ws, sample_set_id)
    check_required(ws, sample_set.run_id, require)
    grouped = by_input(rollouts(ws, sample_set_id))
    items = {i["item_key"]: i for i in _set_items(ws, sample_set)}
    vetter = vetter_for(ws, sample_set.run_id)
    kept = set(example_queries.kept_pairs(ws.db))
    rows, without_pass = [], 0
    for key, samples in grouped.items():
        if (item_keys is not None and key not in item_keys) or key not in items:
            continue
        best = best_passing(samples, require)
        if best is None:
            without_pass += 1
            continue
        rows.append(proposal_row(items[key]["input"], best, vetter.guard, kept))
    if not rows:
        return ProposalReport(None, {}, without_pass)
    lineage = {
        "bucket_id": _bucket_id(ws, sample_set),
        "source_run_id": sample_set.run_id,
        "seed": int(sample_set.settings.get("seed", 0)),
        "model": _model_label(sample_set),
    }
    with ws.db.transaction() as cur:
        batch_id = example_queries.next_batch_id(cur)
        example_queries.insert_sampled_examples(cur, batch_id, lineage, rows)
    return ProposalReport(batch_id, status_counts(rows), without_pass)


def accept_best(ws: Workspace, sample_set_id: int, item_key: int) -> tuple[str, str | None]:
    """Propose one input's best passing sample and accept it at once (the analyst saw it beside the target).

    Returns the example's status (accepted, contaminated, duplicate, or "no passing sample") and the reason.
    """
    report = propose_best(ws, sample_set_id, item_keys=[item_key])
    if report.batch_id is None:
        return "no passing sample", None
    (example,) = example_queries.list_examples(ws.db, batch_id=report.batch_id)
    if example.status == "proposed":
        example_queries.set_status(ws.db, [example.example_id], "accepted")
        return "accepted", None
    return example.status, example.reason


def follow_up(ws: Workspace, sample_set_id: int, wanted: FollowUp) -> FollowUpReport:
    """Propose and pair a stored sample set in one transaction (joined to the caller's when one is open)."""
    require = list(wanted.require or []) or None
    with ws.db.transaction():
        report = propose_best(ws, sample_set_id, require=require) if wanted.propose else None
        made = make_pairs(ws, sample_set_id, wanted.pairs, require=require) if wanted.pairs else 0
    return FollowUpReport(report, made)


def store_with_follow_up(
    ws: Workspace, store: Callable[[], SampleSetRow], wanted: FollowUp
) -> tuple[SampleSetRow, FollowUpReport]:
    """Store a sample set (`store` writes it) and its proposals and pairs as one transaction: a process killed
    between the steps leaves none of them, never a set without the proposals and pairs it was sampled for."""
    with ws.db.transaction():
        sample_set = store()
        return sample_set, follow_up(ws, sample_set.sample_set_id, wanted)


def check_required(ws: Workspace, run_ref: str | int, require: list[str] | None) -> None:
    """Refuse required checks the run does not have (before anything is sampled)."""
    run = resolve_run(ws, run_ref)
    names = [spec.name for spec in stored_checks(ws, run.run_id)]
    unknown = [name for name in require or [] if name not in names]
    if unknown:
        raise NotFoundError(f"run '{run.name}' has no check '{unknown[0]}' (its checks: {', '.join(names)})")


def _set_items(ws: Workspace, sample_set: SampleSetRow) -> list[dict]:
    """The dev items of the sample set's run (held-out ones never become examples)."""
    rows = rollout_queries.sampling_items(ws.db, ItemFilter(sample_set.run_id))
    return [r for r in rows if r["split"] != "held_out" and r["input"] is not None]


def _bucket_id(ws: Workspace, sample_set: SampleSetRow) -> int | None:
    name = sample_set.item_filter.get("bucket")
    if not name:
        return None
    try:
        return bucket_domain.get_bucket(ws, name).bucket_id
    except NotFoundError:
        return None


def _model_label(sample_set: SampleSetRow) -> str:
    return sample_set.model + (f"+{sample_set.adapter}" if sample_set.adapter else "")


def item_filter_of(ws: Workspace, run_id: int, item_filter: ItemFilter) -> tuple[str | None, str | None]:
    """The (bucket name, failing check) a browser filter samples by; refused unless it is one of the two."""
    if item_filter.bucket_id is not None and item_filter.failing_check is None:
        return bucket_domain.get_bucket_by_id(ws, item_filter.bucket_id).name, None
    if item_filter.failing_check is not None and item_filter.bucket_id is None:
        if item_filter.failing_check not in browse.check_names(ws, run_id):
            raise NotFoundError(f"no check '{item_filter.failing_check}' on this run")
        return None, item_filter.failing_check
    raise CuratorError("filter by one bucket or one failing check first, then sample fixes")
