"""The second demo task: customer-service replies that a regex cannot grade.

From the course's customer-service template: the reply must acknowledge the customer's issue with the product and
state the action taken. The shop's policy fixes the action by the kind of issue: an item that arrived damaged gets a
replacement, a duplicate charge a refund, an item that stopped working a repair, a wrong item an exchange. Whether a
reply names an action word is a keyword question; whether it acknowledges *this* customer's issue, names the right
action without contradicting itself ("we cannot offer a refund") and stays polite is not: that is what the judge and
the learned grader are for, each calibrated against the analyst's labels.

Dev and held-out items are split by family: held-out items use products, customer names and issue phrasings that no
dev item contains, so a held-out figure measures whether a fix generalises.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

ACTIONS = {"damaged": "replacement", "double_charge": "refund", "stopped": "repair", "wrong_item": "exchange"}
ISSUES = tuple(ACTIONS)
POLICY = (
    "You answer customers of an online shop. Acknowledge the customer's issue with the product, then state the "
    "action taken. Policy: an item that arrived damaged gets a replacement; a duplicate charge gets a refund; an "
    "item that has failed in use gets a repair; a wrong item gets an exchange."
)


@dataclass(frozen=True)
class ServiceFamily:
    """The surface forms one split draws from: products, customer names, and phrasings per kind of issue."""

    products: tuple[str, ...]
    names: tuple[str, ...]
    issues: dict[str, tuple[str, ...]]  # issue -> phrasings, each completing "My {product} ..."
    openers: tuple[str, ...]  # how the message starts, with {name}


DEV = ServiceFamily(
    products=("headphones", "blender", "backpack", "desk lamp", "kettle", "phone case"),
    names=("Alice", "Ben", "Chloe", "Daniel", "Emma", "Felix"),
    issues={
        "damaged": ("arrived cracked", "came with a broken part", "was smashed in the box"),
        "double_charge": ("was charged twice", "was billed two times for one order"),
        "stopped": ("stopped working after two weeks", "won't turn on anymore"),
        "wrong_item": ("is the wrong colour", "came in the wrong size"),
    },
    openers=("Hi, this is {name}.", "Hello, {name} here.", "{name} writing, I'm not happy."),
)
HELD_OUT = ServiceFamily(
    products=("vacuum cleaner", "toaster", "rain jacket", "monitor", "coffee grinder", "suitcase"),
    names=("Grace", "Hamid", "Ines", "Jonas", "Keiko", "Luca"),
    issues={
        "damaged": ("showed up dented", "arrived in pieces"),
        "double_charge": ("appears twice on my card statement", "was paid for two times"),
        "stopped": ("died after a month", "no longer powers on"),
        "wrong_item": ("isn't the model I ordered", "is a different size than I picked"),
    },
    openers=("Good morning, my name is {name}.", "{name} again, second message.", "Dear support, {name} here."),
)
FAMILIES = {"dev": DEV, "held_out": HELD_OUT}

# The words of the customer's message that decide the action (the `action` check's groups): every phrasing above,
# and none of the policy's own words, so the check keys on what the customer wrote.
ISSUE_WORDS = {
    "damaged": ["cracked", "broken", "smashed", "dented", "in pieces"],
    "double_charge": ["charged twice", "billed two times", "twice on my card", "paid for two times"],
    "stopped": ["stopped working", "won't turn on", "died", "no longer powers on"],
    "wrong_item": ["wrong colour", "wrong size", "isn't the model", "different size"],
}


@dataclass(frozen=True)
class Complaint:
    """One customer message: who, which product, what went wrong and how they said it."""

    name: str
    product: str
    issue: str
    phrasing: str
    opener: str

    @property
    def action(self) -> str:
        return ACTIONS[self.issue]

    def message(self) -> str:
        return f"{self.opener.format(name=self.name)} My {self.product} {self.phrasing}. What will you do about it?"


def prompt_text(complaint: Complaint) -> str:
    """The user prompt: the shop's policy, then the customer's message."""
    return f"{POLICY}\n\nCustomer: {complaint.message()}"


def reference_reply(complaint: Complaint) -> str:
    """A reply that does what the policy asks: names the product and the issue, then the action."""
    return (
        f"I'm sorry that your {complaint.product} {complaint.phrasing}, {complaint.name}. "
        f"I have arranged a {complaint.action} for you."
    )


def complaints(family: ServiceFamily, rng: random.Random, per_issue: int) -> list[Complaint]:
    """`per_issue` complaints of every kind, cycling through the family's phrasings."""
    drawn = []
    for issue in ISSUES:
        phrasings = family.issues[issue]
        for i in range(per_issue):
            drawn.append(
                Complaint(
                    name=rng.choice(family.names),
                    product=rng.choice(family.products),
                    issue=issue,
                    phrasing=phrasings[i % len(phrasings)],
                    opener=rng.choice(family.openers),
                )
            )
    return drawn


def eval_records(seed: int = 11, per_issue: int = 10) -> list[dict]:
    """Dev and held-out items: `per_issue` complaints of each kind per split, with a reference reply as target."""
    rng = random.Random(seed)
    records = []
    for split, family in FAMILIES.items():
        for number, complaint in enumerate(complaints(family, rng, per_issue)):
            records.append(
                {
                    "item_id": f"{split}-{complaint.issue}-{number}",
                    "input": prompt_text(complaint),
                    "target": reference_reply(complaint),
                    "output": None,
                    "metadata": {"issue": complaint.issue, "product": complaint.product, "action": complaint.action},
                    "split": split,
                }
            )
    return records
