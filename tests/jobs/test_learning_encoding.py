"""What a learned check sends to its encoder: each distinct text once (an input shared by many outputs too), and
nothing on a second pass (the cached vectors are reused); the child's path without a database does the same."""

from curator.checks import CheckSpec, grade_outputs, stored_checks
from curator.checks.graders import Case
from curator.checks.learned.encoder import learned_model, load_encoder
from curator.jobs.learning import run_learned
from curator.review.labels import set_label
from curator.review.runs import create_run_from_records

QUESTIONS = ["Where is my parcel?", "Can I return a kettle?", "Why was I charged twice?", "Is the shop open?"]
REPLIES = [("I have checked for you: {}", True), ("Not my problem. {}", False)]


class CountingEncoder:
    """The learned grader's real encoder, remembering every text it was asked to encode."""

    def __init__(self):
        self.inner = load_encoder(learned_model())
        self.name = self.inner.name
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen += list(texts)
        return self.inner.encode(texts)


def records() -> list[dict]:
    rows = []
    for number in range(24):
        template, kind = REPLIES[number % 2]
        rows.append(
            {
                "item_id": f"{'good' if kind else 'bad'}-{number}",
                "input": QUESTIONS[number % len(QUESTIONS)],
                "output": template.format(f"case {number}."),
            }
        )
    return rows


def test_each_distinct_text_is_encoded_once_and_a_second_pass_encodes_nothing(workspace):
    run = create_run_from_records(workspace, "shared-inputs", records())
    spec = CheckSpec("helpful", "learned")
    encoder = CountingEncoder()
    run_learned(workspace, run.run_id, [spec], embedder=encoder)
    for row in records():
        set_label(workspace, run.run_id, row["item_id"], "helpful", row["item_id"].startswith("good"))
    [outcome] = run_learned(workspace, run.run_id, [spec], embedder=encoder)
    assert outcome.error is None and outcome.graded == 24
    assert sorted(encoder.seen) == sorted(QUESTIONS + [r["output"] for r in records()])  # 4 inputs, 24 outputs
    encoder.seen.clear()
    [again] = run_learned(workspace, run.run_id, [spec], embedder=encoder)
    assert again.graded == 24 and not again.refitted and encoder.seen == []


def test_a_new_fit_embeds_with_this_cpus_learned_encoder_and_the_child_grades_alike(workspace):
    run = create_run_from_records(workspace, "shared-inputs", records())
    spec = CheckSpec("helpful", "learned")
    run_learned(workspace, run.run_id, [spec])
    for row in records():
        set_label(workspace, run.run_id, row["item_id"], "helpful", row["item_id"].startswith("good"))
    [outcome] = run_learned(workspace, run.run_id, [spec])
    assert outcome.passed == 12
    [stored] = [s for s in stored_checks(workspace, run.run_id) if s.name == "helpful"]
    row = workspace.db.fetchone("SELECT embedding_model FROM learned_fits WHERE run_id = ?", [run.run_id])
    assert row == (learned_model(),)
    grades = grade_outputs([stored], [Case(r["input"], None, r["output"]) for r in records()])
    assert [g["helpful"].passed for g in grades] == [r["item_id"].startswith("good") for r in records()]
