"""What a recipe is: named sources with shares, a total size and a seed; parsed from TOML or stored JSON."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from curator.errors import BadInputError
from curator.recipes.rollout_kinds import ROLLOUT_KINDS, check_cot, check_rollout_source, check_row_shapes

SOURCE_KINDS = ("fixes", "replay", "file", "seed", *ROLLOUT_KINDS)
# Replay completions: the model's own passing outputs (default: gold targets of terse harness answers teach
# terse answers), or the items' targets.
REPLAY_FROM = ("outputs", "targets")


@dataclass
class Source:
    """One source of rows: accepted fixes of buckets, passing items of a run, a data file, or seed examples."""

    name: str
    kind: str
    share: float
    buckets: list[str] = field(default_factory=list)
    run: str | None = None
    path: str | None = None
    rows: list[dict] = field(default_factory=list)
    replay_from: str = "outputs"  # replay only: REPLAY_FROM


@dataclass
class RecipeSpec:
    """A recipe: its sources (shares sum to 1), how many rows to build and the seed that picks them."""

    name: str
    total: int
    sources: list[Source]
    seed: int = 0
    system_prompt: str | None = None
    cot_share: float | None = None
    """Share of rows that keep their <think> (their prompt gets the thinking switch); the rest answer directly."""
    thinking_switch: str = "<use_thinking>"
    """The prompt line that asks for thinking: added to CoT rows, removed from direct-answer rows."""

    def to_dict(self) -> dict:
        return asdict(self)


def _source(raw: dict, index: int, origin: str) -> Source:
    kind = raw.get("kind")
    if kind not in SOURCE_KINDS:
        raise BadInputError(origin, f"source {index + 1}: kind must be one of {', '.join(SOURCE_KINDS)}", field="kind")
    try:
        share = float(raw.get("share"))
    except (TypeError, ValueError):
        raise BadInputError(origin, f"source {index + 1}: share must be a number", field="share") from None
    check_rollout_source(raw, index, origin)
    needs = {"fixes": "buckets", "replay": "run", "file": "path"}.get(kind)
    if needs and not raw.get(needs):
        raise BadInputError(origin, f"source {index + 1} ({kind}) needs '{needs}'", field=needs)
    if kind == "seed" and not (raw.get("rows") or raw.get("path")):
        raise BadInputError(origin, f"source {index + 1} (seed) needs 'rows' or 'path'", field="rows")
    replay_from = raw.get("replay_from") or "outputs"
    if kind == "replay" and replay_from not in REPLAY_FROM:
        raise BadInputError(
            origin, f"source {index + 1}: replay_from must be one of {', '.join(REPLAY_FROM)}", field="replay_from"
        )
    return Source(
        name=str(raw.get("name") or f"{kind}-{index + 1}"),
        kind=kind,
        share=share,
        buckets=list(raw.get("buckets") or []),
        run=raw.get("run"),
        path=raw.get("path"),
        rows=list(raw.get("rows") or []),
        replay_from=replay_from if kind == "replay" else "outputs",
    )


def spec_from_dict(raw: dict, origin: str = "recipe") -> RecipeSpec:
    """Parse a recipe; shares may be fractions or percentages but must add up to a whole."""
    name = str(raw.get("name") or "").strip()
    if not name:
        raise BadInputError(origin, "a recipe needs a name", field="name")
    raw_sources = raw.get("sources") or raw.get("source") or []
    if not raw_sources:
        raise BadInputError(origin, "a recipe needs at least one source", field="source")
    sources = [_source(s, i, origin) for i, s in enumerate(raw_sources)]
    _normalise_shares(sources, origin)
    names = [s.name for s in sources]
    if len(set(names)) != len(names):
        raise BadInputError(origin, "source names must be unique", field="name")
    try:
        total, seed = int(raw.get("total", 0)), int(raw.get("seed", 0))
    except (TypeError, ValueError):
        raise BadInputError(origin, "total and seed must be whole numbers", field="total") from None
    if total <= 0:
        raise BadInputError(origin, "total must be a positive number of rows", field="total")
    check_row_shapes(sources, origin)
    cot_share, switch = check_cot(raw, origin)
    return RecipeSpec(name, total, sources, seed, raw.get("system_prompt"), cot_share, switch)


def _normalise_shares(sources: list[Source], origin: str) -> None:
    total = sum(s.share for s in sources)
    if any(s.share < 0 for s in sources):
        raise BadInputError(origin, "shares cannot be negative", field="share")
    if abs(total - 100) < 1e-6:
        for s in sources:
            s.share /= 100
    elif abs(total - 1) > 1e-6:
        raise BadInputError(origin, f"shares add up to {total:g}; they must add up to 1 (or 100)", field="share")


def load_recipe(path: Path | str) -> RecipeSpec:
    """A recipe from a TOML file (`[[source]]` tables); relative data paths are taken from the file's folder."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInputError(path, "no such file") from None
    except tomllib.TOMLDecodeError as error:
        raise BadInputError(path, f"not valid TOML: {error}") from None
    spec = spec_from_dict(raw, str(path))
    for source in spec.sources:
        if source.path and not Path(source.path).is_absolute():
            source.path = str((path.parent / source.path).resolve())
    return spec
