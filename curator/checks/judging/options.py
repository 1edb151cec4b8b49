"""The options of a `judge` check, their defaults, and the checks on their values (the shape of options.py)."""

from __future__ import annotations

from pathlib import Path

from curator.checks.judging.rubric import rubric_problem
from curator.checks.options import REQUIRED, OptionProblem

SCALES = ("pass_fail", "score")
DEFAULT_SCORE_RANGE = [1, 5]
MAX_SAMPLES = 15

JUDGE_OPTIONS: dict[str, object] = {
    "model": REQUIRED,  # a local model folder, or the model name an endpoint serves
    "endpoint": None,  # an OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1
    "rubric": None,
    "rubric_file": None,
    "scale": "pass_fail",
    "score_range": None,  # [low, high]; default [1, 5] on the score scale
    "threshold": None,  # a score >= threshold passes; required on the score scale
    "temperature": 0.0,
    "seed": 0,
    "samples": 1,
    "max_new_tokens": 64,
    "batch_size": 16,
    "timeout_s": 60.0,
}


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _need_int(options: dict, key: str, low: int, high: int | None = None) -> None:
    value = options[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f">= {low}"
        raise OptionProblem(key, f"must be a whole number {bound}, not {value!r}")


def _need_positive(options: dict, key: str) -> None:
    if not _number(options[key]) or options[key] <= 0:
        raise OptionProblem(key, f"must be a number > 0, not {options[key]!r}")


def check_judge_options(options: dict, base: Path, resolve: bool) -> dict:
    """The options of a judge check, checked; `rubric_file` (relative to the spec file) read into `rubric`, and
    a relative local `model` folder anchored at the spec file's folder, when resolving."""
    options = dict(options)
    model, endpoint = options["model"], options.get("endpoint")
    if not isinstance(model, str) or not model.strip():
        raise OptionProblem("model", "must be a local model folder, or the model name the endpoint serves")
    if endpoint is not None and (not isinstance(endpoint, str) or not endpoint.startswith(("http://", "https://"))):
        raise OptionProblem("endpoint", f"must be an http:// or https:// base URL, not {endpoint!r}")
    if resolve and endpoint is None and not Path(model).is_absolute():
        options["model"] = str((base / model).resolve())
    options["rubric"] = _rubric(options, base, resolve)
    options.pop("rubric_file", None)
    _check_scale(options)
    if not _number(options["temperature"]) or not 0 <= options["temperature"] <= 2:
        raise OptionProblem("temperature", f"must be a number from 0 to 2, not {options['temperature']!r}")
    _need_int(options, "seed", 0)
    _need_int(options, "samples", 1, MAX_SAMPLES)
    _need_int(options, "max_new_tokens", 1, 4096)
    _need_int(options, "batch_size", 1, 1024)
    _need_positive(options, "timeout_s")
    if options["samples"] > 1 and options["temperature"] == 0:
        raise OptionProblem("samples", "several samples need temperature > 0 (at 0 every sample is the same answer)")
    return options


def _rubric(options: dict, base: Path, resolve: bool) -> str:
    rubric, rubric_file = options.get("rubric"), options.get("rubric_file")
    key = "rubric_file" if rubric_file is not None and rubric is None else "rubric"
    if rubric is not None and rubric_file is not None:
        raise OptionProblem("rubric", "give exactly one of 'rubric' (the template) or 'rubric_file'")
    if rubric_file is not None:
        if not isinstance(rubric_file, str) or not rubric_file:
            raise OptionProblem("rubric_file", "must be a path (relative to the spec file)")
        if not resolve:
            raise OptionProblem("rubric", "a judge check built in Python needs 'rubric' (the template text)")
        path = base / rubric_file
        try:
            rubric = path.read_text(encoding="utf-8")
        except OSError as error:
            raise OptionProblem("rubric_file", f"cannot read {path}: {error.strerror or error}") from None
        except UnicodeDecodeError as error:
            raise OptionProblem("rubric_file", f"{path} is not UTF-8 text: {error.reason}") from None
    if rubric is None:
        raise OptionProblem("rubric", "a judge check needs 'rubric' (a Jinja template) or 'rubric_file'")
    if not isinstance(rubric, str) or not rubric.strip():
        raise OptionProblem(key, "the rubric must be non-empty text")
    problem = rubric_problem(rubric)
    if problem:
        raise OptionProblem(key, problem)
    return rubric


def _check_scale(options: dict) -> None:
    scale = options["scale"]
    if scale not in SCALES:
        raise OptionProblem("scale", f"must be one of {', '.join(SCALES)}, not {scale!r}")
    if scale == "pass_fail":
        for key in ("score_range", "threshold"):
            if options.get(key) is not None:
                raise OptionProblem(key, 'only a scale = "score" judge takes it')
        return
    low_high = options.get("score_range")
    if low_high is None:
        low_high = options["score_range"] = list(DEFAULT_SCORE_RANGE)
    if not isinstance(low_high, list) or len(low_high) != 2 or not all(_number(v) for v in low_high):
        raise OptionProblem("score_range", f"must be [low, high], two numbers, not {low_high!r}")
    if not low_high[0] < low_high[1]:
        raise OptionProblem("score_range", f"low must be below high, not {low_high!r}")
    threshold = options.get("threshold")
    if threshold is None:
        raise OptionProblem("threshold", "a score judge needs 'threshold' (a score >= threshold passes)")
    if not _number(threshold) or not low_high[0] <= threshold <= low_high[1]:
        raise OptionProblem("threshold", f"must be a number within score_range {low_high}, not {threshold!r}")
