"""The learned grader's int8 path: Linear layers in int8 stay close to fp32, give a text the same vector whatever
texts share its batch, and the encoder runs on this process's share of the cores while it encodes."""

import json

import numpy as np
import pytest
import torch

from curator.checks.learned.encoder import DEFAULT_MODEL, load_encoder, split_name
from curator.checks.learned.int8 import RowInt8Linear, quantise_linear_layers
from curator.checks.learned.threads import encoding_threads

INT8_MODEL = DEFAULT_MODEL + "+int8"


def test_an_int8_linear_stays_close_to_fp32_and_each_row_ignores_its_batch():
    torch.manual_seed(0)
    linear = torch.nn.Linear(384, 96)
    rows = torch.randn(8, 5, 384)
    rows[0, 0] *= 50  # a loud token must not coarsen the others' scale
    int8 = RowInt8Linear(linear)
    with torch.no_grad():
        exact, fast = linear(rows), int8(rows)
        alone = int8(rows[3:4])
    cosine = torch.nn.functional.cosine_similarity(exact.reshape(-1, 96), fast.reshape(-1, 96), dim=1)
    assert fast.shape == exact.shape and cosine.min() > 0.999
    assert torch.equal(alone[0], fast[3])


def test_quantising_swaps_every_linear_and_the_name_says_int8():
    model = torch.nn.Sequential(torch.nn.Linear(8, 8), torch.nn.ReLU(), torch.nn.Sequential(torch.nn.Linear(8, 2)))
    assert quantise_linear_layers(model) == 2
    assert not any(isinstance(m, torch.nn.Linear) for m in model.modules())
    assert split_name(INT8_MODEL) == (DEFAULT_MODEL, "int8") and split_name(DEFAULT_MODEL) == (DEFAULT_MODEL, "fp32")


def test_the_int8_encoder_is_within_cosine_0_99_of_fp32_on_real_texts():
    texts = ["My kettle stopped working after two days.", "Not my problem. Read the manual.", "It is sunny ☀"]
    exact = load_encoder(DEFAULT_MODEL).encode(texts)
    fast = load_encoder(INT8_MODEL).encode(texts)
    assert fast.shape == exact.shape == (3, 384)
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    assert (fast * exact).sum(axis=1).min() > 0.99


def test_encoding_claims_a_share_of_the_cores_and_gives_it_back(monkeypatch, tmp_path):
    monkeypatch.setenv("CURATOR_CORES_DIR", str(tmp_path / "cores"))
    before = torch.get_num_threads()
    with encoding_threads() as threads:
        [claim] = [json.loads(p.read_text()) for p in (tmp_path / "cores").glob("*.json")]
        assert claim["requested"] == 0 and torch.get_num_threads() == threads >= 1
    assert not list((tmp_path / "cores").glob("*.json")) and torch.get_num_threads() == before


@pytest.mark.parametrize("texts", [[], ["one text"]])
def test_the_encoder_returns_one_row_per_text(texts):
    assert load_encoder(INT8_MODEL).encode(texts).shape == (len(texts), 384)
