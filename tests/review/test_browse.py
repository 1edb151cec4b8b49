"""Filters, keyset pages and item detail over a real temp-dir DuckDB."""

from __future__ import annotations

import pytest

from curator.errors import CuratorError
from curator.review import browse
from curator.review.browse import FilteredItems, ItemFilter, describe_filter, word_diff
from curator.review.buckets import create_bucket, label_items
from curator.review.runs import create_run_from_records
from curator.storage.browse import store_check_results


def make_run(ws, n: int = 50) -> int:
    """n items; `even` fails on even keys, `five` fails on multiples of 5 and skips keys ending in 9."""
    records = [
        {
            "item_id": f"i{k}",
            "input": f"question {k} about {'rain' if k % 7 == 0 else 'sun'}",
            "target": f"answer {k}",
            "output": f"answer {k + (k % 2 == 0)}",
            "split": "held_out" if k % 10 == 0 else "dev",
        }
        for k in range(n)
    ]
    run_id = create_run_from_records(ws, "r", records).run_id
    with ws.db.transaction() as cur:
        store_check_results(cur, run_id, "even", "exact", {k: (k % 2 == 1, "") for k in range(n)}, position=0)
        store_check_results(
            cur, run_id, "five", "regex", {k: (k % 5 != 0, "") for k in range(n) if k % 10 != 9}, position=1
        )
    return run_id


def keys(items: FilteredItems) -> list[int]:
    return [items.row(i).item_key for i in range(items.count)]


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({}, list(range(50))),
        ({"failing_check": "five"}, list(range(0, 50, 5))),
        ({"failing_check": "even", "split": "dev"}, [k for k in range(0, 50, 2) if k % 10]),
        ({"passing": True}, [k for k in range(50) if k % 2 and k % 5]),
        ({"search": "RAIN"}, list(range(0, 50, 7))),
        ({"item_keys": (48, 3, 21, 7, 14)}, [3, 7, 14, 21, 48]),
        ({"item_keys": (48, 3, 21, 7, 14), "failing_check": "even"}, [14, 48]),
        ({"item_keys": ()}, []),
        ({"search": r"answer 4\d$", "regex": True}, [k for k in range(50) if 40 <= k + (k % 2 == 0) <= 49 or k >= 40]),
    ],
)
def test_filters_select_the_right_items_across_pages(workspace, changes, expected):
    run_id = make_run(workspace)
    items = FilteredItems(workspace, ItemFilter(run_id, **changes), page_size=7, cached_pages=3)
    assert items.count == len(expected)
    assert keys(items) == sorted(expected)
    assert len(items._pages) <= 3


def test_bucket_and_unbucketed_filters_follow_labels(workspace):
    run_id = make_run(workspace)
    bucket = create_bucket(workspace, "b1")
    label_items(workspace, run_id, [3, 4, 40], bucket)
    assert keys(FilteredItems(workspace, ItemFilter(run_id, bucket_id=bucket.bucket_id))) == [3, 4, 40]
    assert FilteredItems(workspace, ItemFilter(run_id, unbucketed=True)).count == 47
    rows = FilteredItems(workspace, ItemFilter(run_id, bucket_id=bucket.bucket_id)).page(0)
    assert rows[0].buckets == ("b1",) and rows[0].checks == {"even": True, "five": True}
    assert "five" not in FilteredItems(workspace, ItemFilter(run_id)).row(9).checks


def test_a_bad_regex_is_a_one_line_error(workspace):
    run_id = make_run(workspace)
    with pytest.raises(CuratorError, match="bad search pattern"):
        FilteredItems(workspace, ItemFilter(run_id, search="[oops", regex=True))


def test_neighbours_and_positions_stay_inside_the_filter(workspace):
    run_id = make_run(workspace)
    f = ItemFilter(run_id, failing_check="five")
    assert browse.neighbour(workspace, f, 5, forward=True) == 10
    assert browse.neighbour(workspace, f, 5, forward=False) == 0
    assert browse.neighbour(workspace, f, 45, forward=True) is None
    assert FilteredItems(workspace, f).index_of(30) == 6


def test_item_detail_lists_every_check_with_not_applicable(workspace):
    run_id = make_run(workspace)
    detail = browse.item_detail(workspace, run_id, 9)
    assert [(c.name, c.passed) for c in detail.checks] == [("even", True), ("five", None)]
    with pytest.raises(CuratorError):
        browse.item_detail(workspace, run_id, 999)


def test_word_diff_marks_changed_words_only():
    target, output = word_diff("the sky is sunny today", "the sky is cloudy today")
    assert ("sunny", "delete") in target and ("cloudy", "insert") in output
    assert "".join(t for t, _ in output) == "the sky is cloudy today"


def test_describe_filter_names_each_part():
    f = ItemFilter(1, failing_check="answer", bucket_id=3, split="dev", search="x+", regex=True)
    assert describe_filter(f, {3: "emoji"}) == "failing answer · bucket emoji · split dev · /x+/"
    assert describe_filter(ItemFilter(1)) == "all items"
    like = ItemFilter(1, failing_check="answer", item_keys=(4, 9), similar_to="q003")
    assert describe_filter(like) == "2 like q003 · failing answer"
    assert describe_filter(ItemFilter(1, item_keys=(4,))) == "1 chosen items"


def test_an_explicit_key_set_pages_neighbours_and_positions(workspace):
    run_id = make_run(workspace)
    f = ItemFilter(run_id, item_keys=(40, 2, 33, 17, 9, 25), similar_to="i1")
    items = FilteredItems(workspace, f, page_size=4)
    assert (items.count, items.page_count) == (6, 2)
    assert [r.item_id for r in items.page(1)] == ["i33", "i40"]
    assert browse.neighbour(workspace, f, 17, forward=True) == 25
    assert browse.neighbour(workspace, f, 2, forward=False) is None
    assert items.index_of(33) == 4


def test_failing_counts_follow_the_filter(workspace):
    run_id = make_run(workspace)
    assert FilteredItems(workspace, ItemFilter(run_id)).failing_counts() == {"even": 25, "five": 10}
    assert FilteredItems(workspace, ItemFilter(run_id, split="held_out")).failing_counts() == {"even": 5, "five": 5}


def test_a_template_from_an_item_goes_to_its_only_or_its_most_recently_used_bucket(workspace):
    run_id = make_run(workspace)
    first, second = create_bucket(workspace, "first"), create_bucket(workspace, "second")
    assert browse.template_bucket(workspace, run_id, 1) is None
    label_items(workspace, run_id, [1], first)
    assert browse.template_bucket(workspace, run_id, 1) == "first"
    label_items(workspace, run_id, [2], second)
    label_items(workspace, run_id, [1], second)
    label_items(workspace, run_id, [3], first)
    assert browse.template_bucket(workspace, run_id, 1) == "first"
    label_items(workspace, run_id, [4], second)
    assert browse.template_bucket(workspace, run_id, 1) == "second"
