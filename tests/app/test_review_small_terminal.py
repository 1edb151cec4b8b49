"""At 80x24 the review screens drop what does not fit, and their footers show only whole keys."""

from __future__ import annotations

import pytest
from review_support import screen_text, settle

from curator.app.curator_app import CuratorApp
from curator.app.widgets.fitting_footer import FittingFooter
from curator.app.widgets.item_columns import layout, shorten_middle
from curator.app.widgets.tag_wrap import tag_safe_offsets
from curator.review.browse import ItemFilter, word_diff
from curator.storage.browse import diff_snippet


def test_ids_are_shortened_in_the_middle():
    assert shorten_middle("dev-sunny_punctuation-07", 14) == "dev-sun…ion-07"
    assert shorten_middle("short", 14) == "short"


def test_columns_go_by_priority_as_the_terminal_narrows():
    checks = ["weather_tag", "answer", "think_and_answer"]
    wide = [c.kind for c in layout(160, checks)]
    assert wide == ["tick", "id", "check", "check", "check", "buckets", "input", "output"]
    narrow = layout(80, checks)
    assert [c.kind for c in narrow] == ["tick", "id", "checks", "input", "output"]
    assert sum(c.width + 1 for c in narrow) <= 80
    assert [c.kind for c in layout(40, checks)] == ["tick", "id", "checks", "output"]
    headers = [c.header for c in layout(160, checks) if c.kind == "check"]
    assert headers == checks  # whole names, never `think_an`


def test_the_output_snippet_starts_near_the_first_difference():
    target = "<think>" + "a" * 200 + "</think><answer>4</answer>"
    snippet, focus = diff_snippet(target.replace("4", "5"), target)
    assert snippet.startswith("…") and snippet[focus] == "5"
    assert diff_snippet("abc", None) == ("abc", 0)


def test_character_diff_inside_a_token_and_whole_words_when_unalike():
    target, output = word_diff("<a>☀</a>", "<a>☁</a>")
    assert [p for p in output if p[1] == "insert"] == [("☁", "insert")]
    assert [p for p in target if p[1] == "delete"] == [("☀", "delete")]
    _, output = word_diff("the sky is sunny", "the sky is cloudy")
    assert ("cloudy", "insert") in output


def test_wrapping_breaks_between_tags_not_inside_them():
    text = "<think>It is sunny today.</think><answer>4</answer><display_weather>☀</display_weather>"
    breaks = tag_safe_offsets(text, 20)
    pieces = [text[a:b] for a, b in zip([0, *breaks], [*breaks, len(text)], strict=True)]
    assert all(p.strip().count("<") == p.strip().count(">") for p in pieces)
    assert "<display_weather>☀" in pieces


@pytest.mark.parametrize("screen", ["overview", "browser", "detail"])
async def test_footers_at_80_columns_show_whole_keys_only(review_ws, screen):
    app = CuratorApp(review_ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        if screen == "overview":
            app.open_run(review_ws.run_id)
        elif screen == "browser":
            app.open_browser(ItemFilter(review_ws.run_id))
        else:
            app.open_item(review_ws.run_id, 0, ItemFilter(review_ws.run_id))
        await settle(pilot)
        footer = app.screen.query_one(FittingFooter)
        keys = [k for k in footer.children if not k.has_class("-command-palette")]
        shown = [k for k in keys if k.display]
        assert shown and len(shown) < len(keys)  # some keys went, whole
        last_line = screen_text(app).splitlines()[-1]
        for key in shown:
            assert key.description in last_line
        palette = [k for k in footer.children if k.has_class("-command-palette")]
        assert sum(footer._natural_width(k) for k in shown + palette) <= footer.size.width  # nothing cut
