"""Inspect AI logs: the JSON log and the zipped `.eval` log; one item per (sample id, epoch)."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from curator.importers.bad_file import BadFileError
from curator.importers.mapping import RecordProblem
from curator.importers.messages import render_messages
from curator.importers.parsed import ParsedRun, collect_records, json_safe

ATTACHMENT = re.compile(r"attachment://([0-9a-f]+)")
SAMPLE_MEMBER = re.compile(r"^samples/(.+)_epoch_(\d+)\.json$")
PASS_GRADES = {"C": True, "I": False, True: True, False: False}  # 1 and 0 hash as True and False


def parse_inspect(path: Path, skip_bad_lines: bool = False) -> ParsedRun:
    header, samples = _read_zip(path) if zipfile.is_zipfile(path) else _read_json(path)
    eval_info = header.get("eval") or {}
    records, skipped = collect_records(
        path,
        samples,
        _record,
        lambda item_id, first: RecordProblem("id", f"duplicate sample id and epoch '{item_id}' (also in {first})"),
        skip_bad_lines,
    )
    return ParsedRun(
        records=records,
        default_name=eval_info.get("task") or path.stem,
        model=eval_info.get("model"),
        skipped=skipped,
        settings={"task": eval_info.get("task"), "status": header.get("status")},
    )


def _read_json(path: Path) -> tuple[dict, list[tuple[str, dict]]]:
    try:
        log = json.loads(path.read_bytes().removeprefix(b"\xef\xbb\xbf"))
    except (ValueError, UnicodeDecodeError) as error:
        raise BadFileError(path, f"not a readable Inspect JSON log: {error}") from None
    if not isinstance(log, dict) or not isinstance(log.get("eval"), dict):
        raise BadFileError(path, "not an Inspect log: there is no 'eval' header", field="eval")
    samples = log.get("samples") or []
    return log, [(f"sample {n}", s) for n, s in enumerate(samples, start=1)]


def _read_zip(path: Path) -> tuple[dict, list[tuple[str, dict]]]:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        header_name = "header.json" if "header.json" in names else "_journal/start.json"
        if header_name not in names:
            raise BadFileError(
                path, "a zip file that is not an Inspect .eval log (it has no header.json or _journal/start.json)"
            )
        header = _zip_json(path, archive, header_name)
        members = sorted((m for m in names if SAMPLE_MEMBER.match(m)), key=_member_order)
        return header, [(m, _zip_json(path, archive, m)) for m in members]


def _zip_json(path: Path, archive: zipfile.ZipFile, name: str) -> dict:
    try:
        return json.loads(archive.read(name))
    except (ValueError, UnicodeDecodeError) as error:
        raise BadFileError(path, f"{name} inside the log is not valid JSON: {error}") from None


def _member_order(name: str) -> tuple:
    sample_id, epoch = SAMPLE_MEMBER.match(name).groups()
    return (0, int(sample_id), "", int(epoch)) if sample_id.isdigit() else (1, 0, sample_id, int(epoch))


def _record(sample: dict) -> dict:
    if not isinstance(sample, dict) or sample.get("id") is None:
        raise RecordProblem("id", "the sample has no id")
    sample = _resolve_attachments(sample, sample.get("attachments") or {})
    epoch = sample.get("epoch") or 1
    item_id = str(sample["id"]) if epoch == 1 else f"{sample['id']}#{epoch}"
    messages = _prompt_messages(sample)
    target = sample.get("target")
    return {
        "item_id": item_id,
        "source_line": None,
        "input": render_messages(messages) if messages else _content_text(sample.get("input")),
        "input_messages": messages,
        "target": "\n".join(target) if isinstance(target, list) else target,
        "output": _output_text(sample.get("output")),
        "metadata": json_safe(
            {
                "sample_id": sample["id"],
                "epoch": epoch,
                "scores": _scores(sample.get("scores")),
                "sample_metadata": sample.get("metadata") or {},
                "choices": sample.get("choices"),
                "targets": target if isinstance(target, list) else None,
                "error": sample.get("error"),
            }
        ),
    }


def _resolve_attachments(value, attachments: dict):
    """The value with every `attachment://HASH` replaced by the text stored in the sample's attachments."""
    if isinstance(value, str):
        return ATTACHMENT.sub(lambda m: attachments.get(m[1], m[0]), value) if "attachment://" in value else value
    if isinstance(value, dict):
        return {
            k: (v if k in ("attachments", "events") else _resolve_attachments(v, attachments)) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_resolve_attachments(v, attachments) for v in value]
    return value


def _content_text(content) -> str:
    """Text of a message content: a string, or the text parts of a list of content parts."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        if all(isinstance(m, dict) and "role" in m for m in content):
            return render_messages([{"role": m["role"], "content": _content_text(m.get("content"))} for m in content])
        return "".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type", "text") == "text")
    return json.dumps(content)


def _prompt_messages(sample: dict) -> list[dict] | None:
    """The conversation the model saw: the sample's messages up to its final answer; else the chat input."""
    messages = sample.get("messages") or (sample["input"] if isinstance(sample.get("input"), list) else None)
    if not messages:
        return None
    shown = [{"role": m.get("role", "user"), "content": _content_text(m.get("content"))} for m in messages]
    while shown and shown[-1]["role"] == "assistant" and sample.get("output"):
        shown.pop()
    return shown or None


def _output_text(output) -> str | None:
    """The completion of the sample's model output; None when the run ended before the model answered."""
    if not isinstance(output, dict):
        return None
    if output.get("completion"):
        return output["completion"]
    choices = output.get("choices") or []
    if not choices:
        return None
    return _content_text((choices[0].get("message") or {}).get("content"))


def _scores(scores) -> dict:
    """Inspect's own scores per scorer: value (letter grades C/I kept as is), answer, explanation, and passed."""
    shown = {}
    for name, score in (scores or {}).items():
        score = score if isinstance(score, dict) else {"value": score}
        value = score.get("value")
        passed = PASS_GRADES.get(value) if isinstance(value, (str, bool, int)) else None
        shown[name] = {
            "value": value,
            "answer": score.get("answer"),
            "explanation": score.get("explanation"),
            "passed": passed,
        }
    return shown
