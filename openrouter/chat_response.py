"""Turn OpenRouter chat responses (SSE events or one JSON body) into Dify LLM results.

Reasoning text (`reasoning` in a delta or message) is shown the way Dify renders model
thoughts: wrapped in `<think>` and `</think>` ahead of the reply content. Tool-call fragments are
assembled by their index and handed to Dify complete, in the final chunk.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from dify_plugin.entities.model.llm import LLMResult, LLMResultChunk, LLMResultChunkDelta, LLMUsage
from dify_plugin.entities.model.message import AssistantPromptMessage

from openrouter.sse import DONE
from openrouter.tokens import estimate_text_tokens

THINK_OPEN = "<think>\n"
THINK_CLOSE = "\n</think>\n\n"

UsageFactory = Callable[[int, int], LLMUsage]


class ErrorEvent(Exception):
    """An `error` object inside a 200 stream or body; `text_sent` records whether text preceded it."""

    def __init__(self, error: dict, text_sent: bool) -> None:
        super().__init__(str(error.get("message", "")))
        self.error = error
        self.text_sent = text_sent


class UnreadableEvent(Exception):
    """A stream event or body that is not JSON."""

    def __init__(self, payload: str) -> None:
        super().__init__("unreadable event")
        self.payload = payload


def _error_object(document: dict) -> dict | None:
    """Return the `error` of a body or event as an object; a bare string becomes its message."""
    error = document.get("error")
    if isinstance(error, dict):
        return error
    if isinstance(error, str) and error.strip():
        return {"message": error}
    return None


@dataclass
class _ToolCallParts:
    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)


def _tool_calls(parts: dict[int, _ToolCallParts]) -> list[AssistantPromptMessage.ToolCall]:
    calls = []
    for index in sorted(parts):
        part = parts[index]
        calls.append(
            AssistantPromptMessage.ToolCall(
                id=part.id or f"call_{index}",
                type="function",
                function=AssistantPromptMessage.ToolCall.ToolCallFunction(
                    name=part.name, arguments="".join(part.arguments) or "{}"
                ),
            )
        )
    return calls


class ChatStream:
    """Accumulate one streamed completion; `take` turns a batch of SSE payloads into one Dify chunk."""

    def __init__(self, model: str, usage_factory: UsageFactory) -> None:
        self.model = model
        self.answered_model: str | None = None
        self.finish_reason: str | None = None
        self.done = False
        self.text_sent = False
        self._usage_factory = usage_factory
        self._in_reasoning = False
        self._tool_parts: dict[int, _ToolCallParts] = {}
        self._usage: dict | None = None
        self._chunk_index = 0
        # The text handed to Dify, for an estimate when the stream carries no usage.
        self._sent_text: list[str] = []

    def take(self, payloads: list[str]) -> tuple[LLMResultChunk | None, ErrorEvent | None]:
        """Return one chunk with all the text of `payloads` (None if they carry none).

        An `error` event ends the batch: the text before it still comes back in the chunk, so
        the caller can hand it to Dify before raising the returned error.
        """
        pieces: list[str] = []
        error: ErrorEvent | None = None
        for payload in payloads:
            if payload == DONE:
                self.done = True
                continue
            try:
                event = json.loads(payload)
            except ValueError:
                raise UnreadableEvent(payload) from None
            if not isinstance(event, dict):
                raise UnreadableEvent(payload)
            error_object = _error_object(event)
            if error_object is not None:
                error = ErrorEvent(error_object, self.text_sent or bool(pieces))
                break
            self._take_event(event, pieces)
        return self._chunk(pieces), error

    def _take_event(self, event: dict, pieces: list[str]) -> None:
        if event.get("model"):
            self.answered_model = event["model"]
        if isinstance(event.get("usage"), dict):
            self._usage = event["usage"]
        for choice in event.get("choices") or ():
            if not isinstance(choice, dict):
                continue
            delta = choice.get("delta") or {}
            self._take_delta(delta, pieces)
            if choice.get("finish_reason"):
                self.finish_reason = choice["finish_reason"]

    def _take_delta(self, delta: dict, pieces: list[str]) -> None:
        reasoning = delta.get("reasoning")
        content = delta.get("content")
        if reasoning:
            if not self._in_reasoning:
                pieces.append(THINK_OPEN)
                self._in_reasoning = True
            pieces.append(reasoning)
        if (content or delta.get("tool_calls")) and self._in_reasoning:
            pieces.append(THINK_CLOSE)
            self._in_reasoning = False
        if content:
            pieces.append(content)
        for call in delta.get("tool_calls") or ():
            if not isinstance(call, dict):
                continue
            index = call.get("index")
            if not isinstance(index, int):
                index = len(self._tool_parts)
            parts = self._tool_parts.setdefault(index, _ToolCallParts())
            if call.get("id"):
                parts.id = call["id"]
            function = call.get("function") or {}
            if function.get("name"):
                parts.name = function["name"]
            if function.get("arguments"):
                parts.arguments.append(function["arguments"])

    def _chunk(self, pieces: list[str]) -> LLMResultChunk | None:
        if not pieces:
            return None
        self.text_sent = True
        text = "".join(pieces)
        self._sent_text.append(text)
        return self._make_chunk(text)

    def _make_chunk(self, text: str, *, final: bool = False) -> LLMResultChunk:
        message = AssistantPromptMessage(content=text, tool_calls=_tool_calls(self._tool_parts) if final else [])
        delta = LLMResultChunkDelta(index=self._chunk_index, message=message)
        if final:
            delta.finish_reason = self.finish_reason or "stop"
            delta.usage = self.usage()
        self._chunk_index += 1
        return LLMResultChunk(model=self.model, delta=delta)

    @property
    def complete(self) -> bool:
        return self.done or self.finish_reason is not None

    def usage(self) -> LLMUsage:
        """Return the stream's usage; without a usage chunk, the completion tokens are estimated."""
        if self._usage is None:
            return self._usage_factory(0, estimate_text_tokens("".join(self._sent_text)))
        return self._usage_factory(int(self._usage.get("prompt_tokens") or 0), int(self._usage.get("completion_tokens") or 0))

    def final_chunk(self) -> LLMResultChunk:
        """Return the closing chunk: any open `<think>` closed, tool calls, finish reason, usage."""
        text = ""
        if self._in_reasoning:
            text = THINK_CLOSE
            self._in_reasoning = False
        return self._make_chunk(text, final=True)



def blocking_result(body: bytes, model: str, usage_factory: UsageFactory) -> tuple[LLMResult, str | None]:
    """Turn a non-streamed response body into an LLMResult and the id of the model that replied.

    Raises UnreadableEvent for a body that is not a JSON object and ErrorEvent for a body
    that carries an `error` object. Leading whitespace (keep-alives) is allowed.
    """
    text = body.decode("utf-8", errors="replace")
    try:
        document = json.loads(text)
    except ValueError:
        raise UnreadableEvent(text) from None
    if not isinstance(document, dict):
        raise UnreadableEvent(text)
    error_object = _error_object(document)
    if error_object is not None:
        raise ErrorEvent(error_object, False)

    choices = document.get("choices") or [{}]
    message = (choices[0] or {}).get("message") or {}
    content = message.get("content") or ""
    if isinstance(content, list):
        content = "".join(part.get("text", "") for part in content if isinstance(part, dict))
    reasoning = message.get("reasoning")
    if reasoning:
        content = THINK_OPEN + reasoning + THINK_CLOSE + content

    parts: dict[int, _ToolCallParts] = {}
    for index, call in enumerate(message.get("tool_calls") or ()):
        function = call.get("function") or {}
        parts[index] = _ToolCallParts(call.get("id", ""), function.get("name", ""), [function.get("arguments") or ""])

    usage = document.get("usage") or {}
    result = LLMResult(
        model=model,
        message=AssistantPromptMessage(content=content, tool_calls=_tool_calls(parts)),
        usage=usage_factory(int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)),
        system_fingerprint=document.get("system_fingerprint"),
    )
    return result, document.get("model")
