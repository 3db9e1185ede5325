"""One chat completion against OpenRouter, streamed or blocking, with every failure translated."""

from __future__ import annotations

import contextlib
from http.client import HTTPException
from collections.abc import Generator, Sequence

import requests
import urllib3
from dify_plugin.entities.model.llm import LLMResult, LLMResultChunk
from dify_plugin.entities.model.message import PromptMessage, PromptMessageTool
from dify_plugin.errors.model import InvokeError

from openrouter import http
from openrouter.chat_request import build_chat_payload
from openrouter.chat_response import ChatStream, ErrorEvent, UnreadableEvent, UsageFactory, blocking_result
from openrouter.failures import (
    failure_from_error_object,
    failure_from_response,
    failure_from_transport,
    stream_cut_failure,
    to_dify_error,
)
from openrouter.failure_context import with_known_facts
from openrouter.log import get_logger
from openrouter.pacing import send_paced, status_received
from openrouter.settings import Settings
from openrouter.stream_reader import payload_batches

logger = get_logger(__name__)

# Exceptions that reading a stream raises when the connection fails. requests wraps only some
# of urllib3's and http.client's errors, and a body read with read1 raises them unwrapped.
TRANSPORT_ERRORS = (requests.RequestException, urllib3.exceptions.HTTPError, HTTPException, OSError)


def _error_event_error(event: ErrorEvent, settings: Settings, model: str) -> Exception:
    failure = failure_from_error_object(event.error, model=model)
    error = to_dify_error(failure, settings.language)
    error.text_sent = event.text_sent
    return error


def _unreadable_error(event: UnreadableEvent, response: requests.Response, settings: Settings) -> Exception:
    failure = failure_from_response(200, response.headers, event.payload.encode("utf-8", "replace"))
    return to_dify_error(failure, settings.language)


def _log_answered_model(requested: str, answered: str | None) -> None:
    if answered and answered != requested and answered.split(":")[0] != requested.split(":")[0]:
        logger.info("Request for %s was served by fallback model %s", requested, answered)


def stream_completion(
    response: requests.Response, settings: Settings, model: str, usage_factory: UsageFactory
) -> Generator[LLMResultChunk, None, None]:
    """Yield Dify chunks from an open SSE response, ending with finish reason and usage."""
    stream = ChatStream(model, usage_factory)
    try:
        with contextlib.closing(payload_batches(response)) as batches:
            for batch in batches:
                try:
                    chunk, error_event = stream.take(batch)
                except UnreadableEvent as event:
                    raise _unreadable_error(event, response, settings) from None
                if chunk is not None:
                    yield chunk
                if error_event is not None:
                    raise _error_event_error(error_event, settings, model) from None
    except TRANSPORT_ERRORS as error:
        failure = failure_from_transport(error, endpoint_url=settings.endpoint_url)
        raised = to_dify_error(failure, settings.language)
        raised.text_sent = stream.text_sent
        raise raised from None
    if not stream.complete:
        raised = to_dify_error(stream_cut_failure(model), settings.language)
        raised.text_sent = stream.text_sent
        raise raised
    _log_answered_model(model, stream.answered_model)
    yield stream.final_chunk()


def blocking_completion(
    response: requests.Response, settings: Settings, model: str, usage_factory: UsageFactory
) -> LLMResult:
    """Read a whole non-streamed response into an LLMResult."""
    body = http.read_body(response, settings)
    try:
        result, answered = blocking_result(body, model, usage_factory)
    except UnreadableEvent as event:
        raise _unreadable_error(event, response, settings) from None
    except ErrorEvent as event:
        raise _error_event_error(event, settings, model) from None
    _log_answered_model(model, answered)
    return result


def complete(
    settings: Settings,
    model: str,
    prompt_messages: Sequence[PromptMessage],
    parameters: dict,
    tools: Sequence[PromptMessageTool] | None,
    stop: Sequence[str] | None,
    stream: bool,
    user: str | None,
    usage_factory: UsageFactory,
    fallback_models: Sequence[str] = (),
) -> LLMResult | Generator[LLMResultChunk, None, None]:
    """Send one chat completion within the free-tier limits.

    Returns the result, or, when streaming, a generator of chunks. A stream is read up to its
    first chunk before this returns, so a limit reported inside the stream before any text
    is retried like one reported by the HTTP status.
    """
    payload = build_chat_payload(model, prompt_messages, parameters, tools, stop, stream, user, fallback_models)
    if fallback_models:
        logger.info("Sending %s with fallback models %s", model, ", ".join(fallback_models))

    def post() -> requests.Response:
        try:
            response = http.post_json(settings, "/chat/completions", payload, model=model)
        except InvokeError as error:
            raise with_known_facts(error, settings, model) from None
        status_received()
        return response

    def send_blocking() -> LLMResult:
        return blocking_completion(post(), settings, model, usage_factory)

    def open_stream() -> tuple[LLMResultChunk, Generator[LLMResultChunk, None, None]]:
        chunks = stream_completion(post(), settings, model, usage_factory)
        return next(chunks), chunks

    if not stream:
        return send_paced(model, settings, send_blocking)
    first, rest = send_paced(model, settings, open_stream)
    return _chain(first, rest)


def _chain(first: LLMResultChunk, rest: Generator[LLMResultChunk, None, None]) -> Generator[LLMResultChunk, None, None]:
    yield first
    yield from rest
