"""What a sweep varies: rows taken from sources, the shares of the mix, the method or one training setting, and
seeds. A plan turns a saved recipe and training settings into variants: a recipe spec and settings each."""

from __future__ import annotations

import itertools
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from curator.errors import BadInputError, CuratorError
from curator.recipes.allocation import allocate
from curator.recipes.spec import RecipeSpec
from curator.sweeps.settings import parse_setting, setting_value, values_of, with_settings
from curator.training.job import METHODS, LoraSettings, TrainerSettings

MAX_SEEDS = 20


@dataclass
class Mix:
    """One hand-written data point of a TOML plan: shares of the recipe's sources (and a total), or rows."""

    name: str = ""
    shares: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    total: int | None = None


@dataclass
class SweepPlan:
    """The axes of a sweep; every combination of them is a variant, each trained once per seed."""

    rows: dict[str, list[int]] = field(default_factory=dict)  # source -> row counts (a quantity sweep)
    shares: dict[str, list[float]] = field(default_factory=dict)  # one source -> its shares (0-1), the rest scaled
    mixes: list[Mix] = field(default_factory=list)  # hand-written mixes (TOML)
    methods: list[str] = field(default_factory=list)
    setting: tuple[str, list] | None = None  # one LoRA or trainer setting and its values
    seeds: list[int] = field(default_factory=lambda: [0, 1])
    training: dict = field(default_factory=dict)  # fixed settings every variant shares (name -> value)

    @property
    def kind(self) -> str:
        """`rows` (a learning curve), `shares`, `mixes`, `method`, `setting` or `recipe` (seeds only)."""
        for name, axis in (("rows", self.rows), ("shares", self.shares), ("mixes", self.mixes)):
            if axis:
                return name
        return "method" if self.methods else "setting" if self.setting else "recipe"

    def to_dict(self) -> dict:
        return asdict(self) | {"kind": self.kind}


@dataclass(frozen=True)
class Variant:
    """One point of the sweep: its label, the recipe spec its dataset is built from, and its training settings."""

    label: str
    spec: dict
    lora: LoraSettings
    trainer: TrainerSettings

    def settings(self) -> dict:
        return {"lora": asdict(self.lora), "trainer": asdict(self.trainer)}


def parse_rows(texts: list[str]) -> dict[str, list[int]]:
    """`--rows fixes=10,20,40` (repeatable: one axis per source)."""
    axes = dict(values_of(text, "--rows", int) for text in texts)
    for source, counts in axes.items():
        if any(count < 0 for count in counts):
            raise CuratorError(f"--rows {source}: a row count is 0 or more")
    return axes


def parse_shares(texts: list[str]) -> dict[str, list[float]]:
    """`--shares fixes=30,50,70` (percent, or fractions up to 1): the source's share against the others."""
    if len(texts) > 1:
        raise CuratorError("--shares varies one source (write several sources' mixes in a TOML plan)")
    axes = dict(values_of(text, "--shares", float) for text in texts)
    for source, values in axes.items():
        scale = 100 if any(v > 1 for v in values) else 1
        if any(not 0 <= v <= scale for v in values):
            raise CuratorError(f"--shares {source}: shares are from 0 to 100 (percent) or 0 to 1")
        axes[source] = [v / scale for v in values]
    return axes


def parse_methods(text: str | None) -> list[str]:
    methods = [m.strip() for m in (text or "").split(",") if m.strip()]
    for method in methods:
        if method not in METHODS:
            raise CuratorError(f"--method '{method}': one of {', '.join(METHODS)}")
    return methods


def seed_list(seeds) -> list[int]:
    """`2` -> [0, 1]; a list is taken as written. At least two, all different."""
    if isinstance(seeds, bool) or not isinstance(seeds, (int, list)):
        raise CuratorError("seeds: a count (2 or more) or a list of seeds")
    listed = list(range(seeds)) if isinstance(seeds, int) else [int(s) for s in seeds]
    if len(listed) < 2 or len(set(listed)) != len(listed) or len(listed) > MAX_SEEDS:
        raise CuratorError(f"seeds: 2 to {MAX_SEEDS} different seeds, so the spread over seeds means something")
    return listed


def load_plan(path: Path | str) -> tuple[dict, SweepPlan]:
    """A TOML plan: `recipe`, `base_run`, `name`, `seeds`, `[rows]`, `[shares]`, `[[mix]]`, `method`,
    `[setting]` and `[train]`; returns the top-level strings and the plan. Bad input: one line naming the field."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInputError(path, "no such file") from None
    except tomllib.TOMLDecodeError as error:
        raise BadInputError(path, f"not valid TOML: {error}") from None
    try:
        plan = _plan_of(raw)
    except (CuratorError, TypeError, ValueError, AttributeError) as error:
        raise BadInputError(path, str(error)) from None
    return {k: str(raw[k]) for k in ("recipe", "base_run", "name", "model") if k in raw}, plan


def _plan_of(raw: dict) -> SweepPlan:
    joined = lambda axis: [f"{k}={','.join(str(v) for v in vs)}" for k, vs in (raw.get(axis) or {}).items()]  # noqa: E731
    mixes = [
        Mix(str(m.get("name") or ""), dict(m.get("shares") or {}), dict(m.get("rows") or {}), m.get("total"))
        for m in raw.get("mix") or []
    ]
    for index, mix in enumerate(mixes, start=1):
        if bool(mix.shares) == bool(mix.rows):
            raise CuratorError(f"mix {index}: give either shares or rows")
    setting = raw.get("setting") or {}
    if len(setting) > 1:
        raise CuratorError("setting: one setting per sweep (its values are the variants)")
    method = raw.get("method") or []
    return SweepPlan(
        rows=parse_rows(joined("rows")),
        shares=parse_shares(joined("shares")),
        mixes=mixes,
        methods=parse_methods(",".join(method) if isinstance(method, list) else str(method)),
        setting=parse_setting(joined("setting")[0]) if setting else None,
        seeds=seed_list(raw.get("seeds", 2)),
        training={k: setting_value(k, v)[2] for k, v in (raw.get("train") or {}).items()},
    )


def _spec_with(spec: RecipeSpec, counts: dict[str, int] | None = None, shares: dict[str, float] | None = None, total=0):
    """The recipe's spec with other row counts per source (or other shares of `total`)."""
    data = spec.to_dict()
    if counts is not None:
        total = sum(counts.values())
        if total <= 0:
            raise CuratorError("a variant needs at least one row")
        shares = {name: count / total for name, count in counts.items()}
    data["total"] = total
    data["sources"] = [s | {"share": shares.get(s["name"], 0.0)} for s in data["sources"]]
    return data


def _source_names(spec: RecipeSpec, named, where: str) -> None:
    known = [s.name for s in spec.sources]
    for name in named:
        if name not in known:
            raise CuratorError(f"{where}: recipe '{spec.name}' has no source '{name}'; its sources: {', '.join(known)}")


def data_points(spec: RecipeSpec, plan: SweepPlan) -> list[tuple[str, dict]]:
    """(label, recipe spec) per data point of the plan; the recipe itself when no data axis is given."""
    base = dict(zip([s.name for s in spec.sources], allocate([s.share for s in spec.sources], spec.total), strict=True))
    if plan.rows:
        _source_names(spec, plan.rows, "--rows")
        names = list(plan.rows)
        points = []
        for combo in itertools.product(*plan.rows.values()):
            counts = base | dict(zip(names, combo, strict=True))
            points.append((" ".join(f"{n}={c}" for n, c in zip(names, combo, strict=True)), _spec_with(spec, counts)))
        return points
    if plan.shares:
        _source_names(spec, plan.shares, "--shares")
        ((varied, values),) = plan.shares.items()
        rest = {s.name: s.share for s in spec.sources if s.name != varied}
        if sum(rest.values()) <= 0 and any(v < 1 for v in values):
            raise CuratorError(f"--shares {varied}: the recipe's other sources have no share to scale")
        scale = lambda v: {n: (1 - v) * s / sum(rest.values()) for n, s in rest.items()} if rest else {}  # noqa: E731
        return [
            (f"{varied}={v:.0%}", _spec_with(spec, shares={varied: v} | scale(v), total=spec.total)) for v in values
        ]
    if plan.mixes:
        return [_mix_point(spec, mix, index) for index, mix in enumerate(plan.mixes, start=1)]
    return [("recipe", spec.to_dict())]


def _mix_point(spec: RecipeSpec, mix: Mix, index: int) -> tuple[str, dict]:
    _source_names(spec, {**mix.shares, **mix.rows}, f"mix {index}")
    if mix.rows:
        counts = {s.name: 0 for s in spec.sources} | {k: int(v) for k, v in mix.rows.items()}
        label = mix.name or " ".join(f"{k}={v}" for k, v in mix.rows.items())
        return label, _spec_with(spec, counts)
    shares = {k: float(v) for k, v in mix.shares.items()}
    total_share = sum(shares.values())
    if abs(total_share - 100) < 1e-6:
        shares = {k: v / 100 for k, v in shares.items()}
    elif abs(total_share - 1) > 1e-6:
        raise CuratorError(f"mix {index}: shares add up to {total_share:g}; they must add up to 1 (or 100)")
    label = mix.name or " ".join(f"{k}={v:.0%}" for k, v in shares.items())
    return label, _spec_with(spec, shares=shares, total=int(mix.total or spec.total))


def training_points(base: tuple[LoraSettings, TrainerSettings], plan: SweepPlan, defaults) -> list[tuple[str, ...]]:
    """(label, lora, trainer) per method or setting value; `defaults(method)` gives a method's own defaults."""
    methods = plan.methods or [base[1].method]
    points = []
    for method in methods:
        lora, trainer = defaults(method) if plan.methods else base
        lora, trainer = with_settings(lora, trainer, plan.training)
        values = plan.setting[1] if plan.setting else [None]
        for value in values:
            label = f"method={method}" if plan.methods else ""
            if plan.setting:
                lora_v, trainer_v = with_settings(lora, trainer, {plan.setting[0]: value})
                label = " ".join(x for x in (label, f"{plan.setting[0]}={value}") if x)
            else:
                lora_v, trainer_v = lora, trainer
            points.append((label, lora_v, trainer_v))
    return points


def variants(spec: RecipeSpec, plan: SweepPlan, base, defaults) -> list[Variant]:
    """Every data point with every training point."""
    out = []
    for (data_label, data_spec), (train_label, lora, trainer) in itertools.product(
        data_points(spec, plan), training_points(base, plan, defaults)
    ):
        label = " ".join(x for x in (data_label if data_label != "recipe" or not train_label else "", train_label) if x)
        out.append(Variant(label or "recipe", data_spec, lora, trainer))
    labels = [v.label for v in out]
    if len(set(labels)) != len(labels):
        raise CuratorError("two variants of the plan are the same (a value is listed twice)")
    return out
