"""Run checks over every item of a run and store one result row per applicable item and check."""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa

from curator.checks import regex_rules
from curator.checks.rules import grade_rule
from curator.checks.spec import MODEL_GRADED_KINDS, CheckSpec, validate_specs
from curator.errors import CuratorError
from curator.review.runs import CheckSummary, resolve_run
from curator.storage import checks as check_sql
from curator.workspace import Workspace

# progress(description, completed, total): completed counts item-checks done out of items × checks.
ProgressCallback = Callable[[str, int, int], None]

SQL_KINDS = frozenset({"regex", "regex_absent", "tag_present", "tag_absent", "exact"})


def run_checks(
    ws: Workspace,
    run_ref: str | int,
    specs: list[CheckSpec],
    progress: ProgressCallback | None = None,
) -> list[CheckSummary]:
    """Grade every item of a run by `specs`, replacing earlier results and specs of the same names, in one write."""
    run = resolve_run(ws, run_ref)
    specs = validate_specs(specs)
    refuse_model_graded(specs)
    items = check_sql.count_items(ws.db, run.run_id)
    report = _Reporter(progress, items * len(specs))
    graded_in_python = {
        spec.name: _grade_in_python(ws, run.run_id, spec, report) for spec in specs if spec.kind not in SQL_KINDS
    }
    with ws.db.transaction() as cur:
        positions = _positions(check_sql.check_positions(cur, run.run_id), [spec.name for spec in specs])
        check_sql.clear_checks(cur, run.run_id, [spec.name for spec in specs])
        for spec in specs:
            check_sql.insert_check_spec(cur, run.run_id, spec.name, spec.kind, spec.to_json(), positions[spec.name])
            if spec.kind in SQL_KINDS:
                report.start(spec.name)
                _grade_in_sql(cur, run.run_id, spec)
                report.advance(items)
            else:
                check_sql.insert_result_table(cur, run.run_id, spec.name, graded_in_python[spec.name])
    return check_summaries(ws, run.run_id, specs)


def refuse_model_graded(specs: list[CheckSpec]) -> None:
    """One line when a judge or learned check is handed to the rule runner: those need their model and labels."""
    for spec in specs:
        if spec.kind in MODEL_GRADED_KINDS:
            raise CuratorError(
                f"check '{spec.name}' is a {spec.kind} check: run_checks grades rule checks only; grade every kind "
                "with curator.jobs.judging.run_all_checks (what `curator check` does)"
            )


def _positions(stored: dict[str, int], names: list[str]) -> dict[str, int]:
    """Where each check goes in the run's order: a whole re-run takes the spec's order; a partial one keeps
    the places of checks already there and appends new ones."""
    if set(stored) <= set(names):
        return {name: index for index, name in enumerate(names)}
    following = max(stored.values()) + 1
    placed = {}
    for name in names:
        if name in stored:
            placed[name] = stored[name]
        else:
            placed[name], following = following, following + 1
    return placed


def stored_checks(ws: Workspace, run_id: int) -> list[CheckSpec]:
    """The specs stored with a run, in their order: to re-apply to a re-eval run or to generated examples."""
    return [CheckSpec.from_json(text) for text in check_sql.stored_check_specs(ws.db, run_id)]


def check_summaries(ws: Workspace, run_id: int, specs: list[CheckSpec]) -> list[CheckSummary]:
    """Pass counts of these checks on a run, per split, in spec order (zero when nothing applied)."""
    by_split: dict[str, dict[str, tuple[int, int]]] = {}
    for name, split, passed, total in check_sql.pass_counts_by_split(ws.db, run_id):
        by_split.setdefault(name, {})[split] = (passed, total)
    summaries = []
    for spec in specs:
        splits = by_split.get(spec.name, {})
        summaries.append(
            CheckSummary(
                name=spec.name,
                kind=spec.kind,
                passed=sum(p for p, _ in splits.values()),
                total=sum(t for _, t in splits.values()),
                by_split=splits,
            )
        )
    return summaries


class _Reporter:
    """Turns per-check steps into one progress count over items × checks."""

    def __init__(self, callback: ProgressCallback | None, total: int):
        self.callback, self.total, self.done, self.label = callback, total, 0, ""

    def start(self, label: str) -> None:
        self.label = label
        self._emit()

    def advance(self, count: int) -> None:
        self.done += count
        self._emit()

    def _emit(self) -> None:
        if self.callback is not None:
            self.callback(self.label, self.done, self.total)


def _grade_in_sql(cur, run_id: int, spec: CheckSpec) -> None:
    options, where = spec.options, {"when_input": spec.when_input, "unless_input": spec.unless_input}
    if spec.kind == "exact":
        check_sql.insert_exact_results(
            cur,
            run_id,
            spec.name,
            column=spec.field,
            ignore_case=options.get("ignore_case", True),
            normalize_whitespace=options.get("normalize_whitespace", True),
            whitespace=regex_rules.WHITESPACE_CHARS,
            clip=regex_rules.CLIP,
            **where,
        )
        return
    rule = regex_rules.search_rule(spec.kind, options)
    check_sql.insert_search_results(
        cur,
        run_id,
        spec.name,
        column=spec.field,
        pattern=rule.pattern,
        locate_pattern=regex_rules.locate_pattern(rule.pattern),
        pass_when_found=rule.pass_when_found,
        passed_reason=rule.passed_reason,
        missing_reason=rule.missing_reason,
        clip=regex_rules.CLIP,
        **where,
    )


_RESULT_SCHEMA = pa.schema([("item_key", pa.int64()), ("passed", pa.bool_()), ("reason", pa.string())])


def _grade_in_python(ws: Workspace, run_id: int, spec: CheckSpec, report: _Reporter) -> pa.Table:
    """Grade the applicable items batch by batch (only the columns the kind reads) into an Arrow table."""
    report.start(spec.name)
    keys, passed, reasons = [], [], []
    columns = tuple(dict.fromkeys(("input", "target", spec.field)))
    for batch in check_sql.iter_check_inputs(ws.db, run_id, columns, spec.when_input, spec.unless_input):
        values = batch.to_pydict()
        outputs = values.get("output") or [None] * batch.num_rows
        columns = (values["item_key"], values["input"], values["target"], outputs)
        for key, input_text, target, output in zip(*columns, strict=True):
            result = grade_rule(spec, input=input_text, target=target, output=output)
            if result.applicable:
                keys.append(key)
                passed.append(result.passed)
                reasons.append(result.reason)
        report.advance(batch.num_rows)
    return pa.table([keys, passed, reasons], schema=_RESULT_SCHEMA)
