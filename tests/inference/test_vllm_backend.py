"""The vLLM backend's requests, seen through a stand-in `vllm` module (CI has no GPU): the resolved dtype, the
adapter's LoRA rank, and prompts passed as token ids rendered once."""

import json
import sys
import types

import pytest
from test_prompts_and_progress import llama3_style_tokenizer

from curator.inference.backends import GenerationSettings, ModelRef, VllmBackend


class FakeLLM:
    made: list = []

    def __init__(self, **options):
        self.options, self.requests = options, []
        FakeLLM.made.append(self)

    def get_tokenizer(self):
        return llama3_style_tokenizer()

    def generate(self, requests, params, lora_request=None):
        self.requests.append((requests, params, lora_request))
        choice = types.SimpleNamespace(text="ok")
        return [types.SimpleNamespace(outputs=[choice] * params.n) for _ in requests]


@pytest.fixture
def fake_vllm(monkeypatch):
    vllm = types.ModuleType("vllm")
    vllm.LLM = FakeLLM
    vllm.SamplingParams = lambda **kw: types.SimpleNamespace(**kw)
    lora = types.ModuleType("vllm.lora")
    request = types.ModuleType("vllm.lora.request")
    request.LoRARequest = lambda name, number, path: types.SimpleNamespace(name=name, path=path)
    monkeypatch.setitem(sys.modules, "vllm", vllm)
    monkeypatch.setitem(sys.modules, "vllm.lora", lora)
    monkeypatch.setitem(sys.modules, "vllm.lora.request", request)
    FakeLLM.made = []
    return FakeLLM


@pytest.mark.parametrize(("native", "dtype"), [(True, "bfloat16"), (False, "float16")])
def test_auto_becomes_the_dtype_the_gpu_runs(fake_vllm, monkeypatch, tmp_path, native, dtype):
    import torch

    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda including_emulation=True: native)
    backend = VllmBackend(ModelRef(str(tmp_path)), GenerationSettings())
    assert backend.dtype == dtype and fake_vllm.made[0].options["dtype"] == dtype
    assert "enable_lora" not in fake_vllm.made[0].options


def test_the_adapter_sets_the_lora_rank_and_prompts_go_in_as_token_ids(fake_vllm, tmp_path):
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text(json.dumps({"r": 32}))
    backend = VllmBackend(ModelRef(str(tmp_path), str(adapter), dtype="float16"), GenerationSettings())
    options = fake_vllm.made[0].options
    assert options["enable_lora"] and options["max_lora_rank"] == 32 and options["dtype"] == "float16"
    outputs = backend.complete([[{"role": "user", "content": "hello there"}]], 2)
    requests, params, lora = fake_vllm.made[0].requests[0]
    ids = requests[0]["prompt_token_ids"]
    bos = backend.tokenizer.bos_token_id
    assert ids[0] == bos and ids.count(bos) == 1
    assert outputs == [["ok", "ok"]] and params.n == 2 and lora.path == str(adapter)


def test_engine_options_reach_vllm_and_nothing_else_does(fake_vllm, tmp_path):
    engine = {"max_model_len": 4096, "gpu_memory_utilization": 0.5, "tensor_parallel_size": 2, "bogus": 1}
    backend = VllmBackend(ModelRef(str(tmp_path), dtype="float16"), GenerationSettings(), engine)
    options = fake_vllm.made[0].options
    assert (options["max_model_len"], options["gpu_memory_utilization"], options["tensor_parallel_size"]) == (
        4096,
        0.5,
        2,
    )
    assert "bogus" not in options and backend.engine == {k: v for k, v in engine.items() if k != "bogus"}


def test_an_engine_option_with_the_transformers_backend_is_refused_in_one_line(tmp_path):
    from typer.testing import CliRunner

    from curator.cli.main import app

    items = tmp_path / "eval.jsonl"
    items.write_text(json.dumps({"id": "a", "input": "hi"}) + "\n")
    args = ["-w", str(tmp_path / "ws"), "eval", "--model", str(tmp_path), "--items", str(items)]
    result = CliRunner().invoke(app, [*args, "--backend", "transformers", "--max-model-len", "512"])
    assert result.exit_code != 0 and "--max-model-len is a vLLM option" in str(result.exception)
