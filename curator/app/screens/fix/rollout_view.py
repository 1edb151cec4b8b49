"""The rollout view's parts: its keys, check marks, what the k samples agree on, the two tables, the form read as a
sampling request."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable, Input

from curator.app import registry
from curator.app.registry import ActionSpec
from curator.app.widgets.literal import literal, one_line
from curator.errors import CuratorError
from curator.fix import rollouts as rollout_domain
from curator.jobs import sampling as sampling_jobs
from curator.storage.browse import ItemFilter
from curator.storage.rollouts import InputSummary, RolloutRow
from curator.workspace import Workspace

registry.register_actions(
    "Rollouts",
    ActionSpec("fix.rollouts.sample", "fix.rollouts", "ctrl+r", "sample", "Sample", "Sample k outputs per input"),
    ActionSpec(
        "fix.rollouts.accept", "fix.rollouts", "a", "accept_best", "Accept best", "Accept the best passing sample"
    ),
    ActionSpec(
        "fix.rollouts.pairs", "fix.rollouts", "p", "make_pairs", "Make pairs", "Pair passing against failing samples"
    ),
    ActionSpec(
        "fix.rollouts.whole_set",
        "fix.rollouts",
        "A",
        "follow_up_set",
        "Whole set",
        "Propose the best passing sample of every input as an example and pair the whole set",
    ),
    ActionSpec("fix.rollouts.open", "fix.rollouts", "o", "open_item", "Open item", "Open the input's item"),
    ActionSpec("fix.rollouts.back", "fix.rollouts", "escape", "back", "Back", "Stop sampling, or leave"),
)

SIGNAL_STYLES = {"mixed": "bold green", "all pass": "dim", "none pass": "yellow"}


def marks_text(results: dict) -> Text:
    """One ✓ or ✗ per check that applied, with its name."""
    text = Text()
    for name, (passed, _reason) in results.items():
        text.append("✓" if passed else "✗", style="green" if passed else "red")
        text.append(f"{literal(name)} ")
    return text


def agreement_text(samples: list[RolloutRow]) -> Text:
    """What all k samples agree on: the verdicts that carry no signal for pairs or GRPO."""
    agreed = rollout_domain.unanimous_checks(samples)
    if not samples:
        return Text("")
    passed = sum(s.passed for s in samples)
    if passed in (0, len(samples)):
        verdict = "pass" if passed else "fail"
        head = Text(f"All {len(samples)} samples {verdict}: no signal for pairs or GRPO. ", style="bold yellow")
    else:
        head = Text(f"{passed} of {len(samples)} samples pass. ", style="bold green")
    if agreed:
        parts = [f"{'all pass' if v else 'all fail'} {literal(name)}" for name, v in agreed.items()]
        head.append("Samples agree on: " + ", ".join(parts), style="dim")
    return head


def fill_inputs(table: DataTable, inputs: list[InputSummary]) -> None:
    """One row per sampled input: passing samples, mean reward, whether the samples disagree (the signal)."""
    table.clear()
    for s in inputs:
        table.add_row(
            Text(one_line(s.item_id, 24)),
            Text(f"{s.passed}/{s.samples}"),
            Text(f"{s.mean_reward:.2f}"),
            Text(s.signal, style=SIGNAL_STYLES.get(s.signal, "")),
            Text(one_line(s.input, 60)),
            key=str(s.item_key),
        )


def fill_samples(table: DataTable, samples: list[RolloutRow]) -> None:
    """One row per sample of an input: its check marks, reward and output."""
    table.clear()
    for sample in samples:
        table.add_row(
            Text(str(sample.sample_index)),
            marks_text(sample.check_results),
            Text(f"{sample.reward:.2f}"),
            Text(one_line(sample.output, 80)),
        )


def scope_text(scope: tuple[str | None, str | None] | None) -> str:
    """What a filter samples, as the title says it: `bucket weather`, `failing emoji`, or every dev item."""
    if scope is None:
        return "every dev item"
    bucket, failing = scope
    return f"bucket {bucket}" if bucket else f"failing {failing}"


def read_scope(workspace: Workspace, run_id: int, item_filter: ItemFilter | None) -> tuple[str | None, str | None]:
    """The (bucket name, failing check) a filter samples by (reads DuckDB: call it in a worker)."""
    if item_filter is None:
        return None, None
    return rollout_domain.item_filter_of(workspace, run_id, item_filter)


def form_request(screen, run_id: int) -> sampling_jobs.SampleRequest:
    """The rollout form as a request, without its bucket or failing check (the sampling worker reads them);
    CuratorError names a field that does not hold a usable value."""
    values = {}
    for name, kind in (("k", int), ("temperature", float), ("max-tokens", int)):
        raw = screen.query_one(f"#rollout-{name}", Input).value.strip()
        try:
            values[name] = kind(raw)
        except ValueError:
            raise CuratorError(f"{name} must be a number, not {raw!r}") from None
    request = sampling_jobs.SampleRequest(
        run=run_id,
        model=screen.query_one("#rollout-model", Input).value.strip(),
        k=values["k"],
        temperature=values["temperature"],
        max_new_tokens=values["max-tokens"],
        cpu_threads=1,
    )
    sampling_jobs.check_request(request)
    return request
