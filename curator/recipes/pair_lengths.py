"""Length in preference pairs: reward models learn "longer = better" when the chosen side is mostly the longer one.

Shown before a pair dataset is trained or exported, so that the analyst can add counterexamples (pairs whose
chosen side is the shorter) before the bias is learned. Length is counted in whitespace-separated words.
"""

from __future__ import annotations

LOPSIDED = 0.7  # a share of pairs with the longer side chosen at or past this (or at or below 1 - this) is flagged


def pair_lengths(rows: list[dict]) -> dict | None:
    """For rows with `chosen` and `rejected`: how many pairs, the share whose chosen side is longer, and how often
    "pick the longer" agrees with the pair (ties count half); None when there are no pairs."""
    pairs = [(len(str(r["chosen"]).split()), len(str(r["rejected"]).split())) for r in rows if "chosen" in r]
    if not pairs:
        return None
    longer = sum(1 for chosen, rejected in pairs if chosen > rejected)
    ties = sum(1 for chosen, rejected in pairs if chosen == rejected)
    return {
        "pairs": len(pairs),
        "chosen_longer": longer / len(pairs),
        "longer_agrees": (longer + ties / 2) / len(pairs),
    }


def pair_lengths_line(figures: dict | None) -> str | None:
    """One line for the CLI, with a warning when the longer side is nearly always (or never) the chosen one."""
    if not figures:
        return None
    line = (
        f"{figures['pairs']:,} preference pairs: the chosen side is the longer in {figures['chosen_longer']:.0%}; "
        f"'pick the longer' agrees with {figures['longer_agrees']:.0%} of them"
    )
    if not 1 - LOPSIDED < figures["longer_agrees"] < LOPSIDED:
        line += " (a reward model can learn length instead of quality: add pairs whose chosen side is shorter)"
    return line
