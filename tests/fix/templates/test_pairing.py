"""Values added from the editor's fields: appended unless replacing; paired rows typed `a, b; c, d`."""

from __future__ import annotations

import pytest

from curator.fix.templates import spec_from_dict
from curator.fix.templates.pairing import add_group_rows, add_slot_values, parse_rows
from curator.sandbox.errors import TemplateError

SPEC = {
    "name": "weather",
    "input": "In {{ city }} it is {{ phrase }}",
    "target": "{{ emoji }}",
    "slots": {"city": {"values": ["Paris", "Oslo"], "perturb": ["case"]}},
    "zipped": [{"names": ["phrase", "emoji"], "rows": [["sunny", "☀"]]}],
}


def test_rows_split_on_semicolons_and_values_on_commas():
    assert parse_rows(" rainy, 🌧 ;; cloudy,☁ ") == [["rainy", "🌧"], ["cloudy", "☁"]]


def test_values_are_appended_once_and_perturbations_kept_unless_replacing():
    spec, count = add_slot_values(spec_from_dict(SPEC), "city", ["Oslo", "Lima", "7"], [])
    assert count == 4 and spec.slots[0].values == ["Paris", "Oslo", "Lima", 7] and spec.slots[0].perturb == ["case"]
    spec, count = add_slot_values(spec, "city", ["Quito"], ["whitespace"], replace=True)
    assert (count, spec.slots[0].values, spec.slots[0].perturb) == (1, ["Quito"], ["whitespace"])


def test_paired_rows_are_appended_and_a_row_of_the_wrong_size_is_refused():
    spec, rows = add_group_rows(spec_from_dict(SPEC), "phrase + emoji", "cloudy, ☁; sunny, ☀")
    assert rows == 2 and spec.zipped[0].rows == [["sunny", "☀"], ["cloudy", "☁"]]
    with pytest.raises(TemplateError, match="row 'rainy' has 1 values; phrase \\+ emoji needs 2"):
        add_group_rows(spec, "phrase + emoji", "rainy")
    with pytest.raises(TemplateError, match="no paired slots named 'city \\+ emoji'"):
        add_group_rows(spec, "city + emoji", "a, b")
