"""Facts about a failure read from OpenRouter's sentences and from the error object's fields."""

from __future__ import annotations

import re

from openrouter.coerce import text_or_none

# Facts read from OpenRouter's sentences. Each named group becomes a fact, and the first
# pattern that yields a name wins.
_FACT_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"you requested up to (?P<requested_tokens>\d+) tokens",
        r"can only afford (?P<affordable_tokens>\d+)",
        r"maximum context length is (?P<context_limit>\d+) tokens",
        r"you requested about (?P<requested_tokens>\d+) tokens",
        r"(?P<requested_tokens>\d+) tokens > (?P<context_limit>\d+) maximum",
        r"use this slug instead: (?P<paid_slug>[\w./:-]+\w)",
        r"transition to (?P<suggested_model>[\w./:-]+\w)",
        r"'models' array must have (?P<max_models>\d+) items",
        r"limited to (?P<limit_rpm>\d+) requests per minute",
        r"add (?P<credits_to_unlock>\d+) credits to unlock (?P<unlocked_limit>\d+)",
        r"retry after (?P<retry_after_s>\d+) seconds",
        r"data policy \((?P<data_policy>[^)]+)\)",
        r"high demand for (?P<model>[\w./:-]+\w) on openrouter",
        r"(?P<model>[\w.-]+/[\w.:-]+\w) is temporarily rate-limited upstream",
        r"(?P<model>[\w.-]+/[\w.:-]+\w) requires moderation on (?P<provider>[^.]+)",
        r"(?P<model>[\w.-]+/[\w.:-]+\w) is not a valid model id",
        r"no endpoints found for (?P<model>[\w.-]+/[\w.:-]+\w)",
        r"all providers for (?P<model>[\w.-]+/[\w.:-]+\w) are at capacity",
        r"the :free variant of (?P<model>[\w.-]+/[\w.:-]+\w)",
    )
)


def facts_from_text(text: str) -> dict[str, object]:
    facts: dict[str, object] = {}
    for pattern in _FACT_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        for name, value in match.groupdict().items():
            if value is not None and name not in facts:
                facts[name] = int(value) if value.isdigit() else value.strip()
    return facts


def structured_facts(error, metadata, availability, code) -> dict[str, object]:
    facts: dict[str, object] = {}
    if isinstance(code, str) and not code.isdigit():
        facts["code"] = code
    for name, value in (
        ("limit_source", metadata.get("limit_source")),
        ("error_type", error.get("error_type") or metadata.get("error_type")),
        ("availability_code", availability.get("code")),
    ):
        if text_or_none(value):
            facts[name] = value
    for name, value in (
        ("reasons", metadata.get("reasons")),
        ("fallback_models", availability.get("fallback_models")),
    ):
        if isinstance(value, list) and value:
            facts[name] = tuple(str(item) for item in value)
    return facts
