"""Preference pairs whose chosen side is nearly always the longer are flagged before export and training."""

import pytest

from curator.recipes.pair_lengths import pair_lengths, pair_lengths_line


def _pair(chosen_words: int, rejected_words: int) -> dict:
    return {"prompt": "p", "chosen": " ".join(["a"] * chosen_words), "rejected": " ".join(["b"] * rejected_words)}


def test_the_shares_are_counted_in_words_with_ties_half():
    rows = [_pair(5, 2), _pair(5, 2), _pair(2, 5), _pair(3, 3)]
    figures = pair_lengths(rows)
    assert figures == {"pairs": 4, "chosen_longer": 0.5, "longer_agrees": pytest.approx(2.5 / 4)}
    assert "add pairs whose chosen side is shorter" not in pair_lengths_line(figures)


def test_pairs_that_reward_length_are_flagged():
    line = pair_lengths_line(pair_lengths([_pair(9, 3)] * 9 + [_pair(2, 4)]))
    assert "the chosen side is the longer in 90%" in line and "add pairs whose chosen side is shorter" in line


def test_rows_without_pairs_give_nothing():
    assert pair_lengths([{"prompt": "p", "completion": "c"}]) is None and pair_lengths_line(None) is None
