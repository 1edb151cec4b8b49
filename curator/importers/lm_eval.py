"""lm-evaluation-harness per-sample logs (`samples_<task>_<timestamp>.jsonl` from `--log_samples`)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from curator.errors import BadInputError, BadRecord
from curator.importers.bad_file import shown, visible
from curator.importers.lines import json_lines
from curator.importers.mapping import RecordProblem
from curator.importers.messages import normalise_messages, render_messages
from curator.importers.parsed import SHAPE_ERRORS, ParsedRun, json_safe

NAME_PATTERN = re.compile(r"^samples_(?P<task>.+?)_(?P<stamp>\d{4}-\d{2}-\d{2}T[\d\-.:]+)\.jsonl?$")
HARNESS_KEYS = {
    "doc_id",
    "doc",
    "target",
    "arguments",
    "resps",
    "filtered_resps",
    "filter",
    "metrics",
    "doc_hash",
    "prompt_hash",
    "target_hash",
}


def parse_lm_eval(path: Path, skip_bad_lines: bool = False) -> ParsedRun:
    """One item per document (doc_id); several filters of one document become one item."""
    task, stamp = _task_and_stamp(path)
    items: dict[str, dict] = {}
    seen: dict[tuple[str, str | None], int] = {}
    skipped: list[BadRecord] = []
    for line, sample in json_lines(path):
        try:
            if isinstance(sample, RecordProblem):
                raise sample
            _add_sample(items, seen, sample, line)
        except SHAPE_ERRORS as error:
            problem = RecordProblem(None, f"a shape the importer cannot read ({visible(repr(error))})")
            if not skip_bad_lines:
                raise BadInputError(path, problem.problem, line=line) from None
            skipped.append(BadRecord(line=line, field=None, problem=problem.problem))
        except RecordProblem as problem:
            if not skip_bad_lines:
                raise BadInputError(path, problem.problem, line=line, field=problem.field) from None
            skipped.append(BadRecord(line=line, field=problem.field, problem=problem.problem))
    results = _results_file(path, task, stamp)
    return ParsedRun(
        records=list(items.values()),
        default_name=task or path.stem,
        model=_model_name(results),
        skipped=skipped,
        settings={"task": task, "results_file": results.get("_path") if results else None},
    )


def _task_and_stamp(path: Path) -> tuple[str | None, str | None]:
    match = NAME_PATTERN.match(path.name)
    return (match["task"], match["stamp"]) if match else (None, None)


def _add_sample(items: dict, seen: dict, sample, line: int) -> None:
    if not isinstance(sample, dict):
        raise RecordProblem(None, "expected a JSON object (one logged sample)")
    if "doc_id" not in sample:
        raise RecordProblem("doc_id", "missing")
    item_id, filter_name = str(sample["doc_id"]), sample.get("filter")
    if (item_id, filter_name) in seen:
        raise RecordProblem("doc_id", f"duplicate item id {shown(item_id)} (also on line {seen[item_id, filter_name]})")
    seen[item_id, filter_name] = line
    requests = _requests(sample.get("arguments"))
    output, output_details = _render_output(sample, requests)
    metrics = {k: v for k, v in sample.items() if k not in HARNESS_KEYS}
    if item_id in items:
        items[item_id]["metadata"]["other_filters"][str(filter_name)] = {
            "metrics": json_safe(metrics),
            **output_details,
        }
        return
    messages = _prompt_messages(requests[0][0])
    items[item_id] = {
        "item_id": item_id,
        "source_line": line,
        "input": render_messages(messages) if messages else _text(requests[0][0]),
        "input_messages": messages,
        "target": _target(sample.get("target"), requests),
        "output": output,
        "metadata": json_safe(
            {
                "doc_id": sample["doc_id"],
                "filter": filter_name,
                "metrics": metrics,
                **output_details,
                "doc": sample.get("doc"),
                "other_filters": {},
            }
        ),
    }


def _requests(arguments) -> list[tuple]:
    """(prompt, continuation or generation settings) per request of one sample, in order."""
    if isinstance(arguments, dict) and arguments:
        values = [arguments[key] for key in sorted(arguments, key=_request_number)]
        if all(isinstance(v, dict) and "arg_0" in v for v in values):
            return [(v["arg_0"], v.get("arg_1")) for v in values]
    if isinstance(arguments, list) and arguments and all(isinstance(v, list) and v for v in arguments):
        return [(v[0], v[1] if len(v) > 1 else None) for v in arguments]  # older logs: a list of argument lists
    raise RecordProblem("arguments", "missing or not the harness's request arguments (gen_args_0.arg_0 ...)")


def _request_number(key: str) -> int:
    digits = re.sub(r"\D", "", key)
    return int(digits) if digits else 0


def _text(value) -> str:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value if isinstance(value, str) else json.dumps(value)


def _prompt_messages(prompt) -> list[dict] | None:
    """The chat messages of a chat-shaped prompt (API models log the request as a JSON list), else None."""
    text = _text(prompt)
    if not text.lstrip().startswith("["):
        return None
    try:
        return normalise_messages(json.loads(text))
    except (ValueError, AttributeError, TypeError, RecursionError):
        return None


def _logprob(value) -> float:
    return float(value)  # logged as a number or as its string


def _render_output(sample: dict, requests: list[tuple]) -> tuple[str | None, dict]:
    """The model's answer as text, and the details behind it for the item's metadata."""
    resps, filtered = sample.get("resps"), sample.get("filtered_resps")
    try:
        if _is_loglikelihood(filtered):
            return _render_choices(filtered, requests)
        raw = resps[0][0] if resps and isinstance(resps[0], list) and resps[0] else None
        first_filtered = filtered[0] if isinstance(filtered, list) and filtered else filtered
        output = raw if isinstance(raw, str) else (first_filtered if isinstance(first_filtered, str) else None)
        if isinstance(output, str):
            return output, ({"filtered_output": first_filtered} if first_filtered != output else {})
        if isinstance(first_filtered, (int, float)):
            return f"[log-likelihood {float(first_filtered):.4g}]", {"loglikelihood": first_filtered}
    except (TypeError, ValueError, IndexError):
        pass
    raise RecordProblem("resps", "no model response the importer can read (expected text or log-probability pairs)")


def _is_loglikelihood(filtered) -> bool:
    return isinstance(filtered, list) and bool(filtered) and all(isinstance(r, list) and len(r) == 2 for r in filtered)


def _render_choices(filtered: list, requests: list[tuple]) -> tuple[str, dict]:
    """Log-likelihood requests: the best-scoring continuation (multiple choice) or the greedy continuation."""
    scored = [
        (_logprob(lp), str(greedy).lower() == "true", _text(req[1]) if req[1] is not None else "")
        for (lp, greedy), req in zip(filtered, requests, strict=False)
    ]
    details = {"choice_logprobs": [{"continuation": c, "logprob": lp, "greedy": g} for lp, g, c in scored]}
    if len(scored) > 1:
        best = max(range(len(scored)), key=lambda i: scored[i][0])
        return scored[best][2].strip(), details | {"chosen_index": best}
    logprob, greedy, continuation = scored[0]
    if greedy:
        return continuation.strip(), details
    return f"[not the greedy continuation: logprob {logprob:.4g} for {continuation.strip()!r}]", details


def _target(target, requests: list[tuple]) -> str | None:
    if target is None or isinstance(target, str):
        return target
    if isinstance(target, int) and not isinstance(target, bool) and len(requests) > 1 and 0 <= target < len(requests):
        return _text(requests[target][1]).strip()  # a multiple-choice target is the index of the gold continuation
    if isinstance(target, list):
        return " | ".join(str(t) for t in target)
    return str(target)


def _results_file(path: Path, task: str | None, stamp: str | None) -> dict | None:
    """The harness's results_*.json written with the samples (same timestamp, else one that ran the task)."""
    same_time = sorted(path.parent.glob(f"*{stamp}.json")) if stamp else []
    ordered = [p for p in same_time + sorted(path.parent.glob("results*.json")) if not p.name.startswith("samples_")]
    for candidate in ordered:
        try:
            data = json.loads(candidate.read_text(encoding="utf-8"))
        except (ValueError, OSError, RecursionError):
            continue
        if (
            isinstance(data, dict)
            and "results" in data
            and ((stamp and candidate.stem.endswith(stamp)) or task in (data.get("configs") or {}))
        ):
            return data | {"_path": candidate.name}
    return None


def _model_name(results: dict | None) -> str | None:
    if not results:
        return None
    if isinstance(results.get("model_name"), str) and results["model_name"]:
        return results["model_name"]
    config = results.get("config")
    args = config.get("model_args") if isinstance(config, dict) else None
    if isinstance(args, dict):
        name = args.get("pretrained") or args.get("model")
        return name if isinstance(name, str) else None
    match = re.search(r"(?:pretrained|model)=([^,]+)", args) if isinstance(args, str) else None
    return match[1] if match else None
