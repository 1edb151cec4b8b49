"""A judge's answers from any OpenAI-compatible endpoint (vllm serve, transformers serve, llama.cpp, Ollama).

One chat completion per request (the rendered prompt as one user message), a few in flight at once. Every failure
becomes an EndpointError with one line: unreachable, timed out, or the HTTP status and the server's message.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass

from curator.child.failures import JobCancelled

DEFAULT_CONCURRENCY = 4


class EndpointError(Exception):
    """An endpoint that could not answer: the message is one line naming the URL and what went wrong."""


@dataclass(frozen=True)
class EndpointJudge:
    """Where to ask and how: base URL, model name, generation parameters, per-request timeout."""

    base_url: str
    model: str
    temperature: float = 0.0
    seed: int = 0
    max_new_tokens: int = 64
    timeout_s: float = 60.0
    concurrency: int = DEFAULT_CONCURRENCY

    def client(self):
        from openai import OpenAI  # openai + httpx: ~0.5 s, only when an endpoint judges

        key = os.environ.get("CURATOR_JUDGE_API_KEY") or os.environ.get("OPENAI_API_KEY") or "not-needed"
        return OpenAI(base_url=self.base_url, api_key=key, timeout=self.timeout_s, max_retries=0)


def endpoint_judge(options: dict) -> EndpointJudge:
    """The endpoint a judge check's options name, with its generation parameters and timeout."""
    return EndpointJudge(
        options["endpoint"],
        options["model"],
        temperature=options["temperature"],
        seed=options["seed"],
        max_new_tokens=options["max_new_tokens"],
        timeout_s=options["timeout_s"],
    )


def sample_requests(prompts: list[str], samples: int) -> list[dict]:
    """One request per prompt and sample (`key` is "prompt index:sample index"), for `ask_endpoint`."""
    return [
        {"key": f"{index}:{sample}", "prompt": prompt, "sample_index": sample}
        for index, prompt in enumerate(prompts)
        for sample in range(samples)
    ]


def endpoint_answers(options: dict, prompts: list[str]) -> list[list[str]]:
    """Per prompt, the endpoint's answers to each of the judge's samples (a JudgeAnswerer's shape)."""
    samples = options["samples"]
    answers = ask_endpoint(endpoint_judge(options), sample_requests(prompts, samples))
    return [[answers[f"{index}:{sample}"] for sample in range(samples)] for index in range(len(prompts))]


def _one_line(text: str, limit: int = 160) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _explain(judge: EndpointJudge, error: Exception) -> EndpointError:
    import openai

    url = judge.base_url
    if isinstance(error, openai.APITimeoutError):
        return EndpointError(f"the endpoint {url} did not answer within {judge.timeout_s:g} s (timeout_s)")
    if isinstance(error, openai.APIConnectionError):
        cause = error.__cause__ or error
        return EndpointError(f"cannot reach the endpoint {url}: {_one_line(cause) or type(cause).__name__}")
    if isinstance(error, openai.APIStatusError):
        return EndpointError(f"the endpoint {url} answered HTTP {error.status_code}: {_one_line(_said(error))}")
    return EndpointError(f"the endpoint {url} failed: {type(error).__name__}: {_one_line(error)}")


def _said(error) -> str:
    """What the server said in an error answer: the `detail`/`message` of a JSON body, else its text."""
    body = error.body
    if isinstance(body, dict):
        inner = body.get("error") if isinstance(body.get("error"), dict) else body
        for key in ("message", "detail", "error"):
            if isinstance(inner.get(key), str) and inner[key]:
                return inner[key]
    text = error.response.text if getattr(error, "response", None) is not None else ""
    return text or error.message


def ask_one(judge: EndpointJudge, client, prompt: str, sample_index: int) -> str:
    """The text of one chat completion (seed: judge.seed + sample_index)."""
    import openai

    try:
        response = client.chat.completions.create(
            model=judge.model,
            messages=[{"role": "user", "content": prompt}],
            temperature=judge.temperature,
            max_tokens=judge.max_new_tokens,
            seed=judge.seed + sample_index,
        )
    except openai.OpenAIError as error:
        raise _explain(judge, error) from None
    if not getattr(response, "choices", None):
        raise EndpointError(f"the endpoint {judge.base_url} answered without a choice (not OpenAI-compatible?)")
    return response.choices[0].message.content or ""


def ask_endpoint(
    judge: EndpointJudge,
    requests: list[dict],
    on_answer: Callable[[int, int], None] = lambda done, total: None,
    should_cancel: Callable[[], bool] = lambda: False,
) -> dict[str, str]:
    """key -> answer for requests (`key`, `prompt`, `sample_index`); the first failure stops the rest and raises."""
    client = judge.client()
    answers: dict[str, str] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, judge.concurrency), thread_name_prefix="judge-endpoint")
    try:
        pending = {pool.submit(ask_one, judge, client, r["prompt"], r.get("sample_index", 0)): r for r in requests}
        while pending:
            if should_cancel():
                raise JobCancelled("judging cancelled")
            done, _ = wait(pending, timeout=0.25, return_when=FIRST_EXCEPTION)
            for future in done:
                request = pending.pop(future)
                answers[request["key"]] = future.result()  # raises the first EndpointError
            if done:
                on_answer(len(answers), len(requests))
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # after a failure or Ctrl-C, in-flight requests are dropped
        client.close()
    return answers
