"""Shared test helpers: the model class with the shipped schemas, recordings, expected text."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FAKE_KEY = "sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"


@contextmanager
def working_directory(path: Path) -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def provider_configuration():
    """Load provider/openrouter_free.yaml through the SDK entity, as the plugin runtime does."""
    from dify_plugin.entities.model.provider import ModelProviderConfiguration

    with working_directory(PROJECT_ROOT):
        data = yaml.safe_load((PROJECT_ROOT / "provider" / "openrouter_free.yaml").read_text(encoding="utf-8"))
        return ModelProviderConfiguration(**data)


def llm_model():
    from models.llm.llm import OpenRouterFreeLargeLanguageModel

    return OpenRouterFreeLargeLanguageModel(provider_configuration().models)


def credentials(endpoint_url: str = "https://openrouter.test/api/v1", **extra: str) -> dict:
    return {"api_key": FAKE_KEY, "endpoint_url": endpoint_url, **extra}


def expected_text(events: list[str]) -> str:
    """Rebuild the text Dify should show from raw SSE payloads: reasoning in <think>, then content."""
    reasoning, content = [], []
    for payload in events:
        if payload == "[DONE]":
            continue
        for choice in json.loads(payload).get("choices") or ():
            delta = choice.get("delta") or {}
            reasoning.append(delta.get("reasoning") or "")
            content.append(delta.get("content") or "")
    thought = "".join(reasoning)
    answer = "".join(content)
    return f"<think>\n{thought}\n</think>\n\n{answer}" if thought else answer


def last_usage(events: list[str]) -> dict:
    usage = {}
    for payload in events:
        if payload != "[DONE]" and "usage" in (document := json.loads(payload)):
            usage = document["usage"] or usage
    return usage


def assert_readable(description: str) -> None:
    """Check a message as Dify shows it: OpenRouter named first, no JSON, markup, traceback or secret."""
    first_sentence = description.split("。")[0].split(". ")[0]
    assert "OpenRouter" in first_sentence or "OpenRouter" in description[:80]
    assert not description.startswith("[")
    assert "{\"" not in description
    assert "<html" not in description.lower()
    assert "Traceback" not in description
    assert "sk-or-v1-" not in description
    assert "user_" not in description
