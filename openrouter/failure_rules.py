"""The ordered rule table that picks the ``FailureKind`` of an OpenRouter error."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from openrouter.coerce import int_or_none
from openrouter.failure_types import FailureKind

_K = FailureKind


@dataclass(frozen=True)
class _Rule:
    """One classification row. Every condition given must hold, so a row with none matches all."""

    kind: FailureKind
    statuses: frozenset[int] = frozenset()  # empty: any status
    pattern: re.Pattern[str] | None = None  # searched in the message and metadata.raw
    limit_source: str | None = None
    error_type: str | None = None
    availability_code: str | None = None
    metadata_key: str | None = None  # a key that error.metadata must contain
    body_format: str | None = None  # "html" or "text" for bodies that are not JSON


def _row(kind: FailureKind, statuses=(), pattern: str | None = None, **conditions) -> _Rule:
    compiled = re.compile(pattern, re.IGNORECASE) if pattern else None
    return _Rule(kind, frozenset(statuses), compiled, **conditions)


_CLIENT_ERRORS = range(400, 500)

# First match wins. Structured fields come first, then message patterns, then one
# fallback per status. The non-JSON rows come after the 429 and 401 fallbacks, because
# those two statuses mean the same whatever the body. A 404 or 403 HTML page, though,
# usually comes from a wrong base URL or a proxy rather than from the API.
_RULES: tuple[_Rule, ...] = (
    _row(_K.CAPACITY, availability_code="capacity_exhausted"),
    _row(_K.FREE_VARIANT_ENDED, availability_code="free_variant_ended"),
    _row(_K.DAILY_QUOTA, limit_source="openrouter_free_tier_daily"),
    _row(_K.UPSTREAM_BUSY, limit_source="upstream_provider_shared_pool"),
    _row(_K.IN_FLIGHT_BUDGET, limit_source="openrouter_in_flight_budget"),
    _row(_K.DAILY_QUOTA, {429}, r"free-models-per-day"),
    _row(_K.MINUTE_LIMIT, {429}, r"free-models-per-min"),
    _row(_K.MODEL_DEMAND_LIMIT, {429}, r"limit_rpm/|high demand for"),
    _row(_K.UPSTREAM_BUSY, {429}, r"rate-limited upstream"),
    _row(_K.CAPACITY, {429, 503}, r"\bat capacity\b"),
    _row(_K.UPSTREAM_BUSY, {429}, r"provider returned error"),
    _row(_K.IN_FLIGHT_BUDGET, {402}, r"in-flight"),
    _row(_K.NO_CREDITS, {402}, r"never purchased credits"),
    _row(_K.MAX_TOKENS_UNAFFORDABLE, {402}, r"fewer max_tokens|can only afford"),
    _row(_K.KEY_SPENDING_LIMIT, {403}, r"key limit exceeded"),
    _row(_K.REGION, {403}, r"not available in your (region|country)|unsupported_country"
                           r"|country, region,? or territory"),
    _row(_K.MODERATION, {403}, metadata_key="reasons"),
    _row(_K.MODERATION, {403}, r"requires moderation|flagged for"),
    _row(_K.GUARDRAIL, {403}, r"guardrail|request blocked"),
    _row(_K.MISSING_KEY, {401}, r"no auth credentials|missing authentication|no api key"),
    _row(_K.DATA_POLICY, {404}, r"data policy|settings/privacy"),
    _row(_K.FREE_VARIANT_ENDED, {404}, r"unavailable for free|:free variant .*\bended"),
    _row(_K.FREE_MODEL_DEPRECATED, {404}, r"free model has been deprecated"),
    _row(_K.NO_TOOL_ENDPOINT, {404}, r"support tool use"),
    _row(_K.NO_IMAGE_ENDPOINT, {404}, r"support image input"),
    _row(_K.NO_PARAMETER_ENDPOINT, {404}, r"handle the requested parameters"),
    _row(_K.NO_ENDPOINTS, {404}, r"no endpoints found|no allowed providers"),
    _row(_K.ENDPOINT_NOT_FOUND, {404}, r"\A\s*not found\.?\s*\Z"),
    _row(_K.UNKNOWN_MODEL, {400, 404}, r"not a valid model id|model .*\bnot found"),
    _row(_K.CONTEXT_TOO_LONG, {400, 413},
         r"context length|context window|prompt is too long|too many tokens"),
    _row(_K.TOO_MANY_FALLBACKS, {400}, r"'models' array must have"),
    _row(_K.TOKEN_LIMIT_REACHED, {400}, r"token limit reached"),
    _row(_K.GATEWAY_TIMEOUT, range(500, 600), error_type="timeout"),
    _row(_K.RATE_LIMITED, {429}),
    _row(_K.INVALID_KEY, {401}),
    _row(_K.HTML_RESPONSE, body_format="html"),
    _row(_K.UNREADABLE_RESPONSE, body_format="text"),
    _row(_K.INSUFFICIENT_CREDITS, {402}),
    _row(_K.FORBIDDEN, {403}),
    _row(_K.NOT_FOUND, {404}),
    _row(_K.REQUEST_TIMEOUT, {408}),
    _row(_K.REQUEST_TOO_LARGE, {413}),
    _row(_K.INVALID_REQUEST, _CLIENT_ERRORS),
    _row(_K.PROVIDER_ERROR, {502}),
    _row(_K.SERVICE_UNAVAILABLE, {503}),
    _row(_K.GATEWAY_TIMEOUT, {504, 524}),
    _row(_K.OVERLOADED, {529}),
    _row(_K.SERVER_ERROR),
)

# Codes that some error objects send as strings instead of HTTP numbers.
_STRING_CODE_STATUS: Mapping[str, int] = {
    "invalid_request_error": 400, "context_length_exceeded": 400,
    "authentication_error": 401, "unauthorized": 401,
    "insufficient_credits": 402, "insufficient_quota": 402, "payment_required": 402,
    "permission_error": 403, "forbidden": 403,
    "not_found": 404, "not_found_error": 404,
    "rate_limit_exceeded": 429, "rate_limited": 429,
    "server_error": 500, "internal_error": 500, "internal_server_error": 500,
    "bad_gateway": 502, "service_unavailable": 503, "timeout": 504,
    "overloaded": 529, "overloaded_error": 529,
}


def classify(*, status, searchable, limit_source, error_type, availability_code,
             metadata_keys, body_format) -> FailureKind:
    """Return the kind of the first row in ``_RULES`` whose conditions all hold."""
    for rule in _RULES:
        if rule.statuses and status not in rule.statuses:
            continue
        if rule.pattern and not rule.pattern.search(searchable):
            continue
        if rule.limit_source and rule.limit_source != limit_source:
            continue
        if rule.error_type and rule.error_type != error_type:
            continue
        if rule.availability_code and rule.availability_code != availability_code:
            continue
        if rule.metadata_key and rule.metadata_key not in metadata_keys:
            continue
        if rule.body_format and rule.body_format != body_format:
            continue
        return rule.kind
    raise AssertionError("the last rule in _RULES matches everything")


def pick_match_status(http_status, code_status, code, declared_status) -> int | None:
    """Pick the status that classification uses: the HTTP error status, else the error's code."""
    if http_status and http_status >= 400:
        return http_status
    if code_status is not None:
        return code_status
    if isinstance(code, str) and code.lower() in _STRING_CODE_STATUS:
        return _STRING_CODE_STATUS[code.lower()]
    return int_or_none(declared_status) or http_status
