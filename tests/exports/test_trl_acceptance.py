"""Exported files are accepted by TRL's SFT, DPO and KTO trainers without conversion (their __init__ prepares data)."""

from __future__ import annotations

import copy

import pytest
from fixwork import weather_records, weather_run

from curator.exports.library import export_dataset, export_run
from curator.recipes import library as recipes
from curator.recipes.spec import spec_from_dict

pytestmark = pytest.mark.slow

# The token-id columns each trainer's data preparation adds (TRL 1.16).
TOKENIZED = {
    "sft": {"input_ids"},
    "chat": {"input_ids"},
    "dpo": {"prompt_ids", "chosen_ids", "rejected_ids"},
    "kto": {"prompt_ids", "completion_ids"},
}
CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}<|end|>{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)


@pytest.fixture(scope="module")
def tiny_model():
    """A byte-level BPE trained on the test text and a 2-layer random Llama: no download."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers  # cheap
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast  # ~3 s, test only

    texts = [str(v) for r in weather_records() for v in r.values() if isinstance(v, str)]
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.train_from_iterator(
        texts,
        trainer=trainers.BpeTrainer(
            vocab_size=400, special_tokens=["<|pad|>", "<|end|>"], initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
        ),
    )
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, pad_token="<|pad|>", eos_token="<|end|>")
    tokenizer.chat_template = CHAT_TEMPLATE
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=256,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    return LlamaForCausalLM(config), tokenizer


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Every shape in every file format, from a run and from a frozen dataset version."""
    from curator.workspace import Workspace

    root = tmp_path_factory.mktemp("trl")
    with Workspace.open(root / "ws") as ws:
        weather_run(ws)
        recipes.save_recipe(
            ws,
            spec_from_dict(
                {"name": "d", "total": 2, "sources": [{"name": "replay", "kind": "replay", "run": "base", "share": 1}]}
            ),
        )
        recipes.build(ws, "d")
        files = {}
        for file_format in ("jsonl", "parquet", "hf"):
            for shape in ("sft", "chat", "dpo", "kto"):
                files[("run", shape, file_format)] = export_run(ws, "base", shape, file_format).path
            for shape in ("sft", "chat"):
                files[("dataset", shape, file_format)] = export_dataset(ws, "d", shape, file_format).path
    return files


def load(path, file_format):
    import datasets  # ~1 s, test only

    if file_format == "hf":
        return datasets.load_from_disk(str(path))
    return datasets.load_dataset("json" if file_format == "jsonl" else "parquet", data_files=str(path), split="train")


def trainer_for(shape, model, tokenizer, dataset, out):
    common = dict(
        output_dir=str(out),
        use_cpu=True,
        bf16=False,
        report_to="none",
        max_steps=1,
        per_device_train_batch_size=2,
        save_strategy="no",
    )
    if shape in ("sft", "chat"):
        from trl import SFTConfig, SFTTrainer  # ~8 s, test only

        return SFTTrainer(
            model=model, args=SFTConfig(max_length=128, **common), train_dataset=dataset, processing_class=tokenizer
        )
    if shape == "dpo":
        from trl import DPOConfig, DPOTrainer

        return DPOTrainer(
            model=model,
            ref_model=copy.deepcopy(model),
            args=DPOConfig(max_length=128, **common),
            train_dataset=dataset,
            processing_class=tokenizer,
        )
    from trl import KTOConfig, KTOTrainer

    return KTOTrainer(
        model=model,
        ref_model=copy.deepcopy(model),
        args=KTOConfig(max_length=128, **common),
        train_dataset=dataset,
        processing_class=tokenizer,
    )


@pytest.mark.parametrize("file_format", ["jsonl", "parquet", "hf"])
@pytest.mark.parametrize(
    ("origin", "shape"),
    [("run", "sft"), ("run", "chat"), ("run", "dpo"), ("run", "kto"), ("dataset", "sft"), ("dataset", "chat")],
)
def test_trainer_prepares_the_exported_rows(tiny_model, exported, tmp_path, origin, shape, file_format):
    model, tokenizer = tiny_model
    dataset = load(exported[(origin, shape, file_format)], file_format)
    trainer = trainer_for(shape, model, tokenizer, dataset, tmp_path)
    prepared = trainer.train_dataset
    assert len(prepared) == len(dataset) > 0
    columns = set(prepared.column_names)
    assert TOKENIZED[shape] <= columns, columns
