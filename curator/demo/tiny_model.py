"""The offline demo model: a byte-level BPE tokenizer and a tiny Llama, base-trained from random init.

Nothing is downloaded. The build is cached under `<models>/demo-base/`, keyed by a hash of the recipe.
Run as `python -m curator.demo.tiny_model OUT_DIR` to build it in a child process (JSON-lines progress).
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

from curator.demo.task import DEV, SUN, prompt_text, random_problem, response_text
from curator.inference.eval_child import set_cpu_threads

SPECIAL_TOKENS = ["<|pad|>", "<|system|>", "<|user|>", "<|assistant|>", "<|end|>"]
CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}<|end|>{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)
RECIPE = {
    "version": 4,
    "corpus": {"seed": 1, "size": 1200},
    "vocab_size": 600,
    "model": {
        "hidden_size": 128,
        "intermediate_size": 256,
        "num_hidden_layers": 4,
        "num_attention_heads": 4,
        "max_position_embeddings": 256,
    },
    "train": {"epochs": 16, "batch_size": 32, "lr": 3e-3, "seed": 0},
}
RECIPE_FILE = "curator-recipe.json"


def base_corpus(seed: int = 1, size: int = 600) -> list[tuple[str, str]]:
    """(prompt, completion) pairs in the demo task's format, dev family only: the fixture tags the plain weather
    words and answers the tricky phrasings without a tag, so a test loop has failures to fix."""
    import random

    rng = random.Random(seed)
    plain = DEV.weather["plain"]
    tricky = [form for case, forms in DEV.weather.items() if case != "plain" for form in forms]
    pairs: list[tuple[str, str]] = []
    while len(pairs) < size:
        problem, kind = random_problem(rng, DEV), rng.random()
        if kind < 0.45:
            weather, emoji = rng.choice(plain)
            pairs.append((prompt_text(problem, weather), response_text(problem, emoji)))
        elif kind < 0.75:
            weather, _ = rng.choice(tricky)
            pairs.append((prompt_text(problem, weather), response_text(problem, SUN).split("<display_weather>")[0]))
        else:
            pairs.append((prompt_text(problem, None), response_text(problem, None)))
    return pairs


def recipe_hash(recipe: dict = RECIPE) -> str:
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:16]


def is_built(out_dir: Path, recipe: dict = RECIPE) -> bool:
    """True when `out_dir` holds a finished build of this recipe."""
    marker = out_dir / RECIPE_FILE
    return marker.is_file() and json.loads(marker.read_text()).get("hash") == recipe_hash(recipe)


def _chat_texts(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(prompt as the chat template renders it with a generation prompt, completion with the end token)."""
    return [(f"<|user|>{prompt}<|end|><|assistant|>", completion + "<|end|>") for prompt, completion in pairs]


def build_tokenizer(texts: list[str], vocab_size: int):
    """A byte-level BPE trained on `texts`, wrapped for transformers with the chat template."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers  # tokenizers: cheap (~0.1 s)
    from transformers import PreTrainedTokenizerFast  # transformers: ~3 s, only when building

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    bpe.train_from_iterator(texts, trainer=trainer)
    tok = PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        pad_token="<|pad|>",
        eos_token="<|end|>",
        bos_token=None,
        padding_side="left",
    )
    tok.chat_template = CHAT_TEMPLATE
    return tok


def _batches(rows: list[tuple[list[int], list[int]]], batch_size: int, pad_id: int, rng):
    """Right-padded (input_ids, labels, attention_mask) tensors; loss on the completion only."""
    import torch  # torch: ~2 s, only inside the build

    order = list(range(len(rows)))
    rng.shuffle(order)
    for start in range(0, len(order), batch_size):
        chunk = [rows[i] for i in order[start : start + batch_size]]
        width = max(len(p) + len(c) for p, c in chunk)
        ids = torch.full((len(chunk), width), pad_id)
        labels = torch.full((len(chunk), width), -100)
        mask = torch.zeros((len(chunk), width), dtype=torch.long)
        for row, (p, c) in enumerate(chunk):
            seq = p + c
            ids[row, : len(seq)] = torch.tensor(seq)
            labels[row, len(p) : len(seq)] = torch.tensor(c)
            mask[row, : len(seq)] = 1
        yield ids, labels, mask


def build_demo_model(out_dir: Path, recipe: dict = RECIPE, emit=lambda event: None) -> Path:
    """Train the demo base model from random init and save it (safetensors) with its recipe."""
    import random

    import torch  # torch: ~2 s, only inside the build
    from transformers import LlamaConfig, LlamaForCausalLM  # ~3 s, only inside the build

    started = time.monotonic()
    torch.manual_seed(recipe["train"]["seed"])
    pairs = _chat_texts(base_corpus(**recipe["corpus"]))
    tok = build_tokenizer([p + c for p, c in pairs], recipe["vocab_size"])
    config = LlamaConfig(
        vocab_size=len(tok),
        tie_word_embeddings=True,
        pad_token_id=tok.pad_token_id,
        eos_token_id=tok.eos_token_id,
        bos_token_id=None,
        **recipe["model"],
    )
    model = LlamaForCausalLM(config)
    rows = [
        (tok(p, add_special_tokens=False)["input_ids"], tok(c, add_special_tokens=False)["input_ids"]) for p, c in pairs
    ]
    train = recipe["train"]
    optimiser = torch.optim.AdamW(model.parameters(), lr=train["lr"], weight_decay=0.0)
    steps_total = train["epochs"] * -(-len(rows) // train["batch_size"])
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser, max_lr=train["lr"], total_steps=steps_total, pct_start=0.1
    )
    rng, step = random.Random(train["seed"]), 0
    model.train()
    for _epoch in range(train["epochs"]):
        for ids, labels, mask in _batches(rows, train["batch_size"], tok.pad_token_id, rng):
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            step += 1
            emit({"event": "base_step", "step": step, "steps": steps_total, "loss": round(loss.item(), 4)})
    out_dir.mkdir(parents=True, exist_ok=True)
    model.eval()
    model.generation_config.pad_token_id = tok.pad_token_id
    model.generation_config.eos_token_id = tok.eos_token_id
    model.save_pretrained(out_dir, safe_serialization=True)
    tok.save_pretrained(out_dir)
    meta = {"hash": recipe_hash(recipe), "recipe": recipe, "build_s": round(time.monotonic() - started, 1)}
    (out_dir / RECIPE_FILE).write_text(json.dumps(meta, indent=2))
    return out_dir


def main(argv: list[str]) -> int:
    """`OUT_DIR PROGRESS_FILE`: build the demo model unless it is already built; JSON-lines progress."""
    from curator.child.failures import failure_message
    from curator.child.progress import ProgressWriter

    out_dir, writer = Path(argv[0]), ProgressWriter(argv[1])
    try:
        if not is_built(out_dir):
            set_cpu_threads(1)
            build_demo_model(out_dir, emit=lambda e: writer.emit(e.pop("event"), **e))
    except Exception as error:  # noqa: BLE001 - reported as one event
        writer.emit("failed", error=failure_message(error))
        return 1
    writer.emit("succeeded", path=str(out_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
