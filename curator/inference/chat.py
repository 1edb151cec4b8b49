"""Prompt formatting shared by training and inference: chat template when the tokenizer has one."""

from __future__ import annotations


def as_messages(prompt: str | list[dict], system: str | None = None) -> list[dict]:
    """A prompt as a chat message list (a plain string becomes one user message)."""
    messages = list(prompt) if isinstance(prompt, list) else [{"role": "user", "content": prompt}]
    if system and not any(m.get("role") == "system" for m in messages):
        messages.insert(0, {"role": "system", "content": system})
    return messages


def render_prompt(tokenizer, prompt: str | list[dict]) -> str:
    """The text the model sees: the chat template with a generation prompt, or the raw prompt without one."""
    if getattr(tokenizer, "chat_template", None):
        return tokenizer.apply_chat_template(as_messages(prompt), tokenize=False, add_generation_prompt=True)
    if isinstance(prompt, list):
        return "\n".join(m["content"] for m in prompt)
    return prompt


def prompt_token_ids(tokenizer, prompt: str | list[dict]) -> list[int]:
    """The prompt's token ids, rendered once: a chat template brings its own special tokens (a Llama-3 template
    starts with `{{ bos_token }}`), so none are added again; a raw prompt gets the tokenizer's own."""
    text = render_prompt(tokenizer, prompt)
    templated = bool(getattr(tokenizer, "chat_template", None))
    return list(tokenizer(text, add_special_tokens=not templated)["input_ids"])
