"""FailureKind, the ``Failure`` record, and the Dify error class that each kind maps to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from dify_plugin.errors.model import (
    InvokeAuthorizationError,
    InvokeBadRequestError,
    InvokeConnectionError,
    InvokeRateLimitError,
    InvokeServerUnavailableError,
)


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

