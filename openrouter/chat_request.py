"""Turn Dify's prompt messages, tools and model parameters into an OpenRouter chat request body."""

from __future__ import annotations

import json
from collections.abc import Sequence

from dify_plugin.entities.model.message import (
    AssistantPromptMessage,
    AudioPromptMessageContent,
    DocumentPromptMessageContent,
    ImagePromptMessageContent,
    PromptMessage,
    PromptMessageTool,
    TextPromptMessageContent,
    ToolPromptMessage,
    VideoPromptMessageContent,
)

from openrouter.budget import is_free_model

# Model parameters sent to OpenRouter under the same name. Others need translating (below) or
# belong to the plugin itself.
PASS_THROUGH_PARAMETERS = (
    "temperature",
    "top_p",
    "top_k",
    "presence_penalty",
    "frequency_penalty",
    "repetition_penalty",
    "min_p",
    "top_a",
    "seed",
    "max_tokens",
)
MAX_MODELS_PER_REQUEST = 3


class ParameterError(ValueError):
    """A model parameter value cannot be sent; `code` and `value` select the message."""

    def __init__(self, code: str, value: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.value = value[:300]


def _content_part(item: object) -> dict | None:
    if isinstance(item, TextPromptMessageContent):
        return {"type": "text", "text": item.data}
    if isinstance(item, ImagePromptMessageContent):
        return {"type": "image_url", "image_url": {"url": item.data, "detail": item.detail.value}}
    if isinstance(item, AudioPromptMessageContent):
        return {"type": "input_audio", "input_audio": {"data": item.base64_data, "format": item.format}}
    if isinstance(item, VideoPromptMessageContent):
        return {"type": "video_url", "video_url": {"url": item.data}}
    if isinstance(item, DocumentPromptMessageContent):
        filename = item.filename or f"document.{item.format or 'pdf'}"
        return {"type": "file", "file": {"filename": filename, "file_data": item.data}}
    return None


def _content(message: PromptMessage) -> str | list[dict]:
    if message.content is None:
        return ""
    if isinstance(message.content, str):
        return message.content
    parts = [_content_part(item) for item in message.content]
    return [part for part in parts if part is not None]


def message_to_openrouter(message: PromptMessage) -> dict:
    """Convert one Dify prompt message to an OpenAI-style chat message."""
    role = message.role.value
    if isinstance(message, AssistantPromptMessage):
        converted: dict = {"role": "assistant", "content": _content(message) or ""}
        if message.tool_calls:
            converted["tool_calls"] = [
                {
                    "id": call.id,
                    "type": "function",
                    "function": {"name": call.function.name, "arguments": call.function.arguments or "{}"},
                }
                for call in message.tool_calls
            ]
        return converted
    if isinstance(message, ToolPromptMessage):
        content = message.content if isinstance(message.content, str) else message.get_text_content()
        return {"role": "tool", "tool_call_id": message.tool_call_id, "content": content}
    converted = {"role": role, "content": _content(message)}
    if message.name:
        converted["name"] = message.name
    return converted


def tool_to_openrouter(tool: PromptMessageTool) -> dict:
    return {
        "type": "function",
        "function": {"name": tool.name, "description": tool.description, "parameters": tool.parameters},
    }


def _response_format(parameters: dict) -> dict | None:
    """Build OpenRouter's native `response_format` from Dify's response_format and json_schema."""
    kind = parameters.get("response_format")
    schema_text = parameters.get("json_schema")
    if kind in (None, "", "text") and not schema_text:
        return None
    if kind == "json_object":
        return {"type": "json_object"}
    if not schema_text:
        if kind == "json_schema":
            raise ParameterError("json_schema_missing")
        return None
    try:
        schema = json.loads(schema_text) if isinstance(schema_text, str) else schema_text
    except ValueError:
        raise ParameterError("json_schema_invalid", str(schema_text)) from None
    if not isinstance(schema, dict):
        raise ParameterError("json_schema_invalid", str(schema_text))
    # Dify's structured-output editor sends {"name", "schema", "strict"?}; a bare JSON Schema
    # is wrapped so both shapes work.
    if "schema" in schema and isinstance(schema["schema"], dict):
        wrapped = {"name": schema.get("name") or "response", "schema": schema["schema"]}
        if "strict" in schema:
            wrapped["strict"] = bool(schema["strict"])
    else:
        wrapped = {"name": "response", "schema": schema, "strict": True}
    return {"type": "json_schema", "json_schema": wrapped}


def _reasoning(parameters: dict) -> dict | None:
    effort = parameters.get("reasoning_effort")
    hide = parameters.get("hide_reasoning")
    reasoning: dict = {}
    if effort:
        reasoning["effort"] = effort
    if hide:
        reasoning["exclude"] = True
    return reasoning or None


def parse_fallback_models(raw: object) -> list[str]:
    """Split the fallback-models parameter into ids (commas, spaces or newlines between them).

    Only free ids (ending in `:free`, or `openrouter/free`) are accepted, so a fallback never
    bills the account, and at most two, since OpenRouter takes three models per request.
    """
    if not raw:
        return []
    if not isinstance(raw, str):
        raise ParameterError("fallback_invalid", str(raw))
    ids = [part.strip() for part in raw.replace("\n", ",").replace(" ", ",").split(",")]
    ids = list(dict.fromkeys(model_id for model_id in ids if model_id))
    for model_id in ids:
        if not is_free_model(model_id):
            raise ParameterError("fallback_paid", model_id)
    if len(ids) > MAX_MODELS_PER_REQUEST - 1:
        raise ParameterError("fallback_too_many", ", ".join(ids))
    return ids


def build_chat_payload(
    model: str,
    prompt_messages: Sequence[PromptMessage],
    parameters: dict,
    tools: Sequence[PromptMessageTool] | None,
    stop: Sequence[str] | None,
    stream: bool,
    user: str | None,
    fallback_models: Sequence[str] = (),
) -> dict:
    """Return the JSON body for POST /chat/completions."""
    payload: dict = {
        "model": model,
        "messages": [message_to_openrouter(message) for message in prompt_messages],
        "stream": stream,
    }
    if fallback_models:
        payload["models"] = [model, *fallback_models][:MAX_MODELS_PER_REQUEST]
    if stream:
        payload["stream_options"] = {"include_usage": True}
    for name in PASS_THROUGH_PARAMETERS:
        if parameters.get(name) is not None:
            payload[name] = parameters[name]
    response_format = _response_format(parameters)
    if response_format:
        payload["response_format"] = response_format
    reasoning = _reasoning(parameters)
    if reasoning:
        payload["reasoning"] = reasoning
    if tools:
        payload["tools"] = [tool_to_openrouter(tool) for tool in tools]
    if stop:
        payload["stop"] = list(stop)
    if user:
        payload["user"] = user
    return payload
