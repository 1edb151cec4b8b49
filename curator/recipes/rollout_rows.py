"""Rows the rollout source kinds offer: sampled SFT examples, DPO pairs (sampled or revised), KTO labels, with their
lineage."""

from __future__ import annotations

from curator.fix.revisions import revision_pairs
from curator.recipes.spec import Source
from curator.review.runs import resolve_run
from curator.storage import examples as example_queries
from curator.storage import rollouts as rollout_queries
from curator.workspace import Workspace


def _lineage(source: Source, **fields) -> dict:
    return {"source": source.name, "source_kind": source.kind} | fields


def sample_rows(ws: Workspace, source: Source) -> list[dict]:
    """Accepted examples proposed from rollouts (of the source's run, or of any run): prompt/completion rows."""
    run_id = resolve_run(ws, source.run).run_id if source.run else None
    return [
        {"prompt": e.input, "completion": e.target}
        | _lineage(
            source,
            example_id=e.example_id,
            template=None,
            bucket=e.bucket_name,
            source_run_id=e.source_run_id,
            source_item_key=e.source_item_key,
            seed=e.seed,
            rollout_id=e.rollout_id,
            model=e.model,
        )
        for e in example_queries.sampled_examples(ws.db, run_id)
    ]


def pair_rows(ws: Workspace, source: Source) -> list[dict]:
    """The stored preference pairs of the run's sample sets (held-out items never): DPO rows."""
    run = resolve_run(ws, source.run)
    return [
        {"prompt": p.prompt, "chosen": p.chosen, "rejected": p.rejected}
        | _lineage(
            source,
            pair_id=p.pair_id,
            source_run_id=p.run_id,
            source_item_key=p.item_key,
            chosen_rollout_id=p.chosen_rollout_id,
            rejected_rollout_id=p.rejected_rollout_id,
            chosen_reward=p.chosen_reward,
            rejected_reward=p.rejected_reward,
            model=p.model,
        )
        for p in rollout_queries.list_pairs(ws.db, run_id=run.run_id)
    ]


def label_rows(ws: Workspace, source: Source) -> list[dict]:
    """Both sides of the run's stored pairs as KTO rows (chosen desirable, rejected not), each rollout once."""
    run = resolve_run(ws, source.run)
    rows, seen = [], set()
    for p in rollout_queries.list_pairs(ws.db, run_id=run.run_id):
        for rollout_id, text, reward, label in (
            (p.chosen_rollout_id, p.chosen, p.chosen_reward, True),
            (p.rejected_rollout_id, p.rejected, p.rejected_reward, False),
        ):
            if rollout_id in seen:
                continue
            seen.add(rollout_id)
            rows.append(
                {"prompt": p.prompt, "completion": text, "label": label}
                | _lineage(
                    source,
                    source_run_id=p.run_id,
                    source_item_key=p.item_key,
                    rollout_id=rollout_id,
                    reward=reward,
                    model=p.model,
                )
            )
    return rows


def revision_rows(ws: Workspace, source: Source) -> list[dict]:
    """Accepted revision pairs (of the source's run and buckets, or of all): DPO rows, chosen = the revision and
    rejected = the original output; held-out items are left out on every read."""
    rows = []
    for pair in revision_pairs(ws, source.run or None, source.buckets or None):
        row = {"prompt": pair["prompt"], "chosen": pair["chosen"], "rejected": pair["rejected"]}
        lineage = {k: pair[k] for k in ("revision_id", "author", "model", "bucket", "source_run_id", "example_id")}
        row |= _lineage(source, source_item_key=pair["source_item_key"], **lineage)
        rows.append(row | ({"prompt_messages": pair["prompt_messages"]} if pair["prompt_messages"] else {}))
    return rows


ROLLOUT_ROWS = {"samples": sample_rows, "pairs": pair_rows, "labels": label_rows, "revisions": revision_rows}
