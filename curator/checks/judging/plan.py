"""What a judge check asks its model: one request per rendered prompt and sample, keyed for the cache; and the
answers read back into one verdict per item."""

from __future__ import annotations

from dataclasses import dataclass, field

from curator.checks.judging.cache_keys import cache_key, sha256
from curator.checks.judging.verdicts import Verdict, verdict_of


@dataclass(frozen=True)
class JudgeRequest:
    """One answer to get: the prompt, which sample of it, and its cache key."""

    key: str
    prompt: str
    prompt_sha: str
    sample_index: int

    def as_json(self) -> dict:
        return {"key": self.key, "prompt": self.prompt, "sample_index": self.sample_index}


@dataclass
class JudgePlan:
    """Every request of one judge over a run's items (each distinct key once), and which keys each item reads."""

    model_id: str
    params: dict
    items: list[tuple[int, list[str]]] = field(default_factory=list)
    requests: dict[str, JudgeRequest] = field(default_factory=dict)

    def add(self, item_key: int, prompt: str, samples: int) -> None:
        digest = sha256(prompt)
        keys = []
        for index in range(samples):
            key = cache_key(prompt, self.model_id, self.params, index)
            self.requests.setdefault(key, JudgeRequest(key, prompt, digest, index))
            keys.append(key)
        self.items.append((item_key, keys))

    def missing(self, cached: dict[str, str]) -> list[JudgeRequest]:
        """The requests the cache cannot answer, in order."""
        return [request for key, request in self.requests.items() if key not in cached]

    def cache_rows(self, answers: dict[str, str]) -> list[dict]:
        """Rows for the answer cache, one per newly answered request."""
        return [
            {
                "cache_key": key,
                "model_id": self.model_id,
                "prompt_sha": self.requests[key].prompt_sha,
                "params": self.params,
                "sample_index": self.requests[key].sample_index,
                "answer": answer,
            }
            for key, answer in answers.items()
        ]


def verdicts(plan: JudgePlan, answers: dict[str, str], options: dict) -> list[tuple[int, Verdict]]:
    """(item_key, verdict) for every item of the plan, from the answers to all its keys."""
    return [(item_key, verdict_of([answers[key] for key in keys], options)) for item_key, keys in plan.items]
