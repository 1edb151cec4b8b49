"""Backend selection and the transformers backend on the demo model."""

import importlib.util

import pytest

from curator.inference import backends as inference
from curator.inference import dtypes
from curator.inference.backends import GenerationSettings, ModelRef, TransformersBackend, choose_backend


@pytest.mark.parametrize(
    ("installed", "cuda", "expected"),
    [
        (True, True, "vllm"),
        (True, False, "transformers"),
        (False, True, "transformers"),
        (False, False, "transformers"),
    ],
)
def test_vllm_is_chosen_only_when_installed_and_a_gpu_is_there(monkeypatch, installed, cuda, expected):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        inference.importlib.util,
        "find_spec",
        lambda name: object() if name == "vllm" and installed else (None if name == "vllm" else real_find_spec(name)),
    )
    monkeypatch.setattr(inference, "cuda_available", lambda: cuda)
    assert choose_backend("auto") == expected


def test_asking_for_vllm_without_a_gpu_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(inference, "cuda_available", lambda: False)
    with pytest.raises(RuntimeError, match="needs .*vllm.* and a CUDA GPU"):
        choose_backend("vllm")


def test_a_model_that_is_not_a_local_folder_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a local folder"):
        inference.check_local(ModelRef("org/some-model-on-the-hub"))


@pytest.mark.slow
def test_batched_generation_equals_one_at_a_time(demo_model_dir):
    prompts = [
        "Mia has 3 apples and gets 4 more. How many apples now?\n<api>weather: sunny</api>",
        "Leo has 9 cups and gives away 2. How many cups now?",
        "Ava has 5 pens and gets 1 more. How many pens now?\n<api>weather: Bright sunshine!</api>",
    ]
    ref = ModelRef(str(demo_model_dir), dtype="float32")  # bf16 rounding may differ with the padding
    batched = TransformersBackend(ref, GenerationSettings(max_new_tokens=20, batch_size=8))
    single = TransformersBackend(ref, GenerationSettings(max_new_tokens=20, batch_size=1))
    outputs = batched.generate(prompts)
    assert outputs == single.generate(prompts)
    assert all(isinstance(o, str) and o for o in outputs)


@pytest.mark.parametrize(
    ("units", "expected", "why"),
    [("AVX512_BF16", "bfloat16", "native bf16 (AVX512_BF16)"), ("AMX", "bfloat16", "(AMX)"), (None, "float32", "no")],
)
def test_auto_dtype_on_the_cpu_is_bf16_only_with_native_bf16_units(monkeypatch, units, expected, why):
    monkeypatch.setattr(dtypes, "cpu_bf16_units", lambda: units)
    dtype, reason = dtypes.resolve_dtype("auto", "cpu")
    assert dtype == expected and why in reason
    assert dtypes.resolve_dtype("float32", "cpu") == ("float32", "asked for")


def test_the_cpu_probe_agrees_with_the_kernel_flags():
    flags = dtypes._cpu_flags()
    if not flags:
        pytest.skip("no /proc/cpuinfo here")
    native = bool({"avx512_bf16", "amx_bf16"} & flags)
    assert (dtypes.cpu_bf16_units() is not None) == native


@pytest.mark.parametrize(("native", "expected"), [(True, "bfloat16"), (False, "float16")])
def test_auto_dtype_on_a_gpu_asks_torch_for_native_bf16_not_emulated(monkeypatch, native, expected):
    import torch

    asked = []

    def is_bf16_supported(including_emulation=True):
        asked.append(including_emulation)
        return native

    monkeypatch.setattr(torch.cuda, "is_bf16_supported", is_bf16_supported)
    assert dtypes.resolve_dtype("auto", "cuda")[0] == expected and asked == [False]


def test_an_unknown_dtype_is_a_clear_error():
    with pytest.raises(ValueError, match="dtype 'int4' is not one of auto, bfloat16, float16, float32"):
        dtypes.resolve_dtype("int4", "cpu")


def test_one_dtype_list_for_training_and_inference():
    from curator.training import job

    assert job.DTYPES is dtypes.DTYPES


@pytest.mark.slow
def test_the_model_is_loaded_in_the_dtype_asked_for(demo_model_dir):
    backend = TransformersBackend(ModelRef(str(demo_model_dir), dtype="bfloat16"), GenerationSettings())
    assert backend.dtype == "bfloat16" and next(backend.model.parameters()).dtype.is_floating_point
    assert str(next(backend.model.parameters()).dtype) == "torch.bfloat16"
