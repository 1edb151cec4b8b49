"""Inspect AI logs: the JSON log and the zipped `.eval` log; one item per (sample id, epoch)."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from curator.importers import eval_zip
from curator.importers.bad_file import BadFileError, shown, visible
from curator.importers.lines import MAX_DEPTH, nesting_depth
from curator.importers.mapping import RecordProblem, type_name
from curator.importers.messages import render_messages
from curator.importers.parsed import ParsedRun, collect_records, json_safe

ATTACHMENT = re.compile(r"attachment://([0-9a-f]+)")
SAMPLE_MEMBER = re.compile(r"^samples/(.+)_epoch_(\d+)\.json$")
PASS_GRADES = {"C": True, "I": False, True: True, False: False}  # 1 and 0 hash as True and False


def parse_inspect(path: Path, skip_bad_lines: bool = False) -> ParsedRun:
    header, samples = _read_zip(path) if zipfile.is_zipfile(path) else _read_json(path)
    eval_info = _header_eval(path, header)
    records, skipped = collect_records(
        path,
        samples,
        _record,
        lambda item_id, first: RecordProblem(
            "id", f"duplicate sample id and epoch {shown(item_id)} (also in {visible(first)})"
        ),
        skip_bad_lines,
    )
    task, model, status = (
        _text_or_none(v) for v in (eval_info.get("task"), eval_info.get("model"), header.get("status"))
    )
    return ParsedRun(
        records=records,
        default_name=task or path.stem,
        model=model,
        skipped=skipped,
        settings={"task": task, "status": status},
    )


def _header_eval(path: Path, header) -> dict:
    if not isinstance(header, dict):
        raise BadFileError(path, f"not an Inspect log: the header is {type_name(header)}, not an object")
    eval_info = header.get("eval")
    if eval_info is not None and not isinstance(eval_info, dict):
        raise BadFileError(path, f"not an Inspect log: expected an object, got {type_name(eval_info)}", field="eval")
    return eval_info or {}


def _text_or_none(value) -> str | None:
    return value if isinstance(value, str) and value else None


def _read_json(path: Path) -> tuple[dict, list[tuple[str, dict]]]:
    log = _parse(path, path.read_bytes().removeprefix(b"\xef\xbb\xbf"), "not a readable Inspect JSON log")
    if not isinstance(log, dict) or not isinstance(log.get("eval"), dict):
        raise BadFileError(path, "not an Inspect log: there is no 'eval' header", field="eval")
    samples = log.get("samples") or []
    if not isinstance(samples, list):
        raise BadFileError(path, f"expected a list of samples, got {type_name(samples)}", field="samples")
    return log, [(f"sample {n}", s) for n, s in enumerate(samples, start=1)]


def _read_zip(path: Path) -> tuple[dict, list[tuple[str, dict]]]:
    with eval_zip.open_archive(path) as archive:
        names = archive.namelist()
        header_name = "header.json" if "header.json" in names else "_journal/start.json"
        if header_name not in names:
            raise BadFileError(
                path, "a zip file that is not an Inspect .eval log (it has no header.json or _journal/start.json)"
            )
        header = _zip_json(path, archive, header_name)
        members = sorted((m for m in names if SAMPLE_MEMBER.match(m)), key=_member_order)
        return header, [(m, _zip_json(path, archive, m)) for m in members]


def _zip_json(path: Path, archive: zipfile.ZipFile, name: str):
    return _parse(path, eval_zip.read_member(path, archive, name), f"{shown(name)} inside the log is not valid JSON")


def _parse(path: Path, data: bytes, problem: str):
    """JSON from bytes of the log; a BadFileError (never a RecursionError) for text that is not JSON or too deep."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadFileError(path, f"{problem}: not UTF-8 text (byte 0x{data[error.start]:02x})") from None
    if nesting_depth(text) > MAX_DEPTH:
        raise BadFileError(path, f"{problem}: nested more than {MAX_DEPTH} levels deep")
    try:
        return json.loads(text)
    except ValueError as error:
        raise BadFileError(path, f"{problem}: {error}") from None
    except RecursionError:
        raise BadFileError(path, f"{problem}: nested too deeply") from None


def _member_order(name: str) -> tuple:
    sample_id, epoch = SAMPLE_MEMBER.match(name).groups()
    return (0, int(sample_id), "", int(epoch)) if sample_id.isdigit() else (1, 0, sample_id, int(epoch))


def _record(sample) -> dict:
    if not isinstance(sample, dict):
        raise RecordProblem(None, f"expected a sample object, got {type_name(sample)}")
    sample_id = sample.get("id")
    if sample_id is None:
        raise RecordProblem("id", "the sample has no id")
    if not isinstance(sample_id, (str, int, float)) or isinstance(sample_id, bool):
        raise RecordProblem("id", f"expected text or a number, got {type_name(sample_id)}")
    attachments = sample.get("attachments")
    sample = _resolve_attachments(sample, attachments if isinstance(attachments, dict) else {})
    epoch = sample.get("epoch") or 1
    if not isinstance(epoch, int) or isinstance(epoch, bool) or epoch < 1:
        raise RecordProblem("epoch", f"expected a whole number from 1, got {type_name(epoch)}")
    item_id = str(sample_id) if epoch == 1 else f"{sample_id}#{epoch}"
    messages = _prompt_messages(sample)
    target = _target(sample.get("target"))
    return {
        "item_id": item_id,
        "source_line": None,
        "input": render_messages(messages) if messages else _input_text(sample.get("input")),
        "input_messages": messages,
        "target": "\n".join(target) if isinstance(target, list) else target,
        "output": _output_text(sample.get("output")),
        "metadata": json_safe(
            {
                "sample_id": sample_id,
                "epoch": epoch,
                "scores": _scores(sample.get("scores")),
                "sample_metadata": sample.get("metadata") or {},
                "choices": sample.get("choices"),
                "targets": target if isinstance(target, list) else None,
                "error": sample.get("error"),
            }
        ),
    }


def _target(target):
    if target is None or isinstance(target, str):
        return target
    if isinstance(target, list) and all(isinstance(t, str) for t in target):
        return target
    raise RecordProblem("target", f"expected text or a list of texts, got {type_name(target)}")


def _input_text(value) -> str:
    if value is None or isinstance(value, (str, list)):
        return _content_text(value)
    raise RecordProblem("input", f"expected text or a list of chat messages, got {type_name(value)}")


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
        if content and all(isinstance(m, dict) and "role" in m for m in content):
            return render_messages([_message(m, n) for n, m in enumerate(content, start=1)])
        return "".join(
            p["text"]
            for p in content
            if isinstance(p, dict) and p.get("type", "text") == "text" and isinstance(p.get("text"), str)
        )
    return json.dumps(content)


def _message(message, number: int, field: str = "input") -> dict:
    if not isinstance(message, dict):
        raise RecordProblem(f"{field}.{number - 1}", f"expected a chat message object, got {type_name(message)}")
    role = message.get("role", "user")
    return {
        "role": role if isinstance(role, str) else json.dumps(role),
        "content": _content_text(message.get("content")),
    }


def _prompt_messages(sample: dict) -> list[dict] | None:
    """The conversation the model saw: the sample's messages up to its final answer; else the chat input."""
    field = "messages" if sample.get("messages") else "input"
    messages = sample.get("messages") or (sample["input"] if isinstance(sample.get("input"), list) else None)
    if not messages:
        return None
    if not isinstance(messages, list):
        raise RecordProblem("messages", f"expected a list of chat messages, got {type_name(messages)}")
    if field == "input" and not any(isinstance(m, dict) and "role" in m for m in messages):
        return None  # a list of content parts, not messages: _input_text joins their text
    shown_messages = [_message(m, n, field) for n, m in enumerate(messages, start=1)]
    while shown_messages and shown_messages[-1]["role"] == "assistant" and sample.get("output"):
        shown_messages.pop()
    return shown_messages or None


def _output_text(output) -> str | None:
    """The completion of the sample's model output; None when the run ended before the model answered."""
    if output is None:
        return None
    if not isinstance(output, dict):
        raise RecordProblem("output", f"expected an object, got {type_name(output)}")
    completion = output.get("completion")
    if completion is not None and not isinstance(completion, str):
        raise RecordProblem("output.completion", f"expected text, got {type_name(completion)}")
    if completion:
        return completion
    choices = output.get("choices") or []
    if not isinstance(choices, list):
        raise RecordProblem("output.choices", f"expected a list, got {type_name(choices)}")
    if not choices:
        return None
    first = choices[0]
    if not isinstance(first, dict):  # Inspect writes choice objects; a bare text would import as no output
        raise RecordProblem("output.choices.0", f"expected a choice object, got {type_name(first)}")
    message = first.get("message")
    if message is not None and not isinstance(message, dict):
        raise RecordProblem("output.choices.0.message", f"expected a message object, got {type_name(message)}")
    return _content_text((message or {}).get("content"))


def _scores(scores) -> dict:
    """Inspect's own scores per scorer: value (letter grades C/I kept as is), answer, explanation, and passed."""
    if scores is None:
        return {}
    if not isinstance(scores, dict):
        raise RecordProblem("scores", f"expected an object of scorer name to score, got {type_name(scores)}")
    shown_scores = {}
    for name, score in scores.items():
        score = score if isinstance(score, dict) else {"value": score}
        value = score.get("value")
        passed = PASS_GRADES.get(value) if isinstance(value, (str, bool, int)) else None
        shown_scores[name] = {
            "value": value,
            "answer": score.get("answer"),
            "explanation": score.get("explanation"),
            "passed": passed,
        }
    return shown_scores
