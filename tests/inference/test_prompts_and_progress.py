"""Prompts rendered once into token ids (no second BOS), progress as items finish, k outputs from one loop,
and vLLM's LoRA rank read from the adapter."""

import json

import pytest

from curator.inference.backends import GenerationSettings, ModelRef, TransformersBackend, vllm_lora_rank
from curator.inference.chat import prompt_token_ids

LLAMA3_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}<|start_header_id|>{{ message['role'] }}<|end_header_id|>\n\n"
    "{{ message['content'] }}<|eot_id|>{% endfor %}"
    "{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>\n\n{% endif %}"
)


def llama3_style_tokenizer():
    """A word-level tokenizer that, like Llama 3's, adds <|begin_of_text|> itself, with a template that adds it too."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    specials = ["<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>", "<unk>"]
    words = ["user", "assistant", "system", "hello", "there", "\n\n"]
    vocab = {token: index for index, token in enumerate(specials + words)}
    core = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Split(r"(<\|[a-z_]+\|>|\n\n| )", behavior="isolated")
    core.post_processor = processors.TemplateProcessing(
        single="<|begin_of_text|> $A", special_tokens=[("<|begin_of_text|>", vocab["<|begin_of_text|>"])]
    )
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=core, bos_token="<|begin_of_text|>", unk_token="<unk>")
    tokenizer.add_special_tokens({"additional_special_tokens": specials[1:4]})
    tokenizer.chat_template = LLAMA3_TEMPLATE
    return tokenizer


def test_a_llama3_style_prompt_gets_one_bos():
    tokenizer = llama3_style_tokenizer()
    bos = tokenizer.bos_token_id
    ids = prompt_token_ids(tokenizer, [{"role": "user", "content": "hello there"}])
    assert ids[0] == bos and ids.count(bos) == 1
    text = tokenizer.apply_chat_template([{"role": "user", "content": "hello"}], tokenize=False)
    assert tokenizer(text)["input_ids"].count(bos) == 2  # what tokenizing the rendered text again would do


def test_a_raw_prompt_without_a_template_gets_the_tokenizers_own_bos():
    tokenizer = llama3_style_tokenizer()
    tokenizer.chat_template = None
    ids = prompt_token_ids(tokenizer, "hello there")
    assert ids.count(tokenizer.bos_token_id) == 1


@pytest.mark.parametrize(("rank", "expected"), [(4, 8), (16, 16), (17, 32), (64, 64)])
def test_vllm_lora_rank_comes_from_the_adapter_config(tmp_path, rank, expected):
    (tmp_path / "adapter_config.json").write_text(json.dumps({"r": rank, "lora_alpha": 2 * rank}))
    assert vllm_lora_rank(str(tmp_path)) == expected


def test_a_rank_pattern_raises_the_rank(tmp_path):
    (tmp_path / "adapter_config.json").write_text(json.dumps({"r": 8, "rank_pattern": {"q_proj": 48}}))
    assert vllm_lora_rank(str(tmp_path)) == 64


@pytest.mark.slow
def test_progress_moves_as_items_finish_not_once_per_batch(demo_model_dir):
    from curator.demo.task import eval_records

    prompts = [r["input"] for r in eval_records()][:12]
    backend = TransformersBackend(ModelRef(str(demo_model_dir), dtype="float32"), GenerationSettings(24, batch_size=12))
    seen: list[int] = []
    outputs = backend.generate(prompts, seen.append)
    assert len(outputs) == 12 and seen[-1] == 12
    assert len(set(seen)) > 2 and seen == sorted(seen)  # more steps than "0, then all 12"


@pytest.mark.slow
def test_k_outputs_per_prompt_from_the_one_generate_loop(demo_model_dir):
    prompts = ["Leo has 9 cups and gives away 2. How many cups now?", "Ava has 5 pens. How many pens?"]
    settings = GenerationSettings(16, temperature=0.9, batch_size=8, seed=3)
    backend = TransformersBackend(ModelRef(str(demo_model_dir), dtype="float32"), settings)
    seen: list[int] = []
    outputs = backend.complete(prompts, 3, seen.append)
    assert [len(o) for o in outputs] == [3, 3] and seen[-1] == 6
    assert backend.complete(prompts, 3) == outputs  # seeded
