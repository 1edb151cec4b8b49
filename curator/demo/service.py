"""`curator demo --task service`: the customer-service task, where a keyword check is not enough.

The demo stores the task's eval set, then a run of 160 replies that SmolLM2-135M-Instruct wrote on it (80 from the
model as shipped, 80 after one SFT loop on template rows), each labelled by hand against the rubric below
(`service_labels.jsonl`; docs/judges.md says how the labels were made). It grades the replies with the keyword
check, a judge (SmolLM2 itself, against the rubric) and a learned grader fitted on the calibration part of the
labels, then scores each against the locked test part of the labels: the calibration report says what each grader
is worth.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from curator.checks import CheckSpec, load_spec_text
from curator.demo.service_task import eval_records
from curator.demo.setup import EventCallback, ensure_model
from curator.jobs.judging import raise_failures, run_all_checks
from curator.review import labels as label_domain
from curator.review.browse import ItemFilter
from curator.review.calibration import CalibrationReport, calibrate
from curator.review.runs import create_run_from_records, resolve_run
from curator.storage import items as item_queries
from curator.storage import runs as run_queries
from curator.storage.runs import RunRow
from curator.workspace import Workspace

EVAL_SET_RUN = "service-eval-set"
REPLIES_RUN = "service-replies"
JUDGE = "helpful"
LEARNED = "helpful_learned"
GRADERS = ("action", JUDGE, LEARNED)
RUBRIC = """A customer wrote to an online shop:
{{ input }}

The shop's assistant replied:
{{ output }}

The reply passes only if it acknowledges the customer's issue with the product, states as taken the one action
the policy gives for that issue (damaged: replacement; duplicate charge: refund; failed in use: repair; wrong
item: exchange), and neither refuses, hedges, nor offers other actions."""
# The verdict line needs a handful of tokens; a longer answer only costs time on a CPU.
JUDGE_TOKENS = 24


@dataclass(frozen=True)
class ServiceDemo:
    """What the service demo set up: the model folder, the replies run and a calibration report per grader."""

    model_path: Path
    replies: RunRow
    reports: dict[str, CalibrationReport]


def service_checks(model_path: Path) -> list[CheckSpec]:
    """The keyword checks of service_checks.toml, then the judge (the demo's model) and the learned grader."""
    text = (resources.files("curator.demo") / "service_checks.toml").read_text(encoding="utf-8")
    text += f"""
[[check]]
name = "{JUDGE}"
kind = "judge"
model = {json.dumps(str(model_path))}
max_new_tokens = {JUDGE_TOKENS}
rubric = {json.dumps(RUBRIC)}

[[check]]
name = "{LEARNED}"
kind = "learned"
class_weight = "balanced"
"""
    return load_spec_text(text, "curator/demo/service_checks.toml")


def labelled_replies() -> list[dict]:
    """The hand-labelled replies: item id, which model wrote it, the reply, the verdict and a note."""
    text = (resources.files("curator.demo") / "service_labels.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def reply_records(replies: list[dict]) -> list[dict]:
    """One item per reply: the eval item's input and target with the recorded reply as output."""
    items = {r["item_id"]: r for r in eval_records()}
    return [
        items[r["item_id"]]
        | {
            "item_id": f"{r['reply_from']}:{r['item_id']}",
            "output": r["output"],
            "metadata": items[r["item_id"]]["metadata"] | {"reply_from": r["reply_from"]},
        }
        for r in replies
    ]


def _ensure_run(ws: Workspace, name: str, records: Callable[[], list[dict]]) -> tuple[RunRow, bool]:
    run_id = run_queries.find_run_id(ws.db, name)
    if run_id is not None:
        return resolve_run(ws, run_id), False
    return create_run_from_records(ws, name, records(), source_format="curator-demo"), True


def _label(ws: Workspace, run_id: int, replies: list[dict]) -> None:
    """The hand labels, for every grader: each is scored against the same verdicts, with its own locked third."""
    keys = {item.item_id: item.item_key for item in item_queries.iter_items(ws.db, run_id)}
    groups: dict[tuple[str, str | None], list[int]] = {}
    for reply in replies:
        key = keys[f"{reply['reply_from']}:{reply['item_id']}"]
        groups.setdefault((reply["verdict"], reply["note"]), []).append(key)
    for (verdict, note), group in groups.items():
        for name in GRADERS:
            label_domain.label_filter(ws, ItemFilter(run_id, item_keys=tuple(group)), name, verdict, note)


def prepare_service_demo(ws: Workspace, on_event: EventCallback = lambda stage, e: None) -> ServiceDemo:
    """Everything the service demo shows; a later call reuses the runs, the judge's answers and the fit."""
    model_path = ensure_model(ws, on_event)
    _ensure_run(ws, EVAL_SET_RUN, eval_records)
    replies = labelled_replies()
    run, new = _ensure_run(ws, REPLIES_RUN, lambda: reply_records(replies))
    specs = service_checks(model_path)

    def progress(label: str, done: int, total: int) -> None:
        on_event("check", {"event": "progress", "label": label, "done": done, "total": total})

    raise_failures(run_all_checks(ws, run.run_id, specs, progress=progress))
    if new:
        _label(ws, run.run_id, replies)
    learned = [s for s in specs if s.name == LEARNED]
    raise_failures(run_all_checks(ws, run.run_id, learned, progress=progress))  # fitted on the calibration part
    reports = {name: calibrate(ws, run.run_id, name) for name in GRADERS}
    return ServiceDemo(model_path, resolve_run(ws, run.run_id), reports)
