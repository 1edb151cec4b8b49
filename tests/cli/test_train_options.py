"""`curator train`'s options: the learning rate's default follows the method; a given rate is kept."""

import pytest

from curator.cli.train import _setting_options, _settings
from curator.training.job import TrainerSettings


def _defaults(**given) -> dict:
    return {p.name: p.default.default for p in _setting_options()} | given


@pytest.mark.parametrize("method, rate", [("sft", 1e-3), ("dpo", 5e-5), ("kto", 5e-5), ("grpo", 5e-5)])
def test_the_rate_left_out_follows_the_method(method, rate):
    assert _settings(TrainerSettings, "", _defaults(method=method)).learning_rate == pytest.approx(rate)


def test_a_rate_given_is_kept_whatever_the_method():
    assert _settings(TrainerSettings, "", _defaults(method="dpo", learning_rate=0.01)).learning_rate == 0.01
