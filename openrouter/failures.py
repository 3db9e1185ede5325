"""Translate OpenRouter error responses and transport failures into typed Dify errors.

The translation is pure: no I/O, no logging, and the clock is read only when the caller
passes no ``now_ms``. Classification is the ordered rule table in ``failure_rules`` (first
match wins), the wording lives in ``failure_text``, and ``to_dify_error`` joins the two.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from types import MappingProxyType

from dify_plugin.errors.model import CredentialsValidateFailedError

from openrouter.coerce import int_or_none, text_or_none
from openrouter.failure_facts import facts_from_text, structured_facts
from openrouter.failure_render import render_failure
from openrouter.failure_rules import classify, pick_match_status
from openrouter.failure_types import Failure, FailureKind
from openrouter.rate_limit_facts import rate_limit_facts, resolve_reset_at_ms
from openrouter.safe_text import compose_detail, readable_text, safe_url, scrub_value
from openrouter.transport_failures import classify_transport_error

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

_K = FailureKind


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
        model=model or text_or_none(document.get("model")),
        now_ms=now_ms,
        provider=text_or_none(document.get("provider")),
        user_id=text_or_none(document.get("user_id")),
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

    message = text_or_none(error.get("message")) or ""
    raw_text = readable_text(metadata.get("raw")) or ""
    raw_json = metadata.get("raw") if isinstance(metadata.get("raw"), str) else ""
    searchable = "\n".join(part for part in (message, raw_text, raw_json) if part)

    code = error.get("code")
    code_status = int_or_none(code) if not isinstance(code, bool) else None
    match_status = pick_match_status(status, code_status, code, error.get("http_status"))
    reported_status = status if status and status >= 400 else code_status

    kind = classify(
        status=match_status,
        searchable=searchable,
        limit_source=text_or_none(metadata.get("limit_source")),
        error_type=text_or_none(error.get("error_type") or metadata.get("error_type")),
        availability_code=text_or_none(availability.get("code")),
        metadata_keys=frozenset(metadata),
        body_format=body_format,
    )

    facts = facts_from_text(searchable)
    facts.update(structured_facts(error, metadata, availability, code))
    model_in_text = text_or_none(facts.pop("model", None))
    provider_in_text = text_or_none(facts.pop("provider", None))
    model = model or model_in_text or _first(availability.get("requested_models"))
    provider = text_or_none(metadata.get("provider_name")) or provider_in_text or provider
    if kind is _K.FREE_VARIANT_ENDED and "paid_slug" not in facts:
        facts["paid_slug"] = _first(availability.get("fallback_models"))

    rate = rate_limit_facts(headers, metadata, availability, facts, now_ms)
    if kind is _K.DAILY_QUOTA and rate["limit"] == 50:
        facts.setdefault("credits_to_unlock", 10)
        facts.setdefault("unlocked_limit", 1000)
    elif kind is not _K.DAILY_QUOTA:
        facts.pop("credits_to_unlock", None)
        facts.pop("unlocked_limit", None)

    secrets = (user_id,) if user_id else ()
    detail = compose_detail(message, raw_text, secrets) if body_format == "json" else None
    return Failure(
        kind=kind,
        status=reported_status,
        detail=detail,
        limit=rate["limit"],
        remaining=rate["remaining"],
        reset_at_ms=resolve_reset_at_ms(kind, rate["reset_at_ms"], rate["retry_after_s"], now_ms),
        retry_after_s=rate["retry_after_s"],
        provider=scrub_value(provider, secrets),
        model=scrub_value(model, secrets),
        facts=MappingProxyType({name: scrub_value(value, secrets)
                                for name, value in facts.items() if value is not None}),
    )


def failure_from_transport(exc: BaseException, *, endpoint_url: str) -> Failure:
    """Classify an exception raised by requests or urllib3 before a full response arrived."""
    kind = classify_transport_error(exc)
    return Failure(kind=kind, facts=MappingProxyType({"endpoint_url": safe_url(endpoint_url)}))


def stream_cut_failure(model: str | None) -> Failure:
    """Describe a stream that ended without any chunk carrying a finish reason."""
    return Failure(kind=_K.STREAM_CUT, model=model)


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


def _first(values) -> str | None:
    return str(values[0]) if isinstance(values, list) and values else None
