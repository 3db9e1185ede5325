"""Translate OpenRouter error responses and transport failures into typed Dify errors.

The translation is pure: no I/O, no logging, and the clock is read only when the caller
passes no ``now_ms``. Classification is the ordered rule table ``_RULES`` (first match
wins), the wording lives in ``failure_text``, and ``to_dify_error`` joins the two.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import ssl
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from enum import StrEnum
from types import MappingProxyType
from urllib.parse import urlsplit, urlunsplit

# dify_plugin patches ssl and socket with gevent when imported, so it must load before
# requests and urllib3 import ssl.
from dify_plugin.errors.model import (
    CredentialsValidateFailedError,
    InvokeAuthorizationError,
    InvokeBadRequestError,
    InvokeConnectionError,
    InvokeRateLimitError,
    InvokeServerUnavailableError,
)

import requests
import urllib3.exceptions

from openrouter.failure_text import render_failure

__all__ = [
    "Failure",
    "FailureKind",
    "failure_from_error_object",
    "failure_from_response",
    "failure_from_transport",
    "render_failure",
    "stream_cut_failure",
    "to_dify_error",
]

_DAY_MS = 86_400_000
_MINUTE_MS = 60_000
_MAX_DETAIL_CHARS = 300


class FailureKind(StrEnum):
    # 429, and 503 at capacity
    DAILY_QUOTA = "daily_quota"
    MINUTE_LIMIT = "minute_limit"
    MODEL_DEMAND_LIMIT = "model_demand_limit"
    UPSTREAM_BUSY = "upstream_busy"
    CAPACITY = "capacity"
    RATE_LIMITED = "rate_limited"
    # 402
    NO_CREDITS = "no_credits"
    INSUFFICIENT_CREDITS = "insufficient_credits"
    MAX_TOKENS_UNAFFORDABLE = "max_tokens_unaffordable"
    IN_FLIGHT_BUDGET = "in_flight_budget"
    # 403
    KEY_SPENDING_LIMIT = "key_spending_limit"
    MODERATION = "moderation"
    GUARDRAIL = "guardrail"
    REGION = "region"
    FORBIDDEN = "forbidden"
    # 401
    INVALID_KEY = "invalid_key"
    MISSING_KEY = "missing_key"
    # 404
    DATA_POLICY = "data_policy"
    FREE_VARIANT_ENDED = "free_variant_ended"
    FREE_MODEL_DEPRECATED = "free_model_deprecated"
    NO_TOOL_ENDPOINT = "no_tool_endpoint"
    NO_IMAGE_ENDPOINT = "no_image_endpoint"
    NO_PARAMETER_ENDPOINT = "no_parameter_endpoint"
    NO_ENDPOINTS = "no_endpoints"
    ENDPOINT_NOT_FOUND = "endpoint_not_found"
    NOT_FOUND = "not_found"
    # 400 and 413
    UNKNOWN_MODEL = "unknown_model"
    CONTEXT_TOO_LONG = "context_too_long"
    TOO_MANY_FALLBACKS = "too_many_fallbacks"
    TOKEN_LIMIT_REACHED = "token_limit_reached"
    INVALID_REQUEST = "invalid_request"
    REQUEST_TOO_LARGE = "request_too_large"
    # 408, 5xx and bodies that are not JSON
    REQUEST_TIMEOUT = "request_timeout"
    SERVER_ERROR = "server_error"
    PROVIDER_ERROR = "provider_error"
    SERVICE_UNAVAILABLE = "service_unavailable"
    GATEWAY_TIMEOUT = "gateway_timeout"
    OVERLOADED = "overloaded"
    HTML_RESPONSE = "html_response"
    UNREADABLE_RESPONSE = "unreadable_response"
    # transport, before or during the HTTP exchange
    CONNECTION_REFUSED = "connection_refused"
    DNS_FAILURE = "dns_failure"
    TLS_FAILURE = "tls_failure"
    PROXY_FAILURE = "proxy_failure"
    CONNECT_TIMEOUT = "connect_timeout"
    READ_TIMEOUT = "read_timeout"
    CONNECTION_RESET = "connection_reset"
    CONNECTION_FAILED = "connection_failed"
    INVALID_BASE_URL = "invalid_base_url"
    STREAM_CUT = "stream_cut"


_K = FailureKind

_DIFY_ERROR_TYPES: Mapping[FailureKind, type[Exception]] = {
    # Dify's load balancing cools a key down on a rate-limit error, so account quota
    # and credit problems are reported as rate limits too.
    **dict.fromkeys(
        (
            _K.DAILY_QUOTA, _K.MINUTE_LIMIT, _K.MODEL_DEMAND_LIMIT, _K.UPSTREAM_BUSY,
            _K.CAPACITY, _K.RATE_LIMITED, _K.NO_CREDITS, _K.INSUFFICIENT_CREDITS,
            _K.MAX_TOKENS_UNAFFORDABLE, _K.IN_FLIGHT_BUDGET, _K.KEY_SPENDING_LIMIT,
        ),
        InvokeRateLimitError,
    ),
    **dict.fromkeys((_K.INVALID_KEY, _K.MISSING_KEY), InvokeAuthorizationError),
    **dict.fromkeys(
        (
            _K.MODERATION, _K.GUARDRAIL, _K.REGION, _K.FORBIDDEN, _K.DATA_POLICY,
            _K.FREE_VARIANT_ENDED, _K.FREE_MODEL_DEPRECATED, _K.NO_TOOL_ENDPOINT,
            _K.NO_IMAGE_ENDPOINT, _K.NO_PARAMETER_ENDPOINT, _K.NO_ENDPOINTS,
            _K.ENDPOINT_NOT_FOUND, _K.NOT_FOUND, _K.UNKNOWN_MODEL, _K.CONTEXT_TOO_LONG,
            _K.TOO_MANY_FALLBACKS, _K.TOKEN_LIMIT_REACHED, _K.INVALID_REQUEST,
            _K.REQUEST_TOO_LARGE,
        ),
        InvokeBadRequestError,
    ),
    **dict.fromkeys(
        (
            _K.REQUEST_TIMEOUT, _K.SERVER_ERROR, _K.PROVIDER_ERROR, _K.SERVICE_UNAVAILABLE,
            _K.GATEWAY_TIMEOUT, _K.OVERLOADED, _K.HTML_RESPONSE, _K.UNREADABLE_RESPONSE,
        ),
        InvokeServerUnavailableError,
    ),
    **dict.fromkeys(
        (
            _K.CONNECTION_REFUSED, _K.DNS_FAILURE, _K.TLS_FAILURE, _K.PROXY_FAILURE,
            _K.CONNECT_TIMEOUT, _K.READ_TIMEOUT, _K.CONNECTION_RESET, _K.CONNECTION_FAILED,
            _K.INVALID_BASE_URL, _K.STREAM_CUT,
        ),
        InvokeConnectionError,
    ),
}

# Retrying the same request can succeed for these. IN_FLIGHT_BUDGET is a 402, but
# OpenRouter sends Retry-After with it and clears it once running requests settle.
_RETRYABLE_KINDS = frozenset(
    {_K.MINUTE_LIMIT, _K.MODEL_DEMAND_LIMIT, _K.UPSTREAM_BUSY, _K.CAPACITY, _K.RATE_LIMITED,
     _K.IN_FLIGHT_BUDGET}
    | {kind for kind, error_type in _DIFY_ERROR_TYPES.items()
       if error_type in (InvokeServerUnavailableError, InvokeConnectionError)}
) - {_K.INVALID_BASE_URL}

_PER_MINUTE_KINDS = frozenset({_K.MINUTE_LIMIT, _K.MODEL_DEMAND_LIMIT})


@dataclass(frozen=True)
class Failure:
    """One failed OpenRouter exchange, classified and stripped of secrets."""

    kind: FailureKind
    status: int | None = None  # HTTP status, or the error object's numeric code
    detail: str | None = None  # OpenRouter's own sentence, scrubbed and shortened
    limit: int | None = None  # requests allowed in the window (X-RateLimit-Limit)
    remaining: int | None = None
    reset_at_ms: int | None = None  # epoch milliseconds
    retry_after_s: float | None = None
    provider: str | None = None
    model: str | None = None
    facts: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def retryable(self) -> bool:
        return self.kind in _RETRYABLE_KINDS

    @property
    def dify_error_type(self) -> type[Exception]:
        return _DIFY_ERROR_TYPES[self.kind]


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


def failure_from_response(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    model: str | None = None,
    now_ms: int | None = None,
) -> Failure:
    """Classify a non-2xx HTTP response, or a 2xx whose JSON body carries an ``error``."""
    text = body.decode("utf-8", errors="replace").strip()
    try:
        document = json.loads(text) if text else None
    except ValueError:
        document = None

    if isinstance(document, Mapping):
        return _failure_from_document(
            document, status=status, headers=headers, model=model, now_ms=now_ms
        )

    if not text:
        body_format = "empty"
    elif text.startswith("<") or "<html" in text[:2000].lower():
        body_format = "html"
    else:
        body_format = "text"
    return _build_failure({}, status=status, headers=headers, model=model, now_ms=now_ms,
                          body_format=body_format)


def failure_from_error_object(
    error: Mapping,
    *,
    status: int | None = None,
    headers: Mapping[str, str] | None = None,
    model: str | None = None,
    now_ms: int | None = None,
) -> Failure:
    """Classify an ``error`` object found in a 200 JSON body or an SSE chunk.

    ``error`` may also be the whole chunk; its ``provider`` and ``model`` then fill gaps.
    ``status`` is the HTTP status of the surrounding response, usually 200.
    """
    if isinstance(error.get("error"), Mapping | str):
        return _failure_from_document(
            error, status=status, headers=headers or {}, model=model, now_ms=now_ms
        )
    return _build_failure(error, status=status, headers=headers or {}, model=model,
                          now_ms=now_ms)


def _failure_from_document(document: Mapping, *, status, headers, model, now_ms) -> Failure:
    error = document.get("error")
    if isinstance(error, str):
        error = {"message": error}
    elif not isinstance(error, Mapping):
        # Some proxies return {"message": ...} with no "error" wrapper.
        error = document
    return _build_failure(
        error,
        status=status,
        headers=headers,
        model=model or _text_or_none(document.get("model")),
        now_ms=now_ms,
        provider=_text_or_none(document.get("provider")),
        user_id=_text_or_none(document.get("user_id")),
    )


def _build_failure(
    error: Mapping,
    *,
    status: int | None,
    headers: Mapping[str, str],
    model: str | None,
    now_ms: int | None,
    body_format: str = "json",
    provider: str | None = None,
    user_id: str | None = None,
) -> Failure:
    now_ms = _now_ms() if now_ms is None else now_ms
    metadata = error.get("metadata") if isinstance(error.get("metadata"), Mapping) else {}
    availability = error.get("availability")
    availability = availability if isinstance(availability, Mapping) else {}

    message = _text_or_none(error.get("message")) or ""
    raw_text = _readable_text(metadata.get("raw")) or ""
    raw_json = metadata.get("raw") if isinstance(metadata.get("raw"), str) else ""
    searchable = "\n".join(part for part in (message, raw_text, raw_json) if part)

    code = error.get("code")
    code_status = _int_or_none(code) if not isinstance(code, bool) else None
    match_status = _match_status(status, code_status, code, error.get("http_status"))
    reported_status = status if status and status >= 400 else code_status

    kind = _classify(
        status=match_status,
        searchable=searchable,
        limit_source=_text_or_none(metadata.get("limit_source")),
        error_type=_text_or_none(error.get("error_type") or metadata.get("error_type")),
        availability_code=_text_or_none(availability.get("code")),
        metadata_keys=frozenset(metadata),
        body_format=body_format,
    )

    facts = _facts_from_text(searchable)
    facts.update(_structured_facts(error, metadata, availability, code))
    model_in_text = _text_or_none(facts.pop("model", None))
    provider_in_text = _text_or_none(facts.pop("provider", None))
    model = model or model_in_text or _first(availability.get("requested_models"))
    provider = _text_or_none(metadata.get("provider_name")) or provider_in_text or provider
    if kind is _K.FREE_VARIANT_ENDED and "paid_slug" not in facts:
        facts["paid_slug"] = _first(availability.get("fallback_models"))

    rate = _rate_limit_facts(headers, metadata, availability, facts, now_ms)
    if kind is _K.DAILY_QUOTA and rate["limit"] == 50:
        facts.setdefault("credits_to_unlock", 10)
        facts.setdefault("unlocked_limit", 1000)
    elif kind is not _K.DAILY_QUOTA:
        facts.pop("credits_to_unlock", None)
        facts.pop("unlocked_limit", None)

    secrets = (user_id,) if user_id else ()
    detail = _compose_detail(message, raw_text, secrets) if body_format == "json" else None
    return Failure(
        kind=kind,
        status=reported_status,
        detail=detail,
        limit=rate["limit"],
        remaining=rate["remaining"],
        reset_at_ms=_reset_at_ms(kind, rate["reset_at_ms"], rate["retry_after_s"], now_ms),
        retry_after_s=rate["retry_after_s"],
        provider=_scrub_value(provider, secrets),
        model=_scrub_value(model, secrets),
        facts=MappingProxyType({name: _scrub_value(value, secrets)
                                for name, value in facts.items() if value is not None}),
    )


def _classify(*, status, searchable, limit_source, error_type, availability_code,
              metadata_keys, body_format) -> FailureKind:
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


def _match_status(http_status, code_status, code, declared_status) -> int | None:
    """Pick the status that classification uses: the HTTP error status, else the error's code."""
    if http_status and http_status >= 400:
        return http_status
    if code_status is not None:
        return code_status
    if isinstance(code, str) and code.lower() in _STRING_CODE_STATUS:
        return _STRING_CODE_STATUS[code.lower()]
    return _int_or_none(declared_status) or http_status


def _facts_from_text(text: str) -> dict[str, object]:
    facts: dict[str, object] = {}
    for pattern in _FACT_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        for name, value in match.groupdict().items():
            if value is not None and name not in facts:
                facts[name] = int(value) if value.isdigit() else value.strip()
    return facts


def _structured_facts(error, metadata, availability, code) -> dict[str, object]:
    facts: dict[str, object] = {}
    if isinstance(code, str) and not code.isdigit():
        facts["code"] = code
    for name, value in (
        ("limit_source", metadata.get("limit_source")),
        ("error_type", error.get("error_type") or metadata.get("error_type")),
        ("availability_code", availability.get("code")),
    ):
        if _text_or_none(value):
            facts[name] = value
    for name, value in (
        ("reasons", metadata.get("reasons")),
        ("fallback_models", availability.get("fallback_models")),
    ):
        if isinstance(value, list) and value:
            facts[name] = tuple(str(item) for item in value)
    return facts


def _rate_limit_facts(headers, metadata, availability, facts, now_ms) -> dict[str, object]:
    """Read limit, remaining, reset and retry hints: HTTP headers first, then metadata."""
    http_headers = _lower_keys(headers)
    meta_headers = _lower_keys(metadata.get("headers") or {})

    def header(name: str):
        value = http_headers.get(name)
        return value if value not in (None, "") else meta_headers.get(name)

    retry_after_s = _retry_after_seconds(header("retry-after"), now_ms)
    for fallback in (metadata.get("retry_after_seconds"), availability.get("retry_after"),
                     facts.pop("retry_after_s", None)):
        if retry_after_s is None:
            retry_after_s = _float_or_none(fallback)

    return {
        "limit": _int_or_none(header("x-ratelimit-limit")) or _int_or_none(facts.get("limit_rpm")),
        "remaining": _int_or_none(header("x-ratelimit-remaining")),
        "reset_at_ms": _epoch_ms(header("x-ratelimit-reset")),
        "retry_after_s": retry_after_s,
    }


def _reset_at_ms(kind, header_reset_ms, retry_after_s, now_ms) -> int | None:
    if header_reset_ms is not None:
        return header_reset_ms
    if kind is _K.DAILY_QUOTA:
        # The free-model day starts at 00:00 UTC.
        return (now_ms // _DAY_MS + 1) * _DAY_MS
    if kind in _PER_MINUTE_KINDS:
        wait_ms = int(retry_after_s * 1000) if retry_after_s is not None else _MINUTE_MS
        return now_ms + wait_ms
    return None


def _epoch_ms(value) -> int | None:
    """Parse X-RateLimit-Reset: epoch milliseconds, or epoch seconds below 10**12."""
    number = _float_or_none(value)
    if number is None or number <= 0:
        return None
    return int(number if number >= 1e12 else number * 1000)


def _retry_after_seconds(value, now_ms: int) -> float | None:
    """Parse Retry-After given as seconds or as an HTTP date."""
    seconds = _float_or_none(value)
    if seconds is not None:
        return max(seconds, 0.0)
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(moment.timestamp() - now_ms / 1000, 0.0)


def _compose_detail(message: str, raw_text: str, secrets: tuple[str, ...]) -> str | None:
    """Build the detail line from the message and the provider's raw error, minus secrets."""
    message = message.strip()
    if raw_text and raw_text not in message:
        text = f"{message.rstrip('.')}: {raw_text}" if message else raw_text
    else:
        text = message
    text = _scrub_secrets(" ".join(text.split()), secrets)
    if not text or _looks_like_markup(text):
        return None
    if len(text) > _MAX_DETAIL_CHARS:
        text = text[:_MAX_DETAIL_CHARS].rsplit(" ", 1)[0] + " …"
    return text


def _readable_text(raw, depth: int = 0) -> str | None:
    """Extract a sentence from metadata.raw, which may be text, JSON text or an object."""
    if depth > 3 or raw is None:
        return None
    if isinstance(raw, Mapping):
        for key in ("message", "error", "detail", "data"):
            found = _readable_text(raw.get(key), depth + 1)
            if found:
                return found
        return None
    if not isinstance(raw, str) or not raw.strip():
        return None
    stripped = raw.strip()
    if stripped[0] in "{[":
        try:
            return _readable_text(json.loads(stripped), depth + 1)
        except ValueError:
            return None  # truncated JSON would show braces to the user
    return None if _looks_like_markup(stripped) else stripped


# Secrets that may appear in OpenRouter's sentences or in a base URL.
_SECRET_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bsk-[A-Za-z0-9][A-Za-z0-9_-]{6,}"), "[redacted key]"),
    (re.compile(r"\b(Bearer)\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE), r"\1 [redacted]"),
    (re.compile(r"/keys/[0-9a-fA-F]{8,}"), "/keys/[redacted]"),
    (re.compile(r"\b(?:user|org)_[A-Za-z0-9]{6,}\b"), "[redacted id]"),
    (re.compile(r"([?&](?:key|api_key|token)=)[^&\s]+", re.IGNORECASE), r"\1[redacted]"),
)


def _scrub_secrets(text: str, secrets: tuple[str, ...]) -> str:
    """Replace API keys, bearer tokens, key hashes and user ids in text."""
    for secret in secrets:
        text = text.replace(secret, "[redacted id]")
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _scrub_value(value, secrets: tuple[str, ...]):
    if isinstance(value, str):
        return _scrub_secrets(value, secrets)
    if isinstance(value, tuple):
        return tuple(_scrub_secrets(str(item), secrets) for item in value)
    return value


def _looks_like_markup(text: str) -> bool:
    lowered = text.lower()
    return "<html" in lowered or "<!doctype" in lowered or "</" in lowered


def failure_from_transport(exc: BaseException, *, endpoint_url: str) -> Failure:
    """Classify an exception raised by requests or urllib3 before a full response arrived."""
    chain = tuple(_exception_chain(exc))
    kind = next(
        (kind for kind, types in _TRANSPORT_RULES
         if any(isinstance(linked, types) for linked in chain)),
        _K.CONNECTION_FAILED,
    )
    return Failure(kind=kind, facts=MappingProxyType({"endpoint_url": _safe_url(endpoint_url)}))


def stream_cut_failure(model: str | None) -> Failure:
    """Describe a stream that ended without any chunk carrying a finish reason."""
    return Failure(kind=_K.STREAM_CUT, model=model)


# Checked in order against every exception in the cause chain. urllib3 2.x derives
# NewConnectionError (refused, DNS) from ConnectTimeoutError, so only requests'
# ConnectTimeout, which excludes those, marks a real connect timeout.
_TRANSPORT_RULES: tuple[tuple[FailureKind, tuple[type[BaseException], ...]], ...] = (
    (_K.INVALID_BASE_URL, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                           requests.exceptions.InvalidSchema,
                           urllib3.exceptions.LocationParseError)),
    (_K.PROXY_FAILURE, (requests.exceptions.ProxyError, urllib3.exceptions.ProxyError)),
    (_K.TLS_FAILURE, (requests.exceptions.SSLError, urllib3.exceptions.SSLError, ssl.SSLError)),
    (_K.DNS_FAILURE, (urllib3.exceptions.NameResolutionError, socket.gaierror)),
    (_K.CONNECTION_REFUSED, (ConnectionRefusedError,)),
    (_K.CONNECT_TIMEOUT, (requests.exceptions.ConnectTimeout,)),
    (_K.READ_TIMEOUT, (requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError,
                       TimeoutError)),
    (_K.CONNECTION_RESET, (ConnectionResetError, BrokenPipeError,
                           requests.exceptions.ChunkedEncodingError,
                           urllib3.exceptions.ProtocolError, http.client.IncompleteRead,
                           http.client.RemoteDisconnected)),
)


def _exception_chain(exc: BaseException) -> Iterator[BaseException]:
    """Yield exc and the exceptions it wraps: causes, contexts, ``reason`` and args."""
    queue, seen = [exc], set()
    while queue and len(seen) < 32:
        current = queue.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = (current.__cause__, current.__context__, getattr(current, "reason", None),
                  *current.args)
        queue.extend(item for item in linked if isinstance(item, BaseException))


def _safe_url(url: str) -> str:
    """Return url without user info, query or fragment, and with secrets scrubbed."""
    try:
        parts = urlsplit(url.strip())
        netloc = parts.netloc.rsplit("@", 1)[-1]
        cleaned = urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    except ValueError:
        cleaned = url.split("?", 1)[0]
    return _scrub_secrets(cleaned, ()) or "(empty URL)"


def to_dify_error(
    failure: Failure,
    language: str,
    *,
    validating: bool = False,
    now_ms: int | None = None,
) -> Exception:
    """Build the exact Dify SDK error for failure, with the rendered text and ``.failure``.

    Dify maps errors by class name, so the instance is of the SDK class itself.
    """
    text = render_failure(failure, language, now_ms=now_ms)
    error_type = CredentialsValidateFailedError if validating else failure.dify_error_type
    error = error_type(text)
    error.description = text
    error.failure = failure
    return error


def _now_ms() -> int:
    return int(time.time() * 1000)


def _lower_keys(headers) -> dict[str, object]:
    if not isinstance(headers, Mapping):
        return {}
    return {str(name).lower(): value for name, value in headers.items()}


def _text_or_none(value) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _int_or_none(value) -> int | None:
    number = _float_or_none(value)
    return int(number) if number is not None else None


def _float_or_none(value) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _first(values) -> str | None:
    return str(values[0]) if isinstance(values, list) and values else None
