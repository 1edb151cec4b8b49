"""Which precision a new learned fit embeds in, and the bf16 path: bf16 where the CPU has native bf16 units (int8
elsewhere), its vectors unit-length fp32, within cosine 0.999 of fp32 and the same whatever texts share a batch."""

import numpy as np
import pytest

from curator.checks.learned.encoder import DEFAULT_MODEL, learned_model, load_encoder, split_name

TEXTS = [
    "My kettle stopped working after two days.",
    "Not my problem. Read the manual.",
    "It is sunny ☀",
    "I was charged twice for the same order last week and nobody answers my emails, please refund one of them.",
]


@pytest.mark.parametrize(("units", "expected"), [("AVX512_BF16", "+bf16"), ("AMX", "+bf16"), (None, "+int8")])
def test_a_new_fit_embeds_in_bf16_only_where_the_cpu_has_native_bf16(monkeypatch, units, expected):
    monkeypatch.setattr("curator.inference.dtypes.cpu_bf16_units", lambda: units)
    assert learned_model() == DEFAULT_MODEL + expected


def test_a_name_says_its_precision():
    assert [split_name(DEFAULT_MODEL + s) for s in ("", "+int8", "+bf16")] == [
        (DEFAULT_MODEL, "fp32"),
        (DEFAULT_MODEL, "int8"),
        (DEFAULT_MODEL, "bf16"),
    ]
    assert split_name("/models/my-encoder+bf16") == ("/models/my-encoder", "bf16")


def test_the_bf16_encoder_gives_unit_fp32_vectors_close_to_fp32_whatever_the_batch():
    fast = load_encoder(DEFAULT_MODEL + "+bf16")
    batched = fast.encode(TEXTS)
    alone = np.vstack([fast.encode([text]) for text in TEXTS])
    exact = load_encoder(DEFAULT_MODEL).encode(TEXTS)
    assert batched.dtype == np.float32 and batched.shape == (4, 384)
    assert np.allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)
    assert (batched * exact).sum(axis=1).min() > 0.999
    assert (batched * alone).sum(axis=1).min() > 0.9999
