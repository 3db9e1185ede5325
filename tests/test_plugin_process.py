"""Run the real plugin process over the daemon's stdio protocol against a fake OpenRouter on 127.0.0.1."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml

from tests.helpers import FAKE_KEY, PROJECT_ROOT, expected_text, last_usage
from tools.daemon import invoke_llm_request, model_request
from tools.fake_openrouter import FakeOpenRouter, ReceivedRequest, Reply
from tools.recordings import real, sse_events

MODEL = "openai/gpt-oss-20b:free"


@pytest.fixture(scope="module")
def fake():
    with FakeOpenRouter() as server:
        yield server


def _credentials(fake: FakeOpenRouter, **extra: str) -> dict:
    return {"api_key": FAKE_KEY, "endpoint_url": fake.url, **extra}


def _user(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


def test_declaration_names_plugin(plugin):
    declaration = plugin.declaration

    assert declaration["name"] == "openrouter_free"
    assert declaration["author"] == "freetier"
    assert declaration["version"] == "0.1.0"
    assert declaration["plugins"]["models"] == ["provider/openrouter_free.yaml"]


def test_schema_for_every_catalogue_model(plugin, fake):
    model_files = sorted(path for path in (PROJECT_ROOT / "models" / "llm").glob("*.yaml") if path.name != "_position.yaml")
    assert len(model_files) >= 22

    for path in model_files:
        entry = yaml.safe_load(path.read_text(encoding="utf-8"))
        result = plugin.call(model_request("get_ai_model_schemas", entry["model"], _credentials(fake)))
        schema = result.result["model_schema"]
        assert result.error is None, path.name
        assert schema["model"] == entry["model"]
        assert schema["model_properties"]["context_size"] == entry["model_properties"]["context_size"]


def test_stream_recorded_reply(plugin, fake):
    recording = real("cassettes/simonw-llm-openrouter/chat-completions_2025-08/test_prompt.yaml")[1]
    fake.add("/chat/completions", Reply.replay(recording))
    events = sse_events(recording.body)

    result = plugin.call(invoke_llm_request(MODEL, _credentials(fake), _user("Hi")))

    assert result.error is None
    assert result.ended
    assert result.text == expected_text(events)
    final = result.chunks[-1]["delta"]
    assert final["finish_reason"] == "stop"
    assert final["usage"]["prompt_tokens"] == last_usage(events)["prompt_tokens"]
    assert final["usage"]["completion_tokens"] == last_usage(events)["completion_tokens"]


def test_blocking_recorded_reply(plugin, fake):
    recording = real("recordings/openrouter-ai-sdk-provider-e2e/JBHEylom5vE")[0]
    fake.add("/chat/completions", Reply.replay(recording))
    document = json.loads(recording.body)

    result = plugin.call(invoke_llm_request(MODEL, _credentials(fake), _user("Hi"), stream=False))

    assert result.error is None
    assert result.text == document["choices"][0]["message"]["content"]
    assert result.chunks[-1]["delta"]["usage"]["completion_tokens"] == document["usage"]["completion_tokens"]
    assert fake.requests_to("/chat/completions")[-1].json()["stream"] is False


def test_stream_tool_call(plugin, fake):
    recording = real("cassettes/simonw-llm-openrouter/chat-completions_2025-08/test_tool_calls.yaml")[1]
    fake.add("/chat/completions", Reply.replay(recording))
    tools = [{"name": "llm_version", "description": "Return the installed version of llm", "parameters": {"type": "object", "properties": {}}}]

    result = plugin.call(invoke_llm_request(MODEL, _credentials(fake), _user("Version?"), tools=tools))

    calls = result.chunks[-1]["delta"]["message"]["tool_calls"]
    assert result.error is None
    assert calls[0]["function"]["name"] == "llm_version"
    assert calls[0]["id"] == "call_o4OCgtJrNoZTmoCRvmlfoHfj"
    assert fake.requests_to("/chat/completions")[-1].json()["tools"][0]["function"]["name"] == "llm_version"


def test_stream_reasoning(plugin, fake):
    recording = real("recordings/openrouter-ai-sdk-provider-e2e/UKtNtbos06U")[0]
    fake.add("/chat/completions", Reply.replay(recording))

    result = plugin.call(invoke_llm_request(MODEL, _credentials(fake), _user("Think")))

    assert result.error is None
    assert result.text.startswith("<think>\n")
    assert result.text == expected_text(sse_events(recording.body))


def test_image_request_shape(plugin, fake):
    recording = real("cassettes/simonw-llm-openrouter/chat-completions_2025-08/test_image_prompt.yaml")[1]
    fake.add("/chat/completions", Reply.replay(recording))
    content = [
        {"type": "text", "data": "What is this?"},
        {"type": "image", "format": "png", "mime_type": "image/png", "base64_data": "iVBORw0KGgo=", "detail": "high"},
    ]

    result = plugin.call(invoke_llm_request("google/gemma-4-31b-it:free", _credentials(fake), [{"role": "user", "content": content}]))

    parts = fake.requests_to("/chat/completions")[-1].json()["messages"][0]["content"]
    assert result.error is None
    assert parts[0] == {"type": "text", "text": "What is this?"}
    assert parts[1] == {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo=", "detail": "high"}}


def test_keep_alive_lines(plugin, fake):
    events = [{"choices": [{"delta": {"content": "kept"}}]}, {"choices": [{"delta": {}, "finish_reason": "stop"}]}]
    fake.add("/chat/completions", Reply.sse(events, comments=5, part_delay_s=0.01))

    result = plugin.call(invoke_llm_request(MODEL, _credentials(fake), _user("Hi")))

    assert result.error is None
    assert result.text == "kept"


def _echo_stream(request: ReceivedRequest) -> Reply:
    """Stream back the request's user text, word by word, so each session's output is its own."""
    words = request.json()["messages"][-1]["content"].split()
    events = [{"choices": [{"delta": {"content": word + " "}}]} for word in words]
    events.append({"choices": [{"delta": {}, "finish_reason": "stop"}]})
    return Reply.sse(events, part_delay_s=0.002)


def test_concurrent_sessions_not_mixed(plugin, fake):
    fake.add("/chat/completions", _echo_stream, always=True)
    prompts = {f"session-{number}": " ".join(f"s{number}w{word}" for word in range(30)) for number in range(50)}

    session_ids = {name: plugin.send(invoke_llm_request(MODEL, _credentials(fake), _user(text))) for name, text in prompts.items()}
    with ThreadPoolExecutor(max_workers=50) as pool:
        results = dict(zip(session_ids, pool.map(lambda session_id: plugin.collect(session_id, timeout=60), session_ids.values())))

    for name, text in prompts.items():
        assert results[name].error is None, name
        assert results[name].text == text + " ", name
        assert results[name].ended, name
