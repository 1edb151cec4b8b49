"""A stand-in OpenAI-compatible chat endpoint on 127.0.0.1, for tests of the code that talks to one (revisions,
slot expansion, judges): it answers every prompt with one fixed text (or what `answer(prompt)` returns) and keeps
the prompts it was sent."""

import http.server
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def chat_endpoint(answer: str | Callable[[str], str]) -> Iterator[tuple[str, list[str]]]:
    """The endpoint's base URL and the list its prompts are appended to, while the block runs."""
    prompts: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            prompt = body["messages"][0]["content"]
            prompts.append(prompt)
            text = answer(prompt) if callable(answer) else answer
            choice = {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
            data = json.dumps({"id": "x", "object": "chat.completion", "created": 0, "model": "m", "choices": [choice]})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data.encode())))
            self.end_headers()
            self.wfile.write(data.encode())

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", prompts
    finally:
        server.shutdown()
        server.server_close()
