"""Replay recorded OpenRouter chat exchanges through the model class (HTTP mocked by `responses`)."""

from __future__ import annotations

import json

import pytest
import responses
from dify_plugin.entities.model.message import (
    AssistantPromptMessage,
    ImagePromptMessageContent,
    PromptMessageTool,
    SystemPromptMessage,
    TextPromptMessageContent,
    ToolPromptMessage,
    UserPromptMessage,
)
from dify_plugin.errors.model import InvokeBadRequestError, InvokeConnectionError

from tests.helpers import FAKE_KEY, credentials, expected_text, last_usage, llm_model
from tools.recordings import real, sse_events

BASE = "https://openrouter.test/api/v1"
CHAT_URL = BASE + "/chat/completions"
TOOLS_MODEL = "openai/gpt-oss-20b:free"
VISION_MODEL = "google/gemma-4-31b-it:free"


def _register(recording, url: str = CHAT_URL) -> None:
    responses.add(
        responses.POST,
        url,
        body=recording.body,
        status=recording.status,
        content_type=recording.headers.get("content-type", "application/json"),
    )


def _invoke(model: str = TOOLS_MODEL, *, stream: bool = True, **options):
    options.setdefault("prompt_messages", [UserPromptMessage(content="Hello")])
    options.setdefault("model_parameters", {})
    return list(llm_model().invoke(model, credentials(BASE), stream=stream, **options))


def _text(chunks) -> str:
    return "".join(chunk.delta.message.content or "" for chunk in chunks)


def _sent_body() -> dict:
    return json.loads(responses.calls[-1].request.body)


STREAMS = [
    "cassettes/simonw-llm-openrouter/chat-completions_2025-08/test_prompt.yaml",
    "cassettes/pydantic-ai/test_openrouter_streaming_reasoning.yaml",
    "cassettes/pydantic-ai/test_openrouter_stream_with_reasoning.yaml",
    "recordings/openrouter-ai-sdk-provider-e2e/fgD8XiscqNS",
    "recordings/openrouter-ai-sdk-provider-e2e/UKtNtbos06U",
    "recordings/node-llm-har/should-support-streaming_7554513.har",
]


@pytest.mark.parametrize("path", STREAMS)
@responses.activate
def test_stream_replay_text_and_usage(path):
    recording = [item for item in real(path) if item.is_stream][0]
    _register(recording)
    events = sse_events(recording.body)

    chunks = _invoke()

    assert _text(chunks) == expected_text(events)
    final = chunks[-1].delta
    assert final.finish_reason is not None
    usage = last_usage(events)
    assert final.usage.prompt_tokens == usage["prompt_tokens"]
    assert final.usage.completion_tokens == usage["completion_tokens"]


@responses.activate
def test_stream_reasoning_wrapped_in_think():
    _register(real("cassettes/pydantic-ai/test_openrouter_streaming_reasoning.yaml")[0])

    text = _text(_invoke())

    assert text.startswith("<think>\n")
    assert "\n</think>\n\n" in text
    assert text.index("</think>") < len(text) - 1


@responses.activate
def test_stream_tool_call_assembled():
    recording = real("cassettes/simonw-llm-openrouter/chat-completions_2025-08/test_tool_calls.yaml")[1]
    _register(recording)
    tool = PromptMessageTool(name="llm_version", description="Return the installed version of llm", parameters={"type": "object", "properties": {}})

    chunks = _invoke(tools=[tool])

    calls = chunks[-1].delta.message.tool_calls
    assert len(calls) == 1
    assert calls[0].id == "call_o4OCgtJrNoZTmoCRvmlfoHfj"
    assert calls[0].function.name == "llm_version"
    assert calls[0].function.arguments == "{}"
    assert chunks[-1].delta.finish_reason == "tool_calls"
    assert _sent_body()["tools"] == recording.request["tools"]


@responses.activate
def test_stream_several_tool_calls_by_index():
    events = [
        {"choices": [{"delta": {"tool_calls": [{"index": 0, "id": "a", "function": {"name": "first", "arguments": '{"x":'}}]}}]},
        {"choices": [{"delta": {"tool_calls": [{"index": 1, "id": "b", "function": {"name": "second", "arguments": "{}"}}]}}]},
        {"choices": [{"delta": {"tool_calls": [{"index": 0, "function": {"arguments": " 1}"}}]}}]},
        {"choices": [{"delta": {}, "finish_reason": "tool_calls"}]},
    ]
    body = "".join(f"data: {json.dumps(event)}\n\n" for event in events) + "data: [DONE]\n\n"
    responses.add(responses.POST, CHAT_URL, body=body, content_type="text/event-stream")

    calls = _invoke()[-1].delta.message.tool_calls

    assert [call.function.name for call in calls] == ["first", "second"]
    assert calls[0].function.arguments == '{"x": 1}'
    assert calls[1].id == "b"


@responses.activate
def test_tool_results_sent_back():
    recording = real("cassettes/simonw-llm-openrouter/chat-completions_2025-08/test_tool_calls.yaml")[2]
    _register(recording)
    call = AssistantPromptMessage.ToolCall(
        id="call_o4OCgtJrNoZTmoCRvmlfoHfj",
        type="function",
        function=AssistantPromptMessage.ToolCall.ToolCallFunction(name="llm_version", arguments="{}"),
    )
    messages = [
        UserPromptMessage(content="What is the current llm version?"),
        AssistantPromptMessage(content="", tool_calls=[call]),
        ToolPromptMessage(content="0.0+test", tool_call_id="call_o4OCgtJrNoZTmoCRvmlfoHfj"),
    ]

    chunks = _invoke(prompt_messages=messages)

    sent = _sent_body()["messages"]
    recorded = recording.request["messages"]
    assert sent[1]["tool_calls"] == recorded[1]["tool_calls"]
    assert sent[2] == recorded[2]
    assert "0.0+test" in _text(chunks)


@responses.activate
def test_keep_alive_comments_ignored():
    recording = real("cassettes/pydantic-ai/test_openrouter_stream_with_reasoning.yaml")[0]
    assert recording.body.count(b": OPENROUTER PROCESSING") > 0
    _register(recording)

    text = _text(_invoke())

    assert "OPENROUTER PROCESSING" not in text
    assert text == expected_text(sse_events(recording.body))


BLOCKING = [
    "recordings/openrouter-ai-sdk-provider-e2e/JBHEylom5vE",
    "cassettes/pydantic-ai/test_openrouter_usage.yaml",
    "recordings/node-llm-har/should-perform-a-basic-chat-completion_395772062.har",
    "cassettes/pydantic-ai/test_openrouter_thinking_high_emits_effort_high.yaml",
]


@pytest.mark.parametrize("path", BLOCKING)
@responses.activate
def test_blocking_replay_content_and_usage(path):
    recording = real(path)[0]
    _register(recording)
    document = json.loads(recording.body)
    message = document["choices"][0]["message"]

    chunks = _invoke(stream=False)

    assert len(chunks) == 1
    text = chunks[0].delta.message.content
    assert text.endswith(message["content"])
    if message.get("reasoning"):
        assert text.startswith("<think>\n" + message["reasoning"])
    assert chunks[0].delta.usage.prompt_tokens == document["usage"]["prompt_tokens"]
    assert chunks[0].delta.usage.completion_tokens == document["usage"]["completion_tokens"]


@responses.activate
def test_blocking_keep_alive_whitespace():
    recording = real("recordings/openrouter-ai-sdk-provider-e2e/JBHEylom5vE")[0]
    assert recording.body[:1].isspace()
    _register(recording)

    chunks = _invoke(stream=False)

    assert chunks[0].delta.message.content == json.loads(recording.body)["choices"][0]["message"]["content"]


@pytest.mark.parametrize(
    "path",
    ["cassettes/pydantic-ai/test_openrouter_tool_calling.yaml", "recordings/ploke-ai-temp-data/gpt-4o-mini_tool_call_200"],
)
@responses.activate
def test_blocking_tool_call(path):
    if path.startswith("recordings/ploke"):
        from tools.recordings import DEFAULT_FIXTURES, Recording

        body = (DEFAULT_FIXTURES / "real" / path / "response.json").read_bytes()
        recording = Recording(200, {"content-type": "application/json"}, body)
    else:
        recording = real(path)[0]
    _register(recording)
    recorded_calls = json.loads(recording.body)["choices"][0]["message"]["tool_calls"]

    calls = _invoke(stream=False)[0].delta.message.tool_calls

    assert [call.function.name for call in calls] == [call["function"]["name"] for call in recorded_calls]
    assert [call.id for call in calls] == [call["id"] for call in recorded_calls]
    assert [call.function.arguments for call in calls] == [call["function"]["arguments"] for call in recorded_calls]


@responses.activate
def test_image_parts_url_and_base64():
    recording = real("cassettes/simonw-llm-openrouter/chat-completions_2025-08/test_image_prompt.yaml")[1]
    _register(recording)
    recorded_part = [part for part in recording.request["messages"][0]["content"] if part["type"] == "image_url"][0]
    data_uri = recorded_part["image_url"]["url"]
    mime, encoded = data_uri[len("data:") :].split(";base64,")
    content = [
        TextPromptMessageContent(data="Describe these"),
        ImagePromptMessageContent(format="png", mime_type=mime, base64_data=encoded),
        ImagePromptMessageContent(format="png", mime_type="image/png", url="https://example.test/cat.png"),
    ]

    _invoke(VISION_MODEL, prompt_messages=[UserPromptMessage(content=content)])

    parts = _sent_body()["messages"][0]["content"]
    assert parts[0] == {"type": "text", "text": "Describe these"}
    assert parts[1]["type"] == "image_url"
    assert parts[1]["image_url"]["url"] == data_uri
    assert parts[2]["image_url"]["url"] == "https://example.test/cat.png"


@responses.activate
def test_request_headers_and_shape():
    _register(real("cassettes/simonw-llm-openrouter/chat-completions_2025-08/test_prompt.yaml")[1])

    _invoke(prompt_messages=[SystemPromptMessage(content="Be brief."), UserPromptMessage(content="Hi")], stop=["END"])

    request = responses.calls[-1].request
    assert request.headers["Authorization"] == f"Bearer {FAKE_KEY}"
    assert request.headers["HTTP-Referer"].startswith("https://")
    assert request.headers["X-OpenRouter-Title"] == "OpenRouter Free for Dify"
    body = json.loads(request.body)
    assert body["model"] == TOOLS_MODEL
    assert body["messages"] == [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    assert body["stop"] == ["END"]


@responses.activate
def test_only_supported_parameters_sent():
    _register(real("cassettes/simonw-llm-openrouter/chat-completions_2025-08/test_prompt.yaml")[1])
    parameters = {"temperature": 0.3, "top_p": 0.9, "max_tokens": 100, "seed": 7, "top_k": 5, "frequency_penalty": 0.5}

    # qwen/qwen3-coder:free lists no seed, so its seed value must not be sent.
    _invoke("qwen/qwen3-coder:free", model_parameters=parameters)

    body = _sent_body()
    assert body["temperature"] == 0.3
    assert body["top_p"] == 0.9
    assert body["max_tokens"] == 100
    assert body["top_k"] == 5
    assert body["frequency_penalty"] == 0.5
    assert "seed" not in body


@responses.activate
def test_native_structured_output():
    _register(real("cassettes/simonw-llm-openrouter/chat-completions_2025-08/test_prompt.yaml")[1])
    schema = {"name": "answer", "schema": {"type": "object", "properties": {"a": {"type": "string"}}}, "strict": True}

    _invoke(model_parameters={"response_format": "json_schema", "json_schema": json.dumps(schema)})

    body = _sent_body()
    assert body["response_format"] == {"type": "json_schema", "json_schema": schema}
    assert "```" not in json.dumps(body["messages"])


@responses.activate
def test_reasoning_parameters_sent():
    _register(real("cassettes/simonw-llm-openrouter/chat-completions_2025-08/test_prompt.yaml")[1])

    _invoke(model_parameters={"reasoning_effort": "high", "hide_reasoning": True})

    assert _sent_body()["reasoning"] == {"effort": "high", "exclude": True}


@responses.activate
def test_invalid_json_schema_readable():
    with pytest.raises(InvokeBadRequestError) as raised:
        _invoke(model_parameters={"response_format": "json_schema", "json_schema": "{not json"})

    assert "JSON Schema" in raised.value.description
    assert len(responses.calls) == 0


@responses.activate
def test_out_of_range_parameter_readable():
    with pytest.raises(InvokeBadRequestError) as raised:
        _invoke(model_parameters={"temperature": 9.0})

    assert raised.value.description.startswith("A model parameter")
    assert "[models]" not in raised.value.description
    assert len(responses.calls) == 0


@responses.activate
def test_stream_cut_without_finish():
    events = [{"choices": [{"delta": {"content": "Half an ans"}}]}]
    body = "".join(f"data: {json.dumps(event)}\n\n" for event in events)
    responses.add(responses.POST, CHAT_URL, body=body, content_type="text/event-stream")

    chunks = []
    with pytest.raises(InvokeConnectionError):
        for chunk in llm_model().invoke(TOOLS_MODEL, credentials(BASE), [UserPromptMessage(content="Hi")], {}, stream=True):
            chunks.append(chunk)

    assert _text(chunks) == "Half an ans"


def test_token_count_offline():
    import subprocess
    import sys

    from tests.helpers import PROJECT_ROOT

    script = (
        "import sys\n"
        "from dify_plugin.entities.model.message import UserPromptMessage\n"
        "from tests.helpers import credentials, llm_model\n"
        "count = llm_model().get_num_tokens('qwen/qwen3-coder:free', credentials(), [UserPromptMessage(content='你好, how are you today?')])\n"
        "assert 'tiktoken' not in sys.modules, 'the GPT-2 tokenizer was loaded'\n"
        "print(count)\n"
    )
    output = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)

    assert output.returncode == 0, output.stderr
    assert int(output.stdout.strip()) > 0


@responses.activate
def test_limit_in_stream_before_text_retried():
    import time

    reset_ms = str(int(time.time() * 1000) - 1000)
    limit_event = {"error": {"message": "Rate limit exceeded: free-models-per-min.", "code": 429, "metadata": {"headers": {"X-RateLimit-Limit": "20", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset_ms}}}}
    responses.add(responses.POST, CHAT_URL, body=f"data: {json.dumps(limit_event)}\n\n", content_type="text/event-stream")
    _register(real("cassettes/simonw-llm-openrouter/chat-completions_2025-08/test_prompt.yaml")[1])
    own_key = credentials(BASE, api_key="sk-or-v1-in-stream-limit")

    chunks = list(llm_model().invoke(TOOLS_MODEL, own_key, [UserPromptMessage(content="Hi")], {}, stream=True))

    assert len(responses.calls) == 2
    assert _text(chunks) == "Pebbles and Skipper."


@responses.activate
def test_tool_call_null_index():
    events = [
        {"choices": [{"delta": {"tool_calls": [{"index": None, "id": "a", "function": {"name": "lookup", "arguments": "{}"}}]}}]},
        {"choices": [{"delta": {}, "finish_reason": "tool_calls"}]},
    ]
    body = "".join(f"data: {json.dumps(event)}\n\n" for event in events) + "data: [DONE]\n\n"
    responses.add(responses.POST, CHAT_URL, body=body, content_type="text/event-stream")

    calls = _invoke()[-1].delta.message.tool_calls

    assert [call.function.name for call in calls] == ["lookup"]


@responses.activate
def test_string_error_in_body():
    responses.add(responses.POST, CHAT_URL, json={"error": "Internal error, please retry"}, status=200)

    with pytest.raises(Exception) as raised:
        _invoke(stream=False)

    assert "Internal error, please retry" in raised.value.description


@responses.activate
def test_gzip_stream_decoded():
    import gzip

    recording = real("cassettes/simonw-llm-openrouter/chat-completions_2025-08/test_prompt.yaml")[1]
    responses.add(
        responses.POST,
        CHAT_URL,
        body=gzip.compress(recording.body),
        content_type="text/event-stream",
        headers={"Content-Encoding": "gzip"},
    )

    assert _text(_invoke()) == expected_text(sse_events(recording.body))


@pytest.mark.parametrize(
    "pasted, expected",
    [
        ("https://openrouter.ai/api/v1?x=1", "https://openrouter.ai/api/v1"),
        ("https://openrouter.ai/api/v1/embeddings/models", "https://openrouter.ai/api/v1"),
        ("https://user:secret@openrouter.ai/api/v1/chat/completions/", "https://openrouter.ai/api/v1"),
        ("  https://openrouter.ai/api/v1/  ", "https://openrouter.ai/api/v1"),
    ],
)
def test_endpoint_url_cleaned(pasted, expected):
    from openrouter.settings import clean_endpoint_url

    assert clean_endpoint_url(pasted) == expected


def test_endpoint_error_hides_key():
    from openrouter.settings import CredentialsError, clean_endpoint_url

    with pytest.raises(CredentialsError) as raised:
        clean_endpoint_url(FAKE_KEY)

    assert FAKE_KEY not in raised.value.render("en_US")
    assert FAKE_KEY[10:30] not in raised.value.render("zh_Hans")


@responses.activate
def test_usage_estimated_without_usage_chunk():
    events = [{"choices": [{"delta": {"content": "Four words in here"}}]}, {"choices": [{"delta": {}, "finish_reason": "stop"}]}]
    body = "".join(f"data: {json.dumps(event)}\n\n" for event in events)
    responses.add(responses.POST, CHAT_URL, body=body, content_type="text/event-stream")

    usage = _invoke(prompt_messages=[UserPromptMessage(content="A prompt of some length")])[-1].delta.usage

    assert usage.completion_tokens > 0
    assert usage.prompt_tokens > 0
