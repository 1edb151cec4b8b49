"""Training settings by name, as `curator train` spells them (lora_r, epochs, learning_rate, ...), typed."""

from __future__ import annotations

from dataclasses import fields, replace

from curator.errors import CuratorError
from curator.training.job import LoraSettings, TrainerSettings


def values_of(text: str, flag: str, kind) -> tuple[str, list]:
    """`NAME=V1,V2,...` as (NAME, values of `kind`); one line naming the flag when it is not that."""
    name, sep, listed = text.partition("=")
    try:
        values = [kind(v.strip()) for v in listed.split(",") if v.strip()]
    except ValueError:
        values = []
    if not sep or not name.strip() or not values:
        raise CuratorError(f"{flag} '{text}': expected NAME=V1,V2,... (e.g. fixes=10,20,40)")
    return name.strip(), values


_SETTING_KINDS = {"int": int, "float": float, "bool": lambda v: str(v).lower() in ("1", "true", "yes"), "str": str}


def _setting_field(name: str):
    """(group, field) of a setting named like `curator train`'s options: lora_r, r, epochs, learning_rate..."""
    wanted = name.replace("-", "_").removeprefix("--")
    for group, kind, prefix in (("lora", LoraSettings, "lora_"), ("trainer", TrainerSettings, "")):
        for f in fields(kind):
            if wanted in (prefix + f.name, f.name) or wanted == f.metadata.get("flag", "").removeprefix("--"):
                return group, f
    names = [f"lora_{f.name}" for f in fields(LoraSettings)] + [f.name for f in fields(TrainerSettings)]
    raise CuratorError(f"no training setting '{name}'; settings are: {', '.join(names)}")


def setting_value(name: str, raw) -> tuple[str, str, object]:
    """(group, field name, value) of one training setting, its value turned into the field's type."""
    group, f = _setting_field(name)
    if f.name == "target_modules":
        return group, f.name, raw
    try:
        return group, f.name, _SETTING_KINDS.get(f.type, str)(raw)
    except (TypeError, ValueError):
        raise CuratorError(f"setting '{name}': '{raw}' is not a {f.type}") from None


def parse_setting(text: str) -> tuple[str, list]:
    """`--setting lora_r=4,16`: one setting and its values, each of the setting's type."""
    name, values = values_of(text, "--setting", str)
    return name, [setting_value(name, v)[2] for v in values]


def parse_fixed(texts: list[str]) -> dict:
    """`--train max_steps=4` (repeatable): a setting every variant shares."""
    fixed = {}
    for text in texts:
        name, sep, value = text.partition("=")
        if not sep or not name.strip():
            raise CuratorError(f"--train '{text}': expected NAME=VALUE (e.g. max_steps=40)")
        fixed[name.strip()] = setting_value(name.strip(), value.strip())[2]
    return fixed


def with_settings(lora: LoraSettings, trainer: TrainerSettings, values: dict) -> tuple[LoraSettings, TrainerSettings]:
    for name, value in values.items():
        group, field_name, typed = setting_value(name, value)
        if group == "lora":
            lora = replace(lora, **{field_name: typed})
        else:
            trainer = replace(trainer, **{field_name: typed})
    return lora, trainer
