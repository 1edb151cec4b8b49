"""Recipes in a workspace: save, plan (live counts per source), build frozen versions, look versions up."""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, replace
from pathlib import Path

from curator.errors import BadInputError, CuratorError, NotFoundError
from curator.fix.contamination import ContaminationGuard
from curator.recipes import freezing
from curator.recipes.allocation import allocate
from curator.recipes.cot import apply_cot_share
from curator.recipes.pair_lengths import pair_lengths
from curator.recipes.prompts import apply_system_prompt, attach_messages
from curator.recipes.sources import source_rows
from curator.recipes.spec import RecipeSpec, Source, spec_from_dict
from curator.storage import datasets as dataset_queries
from curator.storage import examples as example_queries
from curator.storage.datasets import VersionRow
from curator.workspace import Workspace

_SAFE_NAME = re.compile(r"[A-Za-z0-9_][\w.-]*\Z")


@dataclass(frozen=True)
class SourcePlan:
    """One source in the mixer: its share, the rows it must give, the rows it can give, and whether that is enough.

    `available` counts only usable rows: those whose prompt the held-out guard refuses are left out (and counted
    in `refused_held_out`), exactly as the build leaves them out. `problem` is set when the source cannot be read.
    """

    name: str
    kind: str
    share: float
    requested: int
    available: int
    refused_held_out: int = 0
    problem: str | None = None

    @property
    def too_small(self) -> bool:
        return self.problem is None and self.available < self.requested


def datasets_dir(ws: Workspace):
    return ws.root / "datasets"


def save_recipe(ws: Workspace, spec: RecipeSpec) -> RecipeSpec:
    if not _SAFE_NAME.match(spec.name):
        raise BadInputError(
            f"recipe '{spec.name}'", "a recipe name may hold letters, digits, '_', '-' and '.'", field="name"
        )
    spec = spec_from_dict(spec.to_dict(), f"recipe '{spec.name}'")
    dataset_queries.save_recipe(ws.db, spec.name, spec.to_dict())
    return spec


def get_recipe(ws: Workspace, name: str) -> RecipeSpec:
    row = dataset_queries.find_recipe(ws.db, name)
    if row is None:
        raise NotFoundError(f"no dataset recipe named '{name}' (see `curator dataset list`)")
    return spec_from_dict(row.spec, f"recipe '{name}'")


def list_recipes(ws: Workspace) -> list[dataset_queries.RecipeRow]:
    return dataset_queries.list_recipes(ws.db)


def held_out_guard(ws: Workspace) -> ContaminationGuard:
    """The guard every plan and build uses: no prompt close to a held-out input reaches a dataset."""
    return ContaminationGuard(example_queries.held_out_inputs(ws.db))


def usable_rows(ws: Workspace, source: Source, guard: ContaminationGuard) -> tuple[list[dict], int]:
    """The rows a source can give a build (held-out look-alikes removed) and how many it offered."""
    offered = source_rows(ws, source)
    return [row for row in offered if guard.check_one(row["prompt"]) is None], len(offered)


def plan_source(ws: Workspace, source: Source, requested: int, guard: ContaminationGuard) -> SourcePlan:
    """One source's plan; a source that cannot be read gets its one-line problem instead of a count."""
    try:
        pool, offered = usable_rows(ws, source, guard)
    except CuratorError as problem:
        return SourcePlan(source.name, source.kind, source.share, requested, 0, problem=str(problem))
    return SourcePlan(source.name, source.kind, source.share, requested, len(pool), offered - len(pool))


def plan(ws: Workspace, spec: RecipeSpec, guard: ContaminationGuard | None = None) -> list[SourcePlan]:
    """Requested and usable rows per source: the mixer's live counts and the build's refusal use this one plan.

    A source that cannot be read raises its one-line error (the mixer, which shows it in place, uses plan_source).
    """
    guard = guard or held_out_guard(ws)
    counts = allocate([s.share for s in spec.sources], spec.total)
    entries = [plan_source(ws, s, n, guard) for s, n in zip(spec.sources, counts, strict=True)]
    for entry in entries:
        if entry.problem:
            raise CuratorError(entry.problem)
    return entries


def too_small_message(entry: SourcePlan, total: int) -> str:
    refused = f" ({entry.refused_held_out} refused as too close to held-out items)" if entry.refused_held_out else ""
    return (
        f"source '{entry.name}' has {entry.available} usable rows{refused}; its share "
        f"({entry.share:.0%} of {total}) asks for {entry.requested}"
    )


def _pick_rows(ws: Workspace, spec: RecipeSpec, seed: int) -> tuple[list[dict], list[dict]]:
    """The rows of a build (sampled per source, then shuffled) and the manifest entry of each source."""
    guard = held_out_guard(ws)
    counts = allocate([s.share for s in spec.sources], spec.total)
    chosen, entries = [], []
    for source, count in zip(spec.sources, counts, strict=False):
        pool, offered = usable_rows(ws, source, guard)
        entry = SourcePlan(source.name, source.kind, source.share, count, len(pool), offered - len(pool))
        if entry.too_small:
            raise CuratorError(too_small_message(entry, spec.total))
        picked = random.Random(f"{seed}:{source.name}").sample(pool, count)
        chosen += picked
        entries.append(
            {
                "name": source.name,
                "kind": source.kind,
                "share": source.share,
                "rows": count,
                "available": offered,
                "refused_held_out": offered - len(pool),
            }
        )
    random.Random(seed).shuffle(chosen)
    return chosen, entries


def build(ws: Workspace, name: str, seed: int | None = None) -> VersionRow:
    """Freeze the recipe into a new numbered version: a read-only JSONL file beside its manifest (both in the
    version's folder, renamed into place at once) and a content hash.

    Rows whose item came as chat messages keep them, and the recipe's system prompt applies (see `prompts`). Rows
    with an empty completion or a pair whose two sides are equal refuse the build, naming them. The folder is
    renamed into place before the row that records it is committed; a build killed in between leaves a folder that
    no version names, and the next build of the recipe replaces it (no --force needed)."""
    spec = get_recipe(ws, name)
    seed = spec.seed if seed is None else seed
    rows, entries = _pick_rows(ws, spec, seed)
    rows = apply_system_prompt(
        apply_cot_share(attach_messages(ws, rows), spec.cot_share, spec.thinking_switch, seed), spec.system_prompt
    )
    freezing.check_rows(rows)
    payload, content_hash = freezing.payload_of(rows)
    recipe_id = dataset_queries.find_recipe(ws.db, name).recipe_id
    version = dataset_queries.next_version(ws.db, recipe_id)
    folder = datasets_dir(ws) / name
    _remove_unrecorded(ws, folder / f"v{version}" / f"v{version}.jsonl")
    _remove_unrecorded(ws, folder / f"v{version}.jsonl")
    manifest = {
        "recipe": name,
        "version": version,
        "seed": seed,
        "total": len(rows),
        "sources": entries,
        "nearest_held_out": freezing.nearest_held_out(example_queries.held_out_ids(ws.db), rows),
        "pair_lengths": pair_lengths(rows),
        "content_hash": content_hash,
        "file": ws.storable_path(folder / f"v{version}" / f"v{version}.jsonl"),
    }
    path = freezing.write_version(folder, version, payload, manifest)
    stored = ws.storable_path(path)  # relative inside the workspace: a copied workspace reads its own files
    try:
        dataset_queries.insert_version(
            ws.db, recipe_id, version, spec.to_dict() | {"seed": seed}, manifest, content_hash, stored, len(rows)
        )
    except Exception:
        freezing.remove_version_files(path)
        raise
    return get_version(ws, name, version)


def _remove_unrecorded(ws: Workspace, path: Path) -> None:
    """Remove a version's files that no version row names: what a killed build left behind."""
    if not path.is_file() or path.is_symlink():
        return
    if dataset_queries.path_is_recorded(ws.db, ws.storable_path(path)) or dataset_queries.path_is_recorded(
        ws.db, str(path.resolve())
    ):
        return
    freezing.remove_version_files(path)


def parse_version_ref(ref: str) -> tuple[str, int | None]:
    """`name` (newest version), `name@3` or `name@v3`."""
    name, _, version = ref.partition("@")
    if not version:
        return name, None
    digits = version[1:] if version.lower().startswith("v") else version
    if not digits.isdigit():
        raise CuratorError(f"'{ref}': a version is written name@N or name@vN")
    return name, int(digits)


def _located(ws: Workspace, row: VersionRow) -> VersionRow:
    """The version with its file's path made absolute (stored relative to the workspace when inside it)."""
    return replace(row, path=str(ws.resolve_path(row.path)))


def get_version(ws: Workspace, name: str, version: int | None = None) -> VersionRow:
    row = dataset_queries.get_version(ws.db, name, version)
    if row is None:
        which = f"version {version} of " if version else "a built version of "
        raise NotFoundError(f"no {which}dataset '{name}' (see `curator dataset list`)")
    return _located(ws, row)


def list_versions(ws: Workspace, name: str | None = None) -> list[VersionRow]:
    return [_located(ws, row) for row in dataset_queries.list_versions(ws.db, name)]


def read_version_rows(version: VersionRow) -> list[dict]:
    """The rows of a frozen version, after proving the file still has the hash it was frozen with."""
    payload = freezing.check_hash(Path(version.path), version.content_hash)
    return [json.loads(line) for line in payload.decode("utf-8").splitlines() if line.strip()]


def _offers_bucket(version: VersionRow, bucket_name: str) -> bool:
    """True when a fixes source of the version names the bucket and gave the build at least one row."""
    built = {s["name"]: s.get("rows", 0) for s in version.manifest.get("sources", [])}
    return any(
        s.get("kind") == "fixes" and bucket_name in s.get("buckets", []) and built.get(s.get("name"), 0) > 0
        for s in version.spec.get("sources", [])
    )


def newest_version_with_bucket(ws: Workspace, bucket_name: str) -> VersionRow | None:
    """The newest frozen version holding accepted fixes of the bucket (by their lineage); None if none does."""
    newest_first = sorted(list_versions(ws), key=lambda v: (v.created_at, v.recipe_id, v.version), reverse=True)
    for version in newest_first:
        if _offers_bucket(version, bucket_name) and any(
            row.get("bucket") == bucket_name and row.get("source_kind") == "fixes" for row in read_version_rows(version)
        ):
            return version
    return None
