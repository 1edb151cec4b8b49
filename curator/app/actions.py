"""The key bindings of the review app, declared once (see registry.py); screens, help and palette read them."""

from __future__ import annotations

from curator.app.registry import ActionSpec, register_actions

register_actions(
    "Everywhere",
    ActionSpec("app.help", "app", "question_mark,f1", "app.show_help", "Help", "List every key"),
    ActionSpec("app.runs", "app", "R", "app.show_runs", "Runs", "Go to the list of runs", show=False),
    ActionSpec(
        "app.buckets", "app", "B", "app.show_buckets", "Buckets", "Rename, merge and delete buckets", show=False
    ),
    ActionSpec("app.theme", "app", "T", "app.toggle_theme", "Theme", "Switch between light and dark", show=False),
    ActionSpec("app.quit", "app", "q", "app.quit", "Quit", "Leave Curator (everything is already saved)"),
)

register_actions(
    "Runs",
    ActionSpec("runs.open", "runs", "enter", "open_run", "Open", "Open the highlighted run", priority=True),
    ActionSpec("runs.delete", "runs", "d", "delete_run", "Delete", "Delete the run and its labels"),
    ActionSpec(
        "runs.compare",
        "runs",
        "c",
        "compare_with_parent",
        "Compare",
        "Compare the highlighted run with its parent: per check, per bucket, items fixed and regressed",
    ),
)

register_actions(
    "Run overview",
    ActionSpec("overview.items", "overview", "i", "browse_all", "Items", "Browse every item of the run"),
    ActionSpec(
        "overview.open",
        "overview",
        "enter",
        "open_selected",
        "Browse",
        "Browse the failures of the highlighted check, or the items of the highlighted bucket",
        priority=True,
    ),
    ActionSpec(
        "overview.suggest",
        "overview",
        "S",
        "suggest_buckets",
        "Suggest buckets",
        "Cluster the run's unbucketed failures into suggested buckets to accept",
    ),
    ActionSpec(
        "overview.examples",
        "overview",
        "G",
        "review_examples",
        "Examples",
        "Review every batch of examples generated from this run's templates",
    ),
    ActionSpec(
        "overview.mixer",
        "overview",
        "M",
        "open_mixer",
        "Mixer",
        "Mix accepted examples and other sources into a dataset, and build it",
    ),
    ActionSpec(
        "overview.retrain",
        "overview",
        "r",
        "retrain",
        "Retrain",
        "Train a LoRA adapter on the newest dataset holding the highlighted bucket's accepted fixes",
    ),
    ActionSpec(
        "overview.calibration",
        "overview",
        "C",
        "calibrate",
        "Calibration",
        "How well the highlighted check agrees with your verdict labels (TPR, TNR, corrected pass rate)",
    ),
    ActionSpec("overview.back", "overview", "escape", "app.pop_screen", "Back", "Back to the runs"),
)

register_actions(
    "Item browser",
    ActionSpec("browser.open", "browser", "enter", "open_item", "Detail", "Show the highlighted item"),
    ActionSpec(
        "browser.search",
        "browser",
        "slash",
        "search",
        "Search",
        "Search input/target/output; /pattern/ searches by regular expression",
    ),
    ActionSpec("browser.failing", "browser", "f", "cycle_failing", "Failing", "Show the failures of the next check"),
    ActionSpec("browser.passing", "browser", "P", "toggle_passing", "Passing", "Show items that pass every check"),
    ActionSpec("browser.bucket", "browser", "F", "filter_bucket", "By bucket", "Show the items of one bucket"),
    ActionSpec("browser.unbucketed", "browser", "U", "toggle_unbucketed", "Unbucketed", "Show items in no bucket"),
    ActionSpec("browser.split", "browser", "s", "cycle_split", "Split", "Show dev, then held-out, then both"),
    ActionSpec("browser.clear", "browser", "c", "clear_filter", "Clear", "Show every item"),
    ActionSpec(
        "browser.tick",
        "browser",
        "space",
        "toggle_tick",
        "Tick",
        "Tick or untick the highlighted item; b and 1-9 then label the ticked items",
    ),
    ActionSpec(
        "browser.similar",
        "browser",
        "m",
        "more_like_this",
        "Similar",
        "Show the failures most like the highlighted item",
    ),
    ActionSpec(
        "browser.label_all",
        "browser",
        "A",
        "label_filter",
        "Bucket all",
        "Put every item of the current filter in a bucket",
    ),
    ActionSpec("browser.back", "browser", "escape", "app.pop_screen", "Back", "Back to the overview", show=False),
)

register_actions(
    "Item detail",
    ActionSpec("detail.next", "detail", "j,n", "next_item", "Next", "Next item in the current filter"),
    ActionSpec("detail.previous", "detail", "k,p", "previous_item", "Previous", "Previous item in the current filter"),
    ActionSpec("detail.expand", "detail", "e", "toggle_expand", "Expand", "Show 50,000 more characters of long texts"),
    ActionSpec(
        "detail.template",
        "detail",
        "t",
        "start_template",
        "Template",
        "Start a template from this item, to generate near neighbours that fix it",
    ),
    ActionSpec("detail.similar", "detail", "m", "more_like_this", "Similar", "Show the failures most like this item"),
    ActionSpec(
        "detail.edit",
        "detail",
        "E",
        "edit_output",
        "Edit output",
        "Fix the failing output by hand: the edit is graded by every check, and kept as an example and a pair",
    ),
    ActionSpec("detail.back", "detail", "escape", "back", "Back", "Back to the table"),
)

register_actions(
    "Editing an output",
    ActionSpec(
        "detail.edit.save",
        "detail.edit",
        "ctrl+s",
        "save_edit",
        "Grade and save",
        "Grade the edit with every check of the run; kept if it passes, a draft if a check still fails",
        priority=True,
    ),
    ActionSpec("detail.edit.close", "detail.edit", "escape", "close", "Close", "Back to the item", priority=True),
)

register_actions(
    "Labelling (browser and detail)",
    ActionSpec(
        "label.pick",
        "labelling",
        "b",
        "pick_bucket",
        "Bucket",
        "Put the item (or the ticked items) in a bucket (fuzzy search; type a new name to create one)",
    ),
    *(
        ActionSpec(
            f"label.recent{n}",
            "labelling",
            str(n),
            f"apply_recent({n})",
            f"Recent {n}",
            f"Put the item (or the ticked items) in recent bucket {n}",
            show=False,
            in_palette=n == 1,
        )
        for n in range(1, 10)
    ),
    ActionSpec("label.note", "labelling", "N", "add_note", "Note", "Add a note to the item"),
    ActionSpec("label.undo", "labelling", "u", "undo", "Undo", "Take back the last label or note"),
)

register_actions(
    "Verdict labels (browser and detail)",
    ActionSpec(
        "verdict.pass", "verdicts", "y", "label_verdict('pass')", "Label pass", "Label the check's verdict pass"
    ),
    ActionSpec(
        "verdict.fail", "verdicts", "x", "label_verdict('fail')", "Label fail", "Label the check's verdict fail"
    ),
    ActionSpec(
        "verdict.clear", "verdicts", "minus", "label_verdict('clear')", "Unlabel", "Clear your label for the check"
    ),
    ActionSpec(
        "verdict.pass_note",
        "verdicts",
        "Y",
        "label_verdict_note('pass')",
        "Pass + note",
        "Label the check's verdict pass, with a note",
        show=False,
    ),
    ActionSpec(
        "verdict.fail_note",
        "verdicts",
        "X",
        "label_verdict_note('fail')",
        "Fail + note",
        "Label the check's verdict fail, with a note (say why the check is wrong)",
        show=False,
    ),
    ActionSpec(
        "verdict.check", "verdicts", "v", "next_verdict_check", "Next check", "Label the verdicts of the next check"
    ),
)

register_actions(
    "Item browser",
    ActionSpec(
        "browser.label_verdicts",
        "browser",
        "L",
        "label_all_verdicts",
        "Label all",
        "Label the check's verdict (pass, fail or clear) on every item of the current filter",
    ),
)

register_actions(
    "Calibration",
    ActionSpec(
        "calibration.false_passes",
        "calibration",
        "p",
        "queue('false_pass')",
        "False passes",
        "Browse the labelled items the check passed and you failed",
    ),
    ActionSpec(
        "calibration.false_fails",
        "calibration",
        "f",
        "queue('false_fail')",
        "False fails",
        "Browse the labelled items the check failed and you passed",
    ),
    ActionSpec(
        "calibration.disagreements",
        "calibration",
        "d",
        "queue('')",
        "Disagreements",
        "Browse every labelled item the check got wrong",
    ),
    ActionSpec(
        "calibration.next",
        "calibration",
        "l",
        "label_next",
        "Label next",
        "Open the unlabelled item whose verdict is least sure, to label it",
    ),
    ActionSpec("calibration.check", "calibration", "v", "next_check", "Next check", "The report of the next check"),
    ActionSpec("calibration.back", "calibration", "escape", "app.pop_screen", "Back", "Back"),
)

register_actions(
    "Buckets",
    ActionSpec(
        "buckets.retrain",
        "buckets",
        "r",
        "retrain",
        "Retrain",
        "Train a LoRA adapter on the newest dataset holding the highlighted bucket's accepted fixes",
    ),
    ActionSpec("buckets.rename", "buckets", "f2", "rename", "Rename", "Rename the highlighted bucket"),
    ActionSpec("buckets.describe", "buckets", "e", "describe", "Describe", "Edit the bucket's description"),
    ActionSpec("buckets.merge", "buckets", "m", "merge", "Merge", "Merge the bucket into another"),
    ActionSpec("buckets.delete", "buckets", "d", "delete", "Delete", "Delete the bucket and its labels"),
    ActionSpec("buckets.new", "buckets", "n", "new_bucket", "New", "Create a bucket"),
    ActionSpec("buckets.back", "buckets", "escape", "app.pop_screen", "Back", "Back"),
)
