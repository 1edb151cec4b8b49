"""promptfoo results (`promptfoo eval -o results.json` and `promptfoo export`): one item per test × prompt/provider."""

from __future__ import annotations

import json
from pathlib import Path

from curator.importers.bad_file import BadFileError, shown
from curator.importers.lines import MAX_DEPTH, nesting_depth
from curator.importers.mapping import RecordProblem, type_name
from curator.importers.messages import normalise_messages, render_messages
from curator.importers.parsed import ParsedRun, collect_records, json_safe


def parse_promptfoo(path: Path, skip_bad_lines: bool = False) -> ParsedRun:
    document = _document(path)
    rows = _result_rows(path, document)
    several_columns = len({json.dumps(row.get("promptIdx")) for row in rows if isinstance(row, dict)}) > 1
    numbered = [(f"result {number}", (number, row)) for number, row in enumerate(rows, start=1)]
    records, skipped = collect_records(
        path,
        numbered,
        lambda entry: _record(entry[1], entry[0], several_columns),
        lambda item_id, first: RecordProblem("testIdx", f"duplicate item id {shown(item_id)} (also {first})"),
        skip_bad_lines,
    )
    providers = sorted({r["metadata"]["provider"] for r in records if r["metadata"]["provider"]})
    return ParsedRun(
        records=records,
        default_name=path.stem,
        model=", ".join(providers) or None,
        skipped=skipped,
        settings={"eval_id": document.get("evalId") if isinstance(document.get("evalId"), str) else None},
    )


def _document(path: Path) -> dict:
    problem = "not a readable promptfoo results file"
    try:
        text = path.read_bytes().removeprefix(b"\xef\xbb\xbf").decode("utf-8")
        if nesting_depth(text) > MAX_DEPTH:
            raise BadFileError(path, f"{problem}: nested more than {MAX_DEPTH} levels deep")
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadFileError(path, f"{problem}: {error}") from None
    except RecursionError:
        raise BadFileError(path, f"{problem}: nested too deeply") from None
    if not isinstance(data, dict):
        raise BadFileError(path, "not a promptfoo results file: expected a JSON object with 'results'", field="results")
    return data


def _result_rows(path: Path, document: dict) -> list:
    results = document.get("results")
    rows = results.get("results") if isinstance(results, dict) else results
    if not isinstance(rows, list):
        raise BadFileError(path, "not a promptfoo results file: no list of results", field="results.results")
    return rows


def _record(row, number: int, several_columns: bool) -> dict:
    if not isinstance(row, dict):
        raise RecordProblem(None, "expected a JSON object")
    prompt = row.get("prompt") or {}
    raw_prompt = prompt.get("raw") if isinstance(prompt, dict) else prompt
    if not isinstance(raw_prompt, str):
        raise RecordProblem("prompt.raw", "missing (every result needs the prompt that was sent)")
    messages = _chat_prompt(raw_prompt)
    test_index = row.get("testIdx", number - 1)
    grading = _object(row, "gradingResult")
    components = grading.get("componentResults") or []
    if not isinstance(components, list):
        raise RecordProblem(
            "gradingResult.componentResults", f"expected a list of assertion results, got {type_name(components)}"
        )
    provider = row.get("provider")
    test_case = _object(row, "testCase")
    return {
        "item_id": f"{test_index}/{row.get('promptIdx', 0)}" if several_columns else str(test_index),
        "source_line": None,
        "input": render_messages(messages) if messages else raw_prompt,
        "input_messages": messages,
        "target": _expected(test_case),
        "output": _response_text(row.get("response")),
        "metadata": json_safe(
            {
                "provider": provider.get("id") if isinstance(provider, dict) else provider,
                "vars": row.get("vars") or test_case.get("vars") or {},
                "success": row.get("success"),
                "score": row.get("score"),
                "error": row.get("error"),
                "pass": grading.get("pass"),
                "reason": grading.get("reason"),
                "named_scores": grading.get("namedScores") or {},
                "assertions": [_assertion(c, n) for n, c in enumerate(components)],
                "latency_ms": row.get("latencyMs"),
                "cost": row.get("cost"),
            }
        ),
    }


def _chat_prompt(raw: str) -> list[dict] | None:
    """Messages of a chat prompt (promptfoo sends those as a JSON list in `raw`), else None."""
    if not raw.lstrip().startswith("["):
        return None
    try:
        return normalise_messages(json.loads(raw))
    except (ValueError, AttributeError, TypeError, RecursionError):
        return None


def _response_text(response) -> str | None:
    """The provider's output as text; None for a row that errored before any response."""
    if not isinstance(response, dict) or response.get("output") is None:
        return None
    output = response["output"]
    return output if isinstance(output, str) else json.dumps(output, ensure_ascii=False)


def _object(row: dict, field: str) -> dict:
    """A field that must hold an object (or be absent)."""
    value = row.get(field)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RecordProblem(field, f"expected an object, got {type_name(value)}")
    return value


def _expected(test_case: dict) -> str | None:
    """The value of the test's first `equals` assertion: the one assertion that names the right answer."""
    asserts = test_case.get("assert") or []
    if not isinstance(asserts, list):
        raise RecordProblem("testCase.assert", f"expected a list of assertions, got {type_name(asserts)}")
    for assertion in asserts:
        if isinstance(assertion, dict) and assertion.get("type") == "equals" and assertion.get("value") is not None:
            value = assertion["value"]
            return value if isinstance(value, str) else json.dumps(value)
    return None


def _assertion(component, number: int) -> dict:
    field = f"gradingResult.componentResults.{number}"
    if not isinstance(component, dict):
        raise RecordProblem(field, f"expected an assertion result object, got {type_name(component)}")
    assertion = component.get("assertion") or {}
    if not isinstance(assertion, dict):
        raise RecordProblem(f"{field}.assertion", f"expected an object, got {type_name(assertion)}")
    return {
        "type": assertion.get("type"),
        "value": assertion.get("value"),
        "pass": component.get("pass"),
        "score": component.get("score"),
        "reason": component.get("reason"),
    }
