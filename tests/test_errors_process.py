"""Readable errors as Dify receives them: through the real plugin process and the daemon protocol."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from tests.conftest import FIXTURES
from tests.helpers import assert_readable
from tools.daemon import PluginProcess, invoke_llm_request
from tools.fake_openrouter import FakeOpenRouter, Reply
from tools.limited_openrouter import daily_limit_reply
from tools.recordings import real

FREE = "openai/gpt-oss-20b:free"
DOCUMENTED = FIXTURES / "documented" / "errors-and-key.json"


@pytest.fixture(scope="module")
def fake():
    with FakeOpenRouter() as server:
        yield server


def _documented(kind: str) -> dict:
    entries = json.loads(DOCUMENTED.read_text(encoding="utf-8"))
    return next(entry for entry in entries if entry["kind"] == kind)


def _credentials(fake: FakeOpenRouter, language: str) -> dict:
    # A new key per test: the plugin keeps per-account limit state between requests.
    return {"api_key": f"sk-or-v1-{uuid.uuid4().hex}", "endpoint_url": fake.url, "error_language": language, "max_wait_seconds": "0"}


def _error(plugin: PluginProcess, fake: FakeOpenRouter, language: str, *, stream: bool = True, model: str = FREE, **options):
    request = invoke_llm_request(model, _credentials(fake, language), [{"role": "user", "content": "Hi"}], stream=stream, **options)
    result = plugin.call(request)
    assert result.ended
    assert result.error is not None, result.messages
    return result, result.error["error_type"], result.error["args"]["description"]


@pytest.mark.parametrize("language", ["en_US", "zh_Hans"])
def test_daily_quota(plugin, fake, language):
    midnight_ms = (int(time.time() // 86400) + 1) * 86400 * 1000
    fake.add("/chat/completions", daily_limit_reply(50, midnight_ms))

    _, error_type, description = _error(plugin, fake, language)

    assert error_type == "InvokeRateLimitError"
    assert_readable(description)
    assert "50" in description
    assert "00:00 UTC" in description
    assert "1000" in description
    if language == "zh_Hans":
        assert "今日免费额度已用完" in description
    else:
        assert "daily free-model quota" in description


@pytest.mark.parametrize("language", ["en_US", "zh_Hans"])
def test_per_minute_limit(plugin, fake, language):
    entry = _documented("per-minute free limit")
    reset_ms = int((time.time() + 25) * 1000)
    headers = {**entry["headers"], "X-RateLimit-Reset": str(reset_ms)}
    body = json.loads(json.dumps(entry["body"]))
    body["error"]["metadata"]["headers"]["X-RateLimit-Reset"] = str(reset_ms)
    fake.add("/chat/completions", Reply.json(body, status=429, headers=headers))

    _, error_type, description = _error(plugin, fake, language)

    assert error_type == "InvokeRateLimitError"
    assert_readable(description)
    assert "16" in description
    assert ("per-minute" in description) if language == "en_US" else ("每分钟" in description)


@pytest.mark.parametrize("language", ["en_US", "zh_Hans"])
def test_upstream_busy(plugin, fake, language):
    fake.add("/chat/completions", Reply.replay(real("cassettes/pydantic-ai/test_openrouter_errors_raised.yaml")[0]))

    _, error_type, description = _error(plugin, fake, language, model="google/gemini-2.0-flash-exp:free")

    assert error_type == "InvokeRateLimitError"
    assert_readable(description)
    assert "Google" in description
    assert ("not your account" in description) if language == "en_US" else ("并非你账户" in description)


@pytest.mark.parametrize("language", ["en_US", "zh_Hans"])
def test_error_after_partial_text(plugin, fake, language):
    fake.add("/chat/completions", Reply.replay(real("cassettes/pydantic-ai/test_openrouter_stream_error.yaml")[0]))

    result, error_type, description = _error(plugin, fake, language, model="minimax/minimax-m2:free")

    assert result.text.startswith("<think>\nWe need")
    assert error_type == "InvokeBadRequestError"
    assert_readable(description)
    assert "Token limit reached" in description


@pytest.mark.parametrize("language", ["en_US", "zh_Hans"])
def test_html_bad_gateway(plugin, fake, language):
    page = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502</h1>cloudflare</body></html>"
    fake.add("/chat/completions", Reply(status=502, headers={"content-type": "text/html"}, body=page))

    _, error_type, description = _error(plugin, fake, language, stream=False)

    assert error_type == "InvokeServerUnavailableError"
    assert_readable(description)
    assert "502" in description


@pytest.mark.parametrize("language", ["en_US", "zh_Hans"])
def test_invalid_key_not_generic(plugin, fake, language):
    fake.add("/chat/completions", Reply.json({"error": {"message": "User not found.", "code": 401}}, status=401))

    _, error_type, description = _error(plugin, fake, language)

    assert error_type == "InvokeAuthorizationError"
    assert_readable(description)
    assert "Incorrect model credentials provided" not in description
    assert "User not found." in description


@pytest.mark.parametrize("language", ["en_US", "zh_Hans"])
def test_bad_parameter_readable(plugin, fake, language):
    _, error_type, description = _error(plugin, fake, language, model_parameters={"temperature": 7.5})

    assert error_type == "InvokeBadRequestError"
    assert not description.startswith("[")
    assert "temperature" in description


def test_connection_refused(plugin):
    credentials = {"api_key": "sk-or-v1-refused", "endpoint_url": "http://127.0.0.1:9/api/v1", "max_wait_seconds": "0"}

    result = plugin.call(invoke_llm_request(FREE, credentials, [{"role": "user", "content": "Hi"}]))

    assert result.error["error_type"] == "InvokeConnectionError"
    assert "127.0.0.1:9" in result.error["args"]["description"]


@pytest.mark.parametrize("language", ["en_US", "zh_Hans"])
def test_ended_free_variant_suggests_alternatives(plugin, language):
    models_list = (FIXTURES / "real" / "models" / "2026-06-16_chlnga-models-pie_openrouter-models.json").read_bytes()
    # A server of its own: the plugin caches a failed models-list fetch per endpoint for a while.
    with FakeOpenRouter() as server:
        server.add("/models", Reply(headers={"content-type": "application/json"}, body=models_list), always=True)
        server.add("/chat/completions", Reply.json(_documented("free variant ended, paid slug given")["body"], status=404))

        _, error_type, description = _error(plugin, server, language, model="openai/gpt-oss-20b:free")

    assert error_type == "InvokeBadRequestError"
    assert_readable(description)
    assert "openai/gpt-oss-20b" in description
    assert "openai/gpt-oss-120b:free" in description


@pytest.mark.parametrize("language", ["en_US", "zh_Hans"])
def test_daily_quota_shows_used(plugin, fake, language):
    midnight_ms = (int(time.time() // 86400) + 1) * 86400 * 1000
    key_info = {"data": {"label": "sk-or-v1-abc...xyz", "is_free_tier": True, "free_model_daily_requests": {"used": 50, "limit": 50, "remaining": 0}}}
    fake.add("/key", Reply.json(key_info))
    fake.add("/chat/completions", daily_limit_reply(50, midnight_ms))

    _, error_type, description = _error(plugin, fake, language)

    assert error_type == "InvokeRateLimitError"
    assert "50/50" in description if language == "zh_Hans" else "50 of the 50" in description
