"""Check specs from TOML: what loads, and errors that name the file, line, record and field."""

import json

import pytest

from curator.checks import CheckSpec, CheckSpecError, load_spec, load_spec_text, validate_specs
from curator.errors import BadInputError

GOOD = """
[[check]]
name = "weather_tag"
kind = "tag_present"
tag = "display_weather"
when_input = "<api>"

[[check]]
name = "emoji"
kind = "semantic_map"
within_tag = "display_weather"
groups = [ { words = ["sunny", "clear"], token = "☀" }, { words = ["cloudy"], token = "☁" } ]

[[check]]
name = "answer"
kind = "numeric"
field = "output"
"""


def test_a_spec_loads_in_order_with_defaults_filled_in():
    specs = load_spec_text(GOOD, "checks.toml")
    assert [s.name for s in specs] == ["weather_tag", "emoji", "answer"]
    assert specs[0] == CheckSpec("weather_tag", "tag_present", {"tag": "display_weather"}, when_input="<api>")
    assert specs[1].options["groups"][0] == {"words": ["sunny", "clear"], "token": "☀"}
    assert specs[2].options == {"tolerance": 1e-6}


def test_specs_round_trip_through_json():
    for spec in load_spec_text(GOOD, "checks.toml"):
        assert CheckSpec.from_json(spec.to_json()) == spec


def _error(text: str) -> str:
    with pytest.raises(BadInputError) as caught:
        load_spec_text(text, "checks.toml")
    return str(caught.value)


def test_an_invalid_group_names_file_line_record_and_field():
    text = GOOD.replace('{ words = ["cloudy"], token = "☁" }', '{ words = [], token = "☁" }')
    assert _error(text) == (
        "checks.toml: line 12, record 2 ('emoji'), field 'groups': "
        "group 2: 'words' must be a non-empty list of non-empty strings"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[[check]]\nname = "a"\nkind = "regexx"', "line 3, record 1 ('a'), field 'kind': unknown kind 'regexx'"),
        ('[[check]]\nkind = "regex"\npattern = "a"', "record 1, field 'name': every check needs a name"),
        ('[[check]]\nname = "a"\nkind = "tag_present"', "record 1 ('a'), field 'tag': a tag_present check needs 'tag'"),
        (
            '[[check]]\nname = "a"\nkind = "regex"\npattern = "("',
            "line 4, record 1 ('a'), field 'pattern': not a valid",
        ),
        (
            '[[check]]\nname = "a"\nkind = "exact"\nignore_cas = true',
            "field 'ignore_cas': unknown key for kind 'exact'",
        ),
        ('[[check]]\nname = "a"\nkind = "regex"\npattern = "a"\nfield = "answer"', "field 'field': must be one of"),
        ('[[check]]\nname = "a"\nkind = "numeric"\ntolerance = -1', "field 'tolerance': must be a finite number >= 0"),
        ('[[check]]\nname = "a"\nkind = "regex"\npattern = "a"\nwhen_input = "[a"', "field 'when_input': not a valid"),
        ('[[check]]\nname = "a"\nkind = "tag_absent"\ntag = "<b>"', "field 'tag': must be a tag name"),
        ('[[check]]\nname = "a"\nkind = "json_schema"', "field 'schema': give exactly one of"),
        ('[[check]]\nname = "a"\nkind = "json_schema"\nschema = { type = "nope" }', "not a valid JSON Schema"),
        ('name = "a"', "field 'check': no checks"),
        ("[[check]]\nname = ", "not valid TOML: Invalid value"),
    ],
)
def test_bad_specs_are_refused_with_where_and_what(text, expected):
    assert expected in _error(text)


def test_a_pattern_re2_cannot_run_is_refused_for_sql_and_python_alike():
    message = _error('[[check]]\nname = "a"\nkind = "regex"\npattern = "(?<=a)b"')
    assert "field 'pattern': not a valid RE2 regular expression (invalid perl operator: (?<=)" in message


def test_duplicate_names_are_refused_at_the_second_record():
    text = '[[check]]\nname = "a"\nkind = "numeric"\n\n[[check]]\nname = "a"\nkind = "exact"\n'
    assert _error(text) == "checks.toml: line 6, record 2 ('a'), field 'name': duplicate check name 'a'"


def test_schema_file_is_read_relative_to_the_spec(tmp_path):
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "person.json").write_text(json.dumps({"type": "object", "required": ["age"]}))
    spec_path = tmp_path / "checks.toml"
    spec_path.write_text('[[check]]\nname = "person"\nkind = "json_schema"\nschema_file = "schemas/person.json"\n')
    [spec] = load_spec(spec_path)
    assert spec.options["schema"] == {"type": "object", "required": ["age"]}


def test_a_missing_spec_file_is_a_one_line_error(tmp_path):
    with pytest.raises(BadInputError, match=r"nope.toml: cannot read the check spec: No such file"):
        load_spec(tmp_path / "nope.toml")


def test_specs_built_in_python_are_validated_too():
    with pytest.raises(CheckSpecError, match="record 2 \\('a'\\), field 'name': duplicate"):
        validate_specs([CheckSpec("a", "numeric"), CheckSpec("a", "numeric")])
    with pytest.raises(CheckSpecError, match="field 'pattern'"):
        validate_specs([CheckSpec("r", "regex", {"pattern": "("})])


def test_a_long_bad_pattern_is_quoted_short_and_a_long_good_one_loads():
    message = _error('[[check]]\nname = "a"\nkind = "regex"\npattern = "' + "x" * 5000 + '("')
    assert "not a valid RE2 regular expression" in message and len(message) < 300
    words = "|".join(f"word{i}" for i in range(2000))  # a long alternation of banned words is fine
    [spec] = load_spec_text(f'[[check]]\nname = "a"\nkind = "regex_absent"\npattern = "{words}"\n', "checks.toml")
    assert spec.options["pattern"] == words


def test_a_bad_pattern_with_a_newline_is_still_one_line():
    message = _error('[[check]]\nname = "a"\nkind = "regex"\npattern = "a\\n\\u001b("')
    assert "\n" not in message and "\x1b" not in message
    assert "missing ): a\\n\\x1b(" in message


def test_a_name_with_control_characters_is_shown_escaped():
    message = _error('[[check]]\nname = "a\\nb\\u202e"\nkind = "regex"\npattern = "("')
    assert "record 1 ('a\\nb\\u202e')" in message and "\n" not in message and "\u202e" not in message
