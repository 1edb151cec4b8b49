"""DPO's loss types as the installed TRL names them, read from its source without importing it (TRL takes ~8 s to
import; the app and the CLI check a job's `loss_type` before anything is stored).

TRL's `DPOConfig.loss_type` lists its values in the field's help text (`'sigmoid'`, `'ipo'`, `'apo_zero'`...); an
unknown name would only fail at the first training step, so Curator refuses it up front in one line.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from functools import cache
from pathlib import Path

DEFAULT_LOSS = "sigmoid"
# the names TRL 1.16 accepts, for a machine where trl is not installed (the job would fail to start there anyway)
KNOWN_LOSSES = (
    "sigmoid", "hinge", "ipo", "exo_pair", "nca_pair", "robust", "bco_pair", "sppo_hard",
    "aot", "aot_unpaired", "apo_zero", "apo_down", "discopop", "sft", "sigmoid_norm",
)  # fmt: skip


def _config_source() -> Path | None:
    spec = importlib.util.find_spec("trl")  # a top-level package: located, not imported
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "trainer" / "dpo_config.py"
    return path if path.is_file() else None


def loss_help(source: str) -> str | None:
    """The help text of the `loss_type` field of `DPOConfig` in dpo_config.py's source, or None."""
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.ClassDef) and node.name == "DPOConfig"):
            continue
        for statement in node.body:
            target = getattr(statement, "target", None)
            if isinstance(statement, ast.AnnAssign) and isinstance(target, ast.Name) and target.id == "loss_type":
                for keyword in getattr(statement.value, "keywords", []):
                    if keyword.arg == "metadata" and isinstance(keyword.value, ast.Dict):
                        for key, value in zip(keyword.value.keys, keyword.value.values, strict=True):
                            if isinstance(key, ast.Constant) and key.value == "help":
                                return ast.literal_eval(value)
    return None


@cache
def dpo_loss_types() -> tuple[str, ...]:
    """The loss types the installed TRL's DPOTrainer accepts (TRL 1.16's list when TRL's source cannot be read)."""
    path = _config_source()
    try:
        text = loss_help(path.read_text(encoding="utf-8")) if path else None
    except (OSError, SyntaxError, ValueError):
        text = None
    names = tuple(dict.fromkeys(re.findall(r"`'([a-z_0-9]+)'`", text or "")))
    return names if DEFAULT_LOSS in names else KNOWN_LOSSES


def loss_problem(method: str, loss_type: str) -> str | None:
    """Why this loss type cannot train (one line), or None."""
    if loss_type == DEFAULT_LOSS:
        return None
    if method != "dpo":
        return f"--loss-type is a DPO setting: leave it at {DEFAULT_LOSS} for {method} (got '{loss_type}')"
    allowed = dpo_loss_types()
    if loss_type not in allowed:
        return f"--loss-type must be one of the installed TRL's DPO losses: {', '.join(allowed)} (got '{loss_type}')"
    return None
