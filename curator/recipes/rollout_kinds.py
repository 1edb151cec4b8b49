"""Recipe source kinds made from a model's own samples, and the recipe options that shape rows (CoT share).

- `samples`: accepted examples proposed from rollouts by rejection sampling (optionally of one `run`): SFT rows.
- `pairs`: the stored preference pairs of a run's sample sets: DPO rows (prompt, chosen, rejected).
- `labels`: both sides of those pairs as KTO rows (prompt, completion, label: desirable or not).
- `revisions`: accepted revision pairs (chosen = the analyst's or the reviser's fix, rejected = the failing
  output) of any run or of one `run`, optionally of some `buckets`: DPO rows.

A recipe builds one kind of row: pair and label sources mix only with sources of their own kind.
"""

from __future__ import annotations

from curator.errors import BadInputError

ROLLOUT_KINDS = ("samples", "pairs", "labels", "revisions")
# The row shape each kind gives; every other kind gives SFT prompt/completion rows.
ROW_SHAPES = {"pairs": "dpo", "labels": "kto", "revisions": "dpo"}


def row_shape(kind: str) -> str:
    return ROW_SHAPES.get(kind, "sft")


def version_shape(spec: dict) -> str:
    """The row shape a built version holds, from the source kinds of the spec it was built from."""
    kinds = {row_shape(source.get("kind", "")) for source in spec.get("sources", [])}
    return kinds.pop() if len(kinds) == 1 else "sft"


def check_rollout_source(raw: dict, index: int, origin: str) -> None:
    """`pairs` and `labels` sources name the run whose sample sets they draw from."""
    kind = raw.get("kind")
    if kind in ("pairs", "labels") and not raw.get("run"):
        raise BadInputError(origin, f"source {index + 1} ({kind}) needs 'run' (the run that was sampled)", field="run")


def check_row_shapes(sources: list, origin: str) -> None:
    """All sources of a recipe must give the same row shape (SFT, DPO pairs or KTO labels)."""
    shapes = {row_shape(s.kind) for s in sources}
    if len(shapes) > 1:
        kinds = ", ".join(f"{s.name} ({s.kind}: {row_shape(s.kind)})" for s in sources)
        raise BadInputError(origin, f"sources give different row shapes and cannot be mixed: {kinds}", field="kind")


def check_cot(raw: dict, origin: str) -> tuple[float | None, str]:
    """The CoT share (a fraction, or a percentage above 1) and the thinking switch line of a recipe."""
    share, switch = raw.get("cot_share"), raw.get("thinking_switch", "<use_thinking>")
    if not isinstance(switch, str) or not switch.strip() or "\n" in switch:
        raise BadInputError(
            origin, "thinking_switch must be one non-empty line, e.g. '<use_thinking>'", field="thinking_switch"
        )
    if share is None:
        return None, switch
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 100:
        raise BadInputError(
            origin, f"cot_share must be a share from 0 to 1 (or a percentage), not {share!r}", field="cot_share"
        )
    return (share / 100 if share > 1 else float(share)), switch
