"""Rate-limit facts of a failure: limit, remaining, reset time and Retry-After."""

from __future__ import annotations

from collections.abc import Mapping
from email.utils import parsedate_to_datetime

from openrouter.coerce import float_or_none, int_or_none
from openrouter.failure_types import FailureKind

_K = FailureKind

_DAY_MS = 86_400_000
_MINUTE_MS = 60_000

_PER_MINUTE_KINDS = frozenset({_K.MINUTE_LIMIT, _K.MODEL_DEMAND_LIMIT})


def rate_limit_facts(headers, metadata, availability, facts, now_ms) -> dict[str, object]:
    """Read limit, remaining, reset and retry hints: HTTP headers first, then metadata.

    Pops ``retry_after_s`` from facts, because the returned ``retry_after_s`` replaces it.
    """
    http_headers = _lower_keys(headers)
    meta_headers = _lower_keys(metadata.get("headers") or {})

    def header(name: str):
        value = http_headers.get(name)
        return value if value not in (None, "") else meta_headers.get(name)

    retry_after_s = _retry_after_seconds(header("retry-after"), now_ms)
    for fallback in (metadata.get("retry_after_seconds"), availability.get("retry_after"),
                     facts.pop("retry_after_s", None)):
        if retry_after_s is None:
            retry_after_s = float_or_none(fallback)

    return {
        "limit": int_or_none(header("x-ratelimit-limit")) or int_or_none(facts.get("limit_rpm")),
        "remaining": int_or_none(header("x-ratelimit-remaining")),
        "reset_at_ms": _epoch_ms(header("x-ratelimit-reset")),
        "retry_after_s": retry_after_s,
    }


def resolve_reset_at_ms(kind, header_reset_ms, retry_after_s, now_ms) -> int | None:
    """Return the header's reset time, else an estimate for the daily and per-minute kinds."""
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
    number = float_or_none(value)
    if number is None or number <= 0:
        return None
    return int(number if number >= 1e12 else number * 1000)


def _retry_after_seconds(value, now_ms: int) -> float | None:
    """Parse Retry-After given as seconds or as an HTTP date."""
    seconds = float_or_none(value)
    if seconds is not None:
        return max(seconds, 0.0)
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(moment.timestamp() - now_ms / 1000, 0.0)


def _lower_keys(headers) -> dict[str, object]:
    if not isinstance(headers, Mapping):
        return {}
    return {str(name).lower(): value for name, value in headers.items()}
