"""Judge spec options: defaults, rubric files, and one clear line for each bad value."""

from pathlib import Path

import pytest

from curator.checks import load_spec_text, validate_specs
from curator.checks.judging.options import check_judge_options
from curator.checks.judging.rubric import answer_instruction, judge_prompt, rubric_problem, rubric_values
from curator.checks.options import OptionProblem
from curator.checks.spec import CheckSpec, CheckSpecError


def test_a_pass_fail_judge_gets_its_defaults(tmp_path):
    text = '[[check]]\nname = "polite"\nkind = "judge"\nmodel = "judge-model"\nrubric = "Is {{ output }} polite?"\n'
    [spec] = load_spec_text(text, tmp_path / "checks.toml")
    assert spec.kind == "judge"
    assert spec.options == {
        "model": str((tmp_path / "judge-model").resolve()),
        "rubric": "Is {{ output }} polite?",
        "scale": "pass_fail",
        "temperature": 0.0,
        "seed": 0,
        "samples": 1,
        "max_new_tokens": 64,
        "batch_size": 16,
        "timeout_s": 60.0,
    }
    assert validate_specs([spec]) == [spec]  # a stored spec validates again unchanged


def test_an_endpoint_judge_keeps_the_model_name_and_reads_its_rubric_file(tmp_path):
    (tmp_path / "rubric.j2").write_text("Rate {{ output }} against {{ target }}.", encoding="utf-8")
    text = (
        '[[check]]\nname = "helpful"\nkind = "judge"\nendpoint = "http://127.0.0.1:8000/v1"\nmodel = "smollm2"\n'
        'rubric_file = "rubric.j2"\nscale = "score"\nthreshold = 4\n'
    )
    [spec] = load_spec_text(text, tmp_path / "checks.toml")
    assert spec.options["model"] == "smollm2"
    assert spec.options["rubric"] == "Rate {{ output }} against {{ target }}."
    assert spec.options["score_range"] == [1, 5] and "rubric_file" not in spec.options


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            'rubric = "{% if output %}yes"',
            "line 5, record 1 ('j'), field 'rubric': the rubric does not compile: line 1",
        ),
        ('rubric = "{{ secret }}"', "field 'rubric': the rubric uses 'secret'; a rubric sees only input, output"),
        ('rubric = "x"\nscale = "stars"', "field 'scale': must be one of pass_fail, score, not 'stars'"),
        ('rubric = "x"\nscale = "score"', "field 'threshold': a score judge needs 'threshold'"),
        ('rubric = "x"\nscale = "score"\nthreshold = 9', "field 'threshold': must be a number within score_range"),
        ('rubric = "x"\nscale = "score"\nscore_range = [5, 1]\nthreshold = 3', "field 'score_range': low must be"),
        ('rubric = "x"\nthreshold = 3', "field 'threshold': only a scale = \"score\" judge takes it"),
        ('rubric = "x"\nsamples = 3', "field 'samples': several samples need temperature > 0"),
        ('rubric = "x"\nsamples = 0', "field 'samples': must be a whole number between 1 and 15, not 0"),
        ('rubric = "x"\ntimeout_s = 0', "field 'timeout_s': must be a number > 0, not 0"),
        ('rubric = "x"\nendpoint = "127.0.0.1:8000"', "field 'endpoint': must be an http:// or https:// base URL"),
        ('rubric_file = "missing.j2"', "field 'rubric_file': cannot read"),
        ('rubric = "x"\nrubric_file = "r.j2"', "field 'rubric': give exactly one of 'rubric'"),
        ("", "field 'rubric': a judge check needs 'rubric'"),
        ('rubric = "x"\nmodel_path = "m"', "field 'model_path': unknown key for kind 'judge'"),
    ],
)
def test_bad_judge_options_are_one_line_naming_the_field(tmp_path, extra, message):
    text = f'[[check]]\nname = "j"\nkind = "judge"\nmodel = "m"\n{extra}\n'
    with pytest.raises(CheckSpecError) as caught:
        load_spec_text(text, tmp_path / "checks.toml")
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_a_spec_built_in_python_needs_the_rubric_text():
    spec = CheckSpec("j", "judge", {"model": "/m", "rubric_file": "r.j2"})
    with pytest.raises(CheckSpecError, match="field 'rubric': a judge check built in Python needs 'rubric'"):
        validate_specs([spec])


def test_the_checker_leaves_its_input_alone():
    options = {"model": "m", "rubric": "x", "scale": "pass_fail", "temperature": 0.0, "seed": 0, "samples": 1}
    options |= {"max_new_tokens": 8, "batch_size": 4, "timeout_s": 1.0}
    before = dict(options)
    check_judge_options(options, Path("/base"), resolve=True)
    assert options == before
    with pytest.raises(OptionProblem):
        check_judge_options({**options, "model": ""}, Path("/base"), resolve=True)


def test_rubric_syntax_and_what_a_rubric_sees():
    assert rubric_problem("{{ input }} {{ reasons.emoji.reason }} {% for n in range(2) %}{{ n }}{% endfor %}") is None
    assert rubric_problem("{{ output").startswith("the rubric does not compile: line 1 of the rubric:")
    values = rubric_values(input=None, output="o", target=None, reasons={"emoji": (False, "expected ☀")})
    assert values == {
        "input": "",
        "output": "o",
        "target": "",
        "reasons": {"emoji": {"passed": False, "reason": "expected ☀"}},
    }
    assert judge_prompt("Grade this.\n\n", "pass_fail", None).endswith("`Verdict: PASS` or `Verdict: FAIL`.")
    assert "from 0 to 1" in answer_instruction("score", [0, 1])
