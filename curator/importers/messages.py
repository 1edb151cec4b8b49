"""Chat messages as items hold them: a list of {role, content}, and the text they render to."""

from __future__ import annotations


def normalise_messages(value: list) -> list[dict]:
    """Keep role and content of each message; raises ValueError naming the first message that is not one."""
    if not value:
        raise ValueError("the list of chat messages is empty")
    messages = []
    for number, message in enumerate(value, start=1):
        role = message.get("role") if isinstance(message, dict) else None
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(role, str) or not isinstance(content, str):
            raise ValueError(f"message {number} is not a chat message with text 'role' and 'content'")
        messages.append({"role": role, "content": content})
    return messages


def render_messages(messages: list[dict]) -> str:
    """The text of a chat: a lone user message is its content; otherwise `role: content` blocks."""
    if len(messages) == 1 and messages[0]["role"] == "user":
        return messages[0]["content"]
    return "\n\n".join(f"{m['role']}: {m['content']}" for m in messages)
