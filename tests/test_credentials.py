"""Credential validation and customizable-model schemas: no chat request, exact messages.

The in-process tests call openrouter.credentials directly, and the plugin-process tests drive
`python -m main` over the daemon's stdio protocol. Both talk to a FakeOpenRouter on 127.0.0.1
that serves documented `/key` bodies and the real models list of 2026-06-16.
"""

from __future__ import annotations

import dataclasses
import json
import socket
from decimal import Decimal

import pytest
from dify_plugin.entities.model import ModelPropertyKey
from dify_plugin.errors.model import CredentialsValidateFailedError

from openrouter import credentials, http, key_status, model_lookup, model_overrides
from openrouter.model_lookup import TimedCache
from tests.conftest import FIXTURES
from tests.helpers import FAKE_KEY, llm_model, provider_configuration
from tools.daemon import model_request, provider_validation_request
from tools.fake_openrouter import FakeOpenRouter, Reply

MODELS_2026_06 = FIXTURES / "real" / "models" / "2026-06-16_chlnga-models-pie_openrouter-models.json"
DOCUMENTED = json.loads((FIXTURES / "documented" / "errors-and-key.json").read_text(encoding="utf-8"))
LANGUAGES = ("en_US", "zh_Hans")

FREE_ID = "openrouter/owl-alpha"  # priced 0 in the 2026-06-16 list and not in the shipped catalogue
PAID_ID = "openai/gpt-oss-20b"
PREDEFINED_ID = "openai/gpt-oss-20b:free"


def _documented(kind: str) -> dict:
    return next(entry for entry in DOCUMENTED if entry["kind"] == kind)


KEY_INFO = _documented("key info (documented shape, newer field included)")["body"]
REVOKED_KEY = _documented("invalid or revoked key")["body"]


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch):
    monkeypatch.setattr(model_lookup, "model_lists", TimedCache(model_lookup.LIST_TTL_S, failure_ttl_s=model_lookup.FAILURE_TTL_S))
    monkeypatch.setattr(key_status, "daily_facts", TimedCache(key_status.DAILY_FACTS_TTL_S))


@pytest.fixture(scope="module")
def models_list() -> dict:
    return json.loads(MODELS_2026_06.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def server():
    with FakeOpenRouter() as fake_server:
        yield fake_server


@pytest.fixture
def fake(server, models_list):
    """The module's fake OpenRouter with only this test's replies and an empty request log.

    One server serves every in-process test, because stopping a server takes half a second.
    """
    not_found = Reply.json({"error": {"message": "Not Found", "code": 404}}, status=404)
    for path in ("/key", "/auth/key", "/chat/completions"):
        server.add(path, not_found, always=True)
    server.add("/models", Reply.json(models_list), always=True)
    server.requests.clear()
    return server


@pytest.fixture
def own_fake(models_list):
    """A fake OpenRouter of its own, for plugin-process tests: the process caches lists per URL."""
    with FakeOpenRouter() as fake_server:
        fake_server.add("/models", Reply.json(models_list), always=True)
        yield fake_server


def _credentials(url: str, language: str = "en_US", **extra: str) -> dict:
    return {"api_key": FAKE_KEY, "endpoint_url": url, "error_language": language, **extra}


def _closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/v1"


def _provider_error(credentials_: dict) -> str:
    with pytest.raises(CredentialsValidateFailedError) as raised:
        credentials.validate_provider_credentials(credentials_)
    return str(raised.value)


def _model_error(model: str, credentials_: dict, predefined=()) -> str:
    with pytest.raises(CredentialsValidateFailedError) as raised:
        credentials.validate_model_credentials(model, credentials_, list(predefined))
    return str(raised.value)


def _assert_no_chat_request(fake: FakeOpenRouter) -> None:
    assert [request for request in fake.requests if request.method == "POST"] == []
    assert fake.requests_to("/chat/completions") == []


# Provider credentials


def test_valid_key_checked_with_key_endpoint(fake):
    fake.add("/key", Reply.json(KEY_INFO), always=True)

    credentials.validate_provider_credentials(_credentials(fake.url))

    request = fake.requests_to("/key")[0]
    assert request.method == "GET"
    assert request.headers["authorization"] == f"Bearer {FAKE_KEY}"
    _assert_no_chat_request(fake)


def test_pasted_bearer_prefix_cleaned(fake):
    fake.add("/key", Reply.json(KEY_INFO), always=True)

    credentials.validate_provider_credentials(_credentials(fake.url, api_key=f"  Bearer {FAKE_KEY}\n"))

    assert fake.requests_to("/key")[0].headers["authorization"] == f"Bearer {FAKE_KEY}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_revoked_key_rejected(fake, language):
    fake.add("/key", Reply.json(REVOKED_KEY, status=401), always=True)

    text = _provider_error(_credentials(fake.url, language))

    expected = {"en_US": "OpenRouter did not accept the API key: it is invalid, revoked", "zh_Hans": "OpenRouter 不接受该 API Key：Key 无效、已被撤销"}
    assert text.startswith(expected[language])
    assert FAKE_KEY not in text
    _assert_no_chat_request(fake)


def test_payment_required_key_still_valid(fake):
    never_bought = _documented("account never bought credits")["body"]
    fake.add("/key", Reply.json(never_bought, status=402), always=True)

    credentials.validate_provider_credentials(_credentials(fake.url))

    _assert_no_chat_request(fake)


def test_zero_credit_key_still_valid(fake):
    spent = {"data": {**KEY_INFO["data"], "usage": 0, "limit": 0, "limit_remaining": 0, "is_free_tier": True}}
    fake.add("/key", Reply.json(spent), always=True)

    credentials.validate_provider_credentials(_credentials(fake.url))

    _assert_no_chat_request(fake)


def test_missing_key_path_falls_back(fake):
    fake.add("/key", Reply.json({"error": {"message": "Not Found", "code": 404}}, status=404), always=True)
    fake.add("/auth/key", Reply.json(KEY_INFO), always=True)

    credentials.validate_provider_credentials(_credentials(fake.url))

    assert len(fake.requests_to("/key")) == 1
    assert len(fake.requests_to("/auth/key")) == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_both_key_paths_missing(fake, language):
    text = _provider_error(_credentials(fake.url, language))

    expected = {
        "en_US": f"{fake.url} returned HTTP 404 for both /key and /auth/key, so it is probably not the OpenRouter API.",
        "zh_Hans": f"{fake.url} 对 /key 和 /auth/key 都返回了 HTTP 404，很可能不是 OpenRouter API。",
    }
    assert text.startswith(expected[language])


@pytest.mark.parametrize("language", LANGUAGES)
def test_html_answer_not_openrouter(fake, language):
    page = b"<!DOCTYPE html><html><head><title>Wi-Fi login</title></head><body>Sign in</body></html>"
    fake.add("/key", Reply(headers={"content-type": "text/html; charset=utf-8"}, body=page), always=True)

    text = _provider_error(_credentials(fake.url, language))

    expected = {
        "en_US": f"{fake.url}/key returned a web page (HTML) instead of an OpenRouter API response",
        "zh_Hans": f"{fake.url}/key 返回的是网页（HTML），而不是 OpenRouter API 的响应",
    }
    assert text.startswith(expected[language])
    assert "<html" not in text.lower()


@pytest.mark.parametrize("language", LANGUAGES)
def test_json_without_data_not_openrouter(fake, language):
    fake.add("/key", Reply.json({"status": "ok"}), always=True)

    text = _provider_error(_credentials(fake.url, language))

    expected = {
        "en_US": f"{fake.url}/key returned JSON without the \"data\" object that the OpenRouter API sends",
        "zh_Hans": f"{fake.url}/key 返回的 JSON 中没有 OpenRouter API 应有的 data 对象",
    }
    assert text.startswith(expected[language])


@pytest.mark.parametrize("language", LANGUAGES)
def test_key_check_timeout(fake, monkeypatch, language):
    monkeypatch.setattr(http, "LOOKUP_TIMEOUT_S", (2.0, 0.2))
    fake.add("/key", dataclasses.replace(Reply.json(KEY_INFO), delay_s=1.0))

    text = _provider_error(_credentials(fake.url, language))

    expected = {
        "en_US": f"{fake.url}/key did not respond within 0.2 s, so the API key could not be checked.",
        "zh_Hans": f"{fake.url}/key 在 0.2 秒内没有响应，无法验证 API Key。",
    }
    assert text.startswith(expected[language])


@pytest.mark.parametrize("language", LANGUAGES)
def test_unreachable_endpoint_named(language):
    url = _closed_port_url()

    text = _provider_error(_credentials(url, language))

    expected = {"en_US": f"Could not connect to {url}: the connection was refused.", "zh_Hans": f"无法连接 {url}：连接被拒绝。"}
    assert text.startswith(expected[language])
    assert FAKE_KEY not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_endpoint_not_http(language):
    text = _provider_error(_credentials("ftp://openrouter.ai/api/v1", language))

    expected = {
        "en_US": "The API base URL \"ftp://openrouter.ai/api/v1\" is not an http(s) URL.",
        "zh_Hans": "API 地址“ftp://openrouter.ai/api/v1”不是有效的 http(s) 地址。",
    }
    assert text.startswith(expected[language])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("api_key", "code"),
    [("", "api_key_missing"), ("   ", "api_key_missing"), ('"  "', "api_key_missing"), ("sk-or-v1-abc def", "api_key_malformed")],
)
def test_malformed_key_explained(fake, language, api_key, code):
    expected = {
        "api_key_missing": {"en_US": "The OpenRouter API key is empty.", "zh_Hans": "OpenRouter API Key 为空。"},
        "api_key_malformed": {
            "en_US": "The OpenRouter API key contains spaces or non-ASCII characters.",
            "zh_Hans": "OpenRouter API Key 中含有空格或非 ASCII 字符。",
        },
    }

    text = _provider_error(_credentials(fake.url, language, api_key=api_key))

    assert text.startswith(expected[code][language])
    assert fake.requests == []


# Model credentials


def test_free_and_paid_ids_valid(fake):
    fake.add("/key", Reply.json(KEY_INFO), always=True)

    credentials.validate_model_credentials(FREE_ID, _credentials(fake.url), [])
    credentials.validate_model_credentials(PAID_ID, _credentials(fake.url), [])

    assert len(fake.requests_to("/models")) == 1
    _assert_no_chat_request(fake)


@pytest.mark.parametrize("language", LANGUAGES)
def test_misspelt_id_gets_suggestions(fake, language):
    fake.add("/key", Reply.json(KEY_INFO), always=True)

    text = _model_error("openai/gpt-oss-20b:fre", _credentials(fake.url, language))

    expected = {
        "en_US": "OpenRouter has no model with the ID \"openai/gpt-oss-20b:fre\". The closest current IDs are: "
        "openai/gpt-oss-20b:free, openai/gpt-oss-120b:free, openai/gpt-oss-20b. Check the ID at https://openrouter.ai/models.",
        "zh_Hans": "OpenRouter 上没有 ID 为“openai/gpt-oss-20b:fre”的模型。最接近的现有 ID："
        "openai/gpt-oss-20b:free、openai/gpt-oss-120b:free、openai/gpt-oss-20b。请到 https://openrouter.ai/models 核对 ID。",
    }
    assert text == expected[language]
    _assert_no_chat_request(fake)


@pytest.mark.parametrize("language", LANGUAGES)
def test_unrelated_id_without_suggestions(fake, language):
    fake.add("/key", Reply.json(KEY_INFO), always=True)

    text = _model_error("zzz", _credentials(fake.url, language))

    expected = {
        "en_US": "OpenRouter has no model with the ID \"zzz\". Check the ID at https://openrouter.ai/models.",
        "zh_Hans": "OpenRouter 上没有 ID 为“zzz”的模型。请到 https://openrouter.ai/models 核对 ID。",
    }
    assert text == expected[language]


def test_predefined_model_skips_id_lookup(fake):
    fake.add("/key", Reply.json(KEY_INFO), always=True)

    credentials.validate_model_credentials(PREDEFINED_ID, _credentials(fake.url), llm_model().predefined_models())

    assert fake.requests_to("/models") == []
    assert len(fake.requests_to("/key")) == 1


def test_model_validation_checks_key(fake):
    fake.add("/key", Reply.json(REVOKED_KEY, status=401), always=True)

    text = _model_error(PAID_ID, _credentials(fake.url))

    assert text.startswith("OpenRouter did not accept the API key")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("context_size", "lots", {"en_US": "Context size \"lots\" is not a whole number of tokens greater than 0.", "zh_Hans": "上下文长度“lots”不是大于 0 的整数（单位：token）。"}),
        ("max_output_tokens", "0", {"en_US": "Max output tokens \"0\" is not a whole number of tokens greater than 0.", "zh_Hans": "最大输出 token 数“0”不是大于 0 的整数（单位：token）。"}),
        ("vision_support", "maybe", {"en_US": "Vision (image input) \"maybe\" is not one of auto, yes or no.", "zh_Hans": "视觉（图片输入）的取值“maybe”无效，只能是 auto、yes 或 no。"}),
    ],
)
def test_invalid_override_explained(fake, language, field, value, expected):
    fake.add("/key", Reply.json(KEY_INFO), always=True)

    text = _model_error(PAID_ID, _credentials(fake.url, language, **{field: value}))

    assert text.startswith(expected[language])
    assert fake.requests == []


def test_id_accepted_from_catalogue_when_list_down(fake):
    fake.add("/key", Reply.json(KEY_INFO), always=True)
    fake.add("/models", Reply.json({"error": {"message": "Service Unavailable", "code": 503}}, status=503), always=True)

    credentials.validate_model_credentials(PREDEFINED_ID, _credentials(fake.url), [])


@pytest.mark.parametrize("language", LANGUAGES)
def test_unshipped_id_fails_when_list_down(fake, language):
    fake.add("/key", Reply.json(KEY_INFO), always=True)
    fake.add("/models", Reply.json({"error": {"message": "Service Unavailable", "code": 503}}, status=503), always=True)

    text = _model_error(PAID_ID, _credentials(fake.url, language))

    expected = {
        "en_US": "OpenRouter or its provider is temporarily unavailable (HTTP 503).",
        "zh_Hans": "OpenRouter 或其上游服务商暂时不可用（HTTP 503）。",
    }
    assert text.startswith(expected[language])


def test_model_form_declares_overrides():
    fields = {field.variable: field for field in provider_configuration().model_credential_schema.credential_form_schemas}

    assert fields["api_key"].required is True
    for variable in model_overrides.OVERRIDE_FIELDS.values():
        field = fields[variable]
        assert field.required is False, variable
        assert [(condition.variable, condition.value) for condition in field.show_on] == [("__model_type", "llm")], variable
        for text in (field.label, field.placeholder):
            assert all((text.en_us, text.zh_hans, text.ja_jp, text.pt_br)), variable
    for variable in ("vision_support", "tool_call_support", "reasoning_support", "structured_output_support"):
        assert fields[variable].default == "auto"
        assert [option.value for option in fields[variable].options] == ["auto", "yes", "no"]


# Customizable-model schemas, in process


def _rule(schema, name: str):
    return next(rule for rule in schema.parameter_rules if rule.name == name)


def _features(schema) -> list[str]:
    return [feature.value for feature in schema.features]


def test_paid_schema_from_models_api(fake):
    schema = credentials.customizable_model_schema(PAID_ID, _credentials(fake.url))

    assert schema.model == PAID_ID
    assert schema.fetch_from.value == "customizable-model"
    assert schema.model_properties[ModelPropertyKey.CONTEXT_SIZE] == 131072
    assert _features(schema) == ["tool-call", "multi-tool-call", "stream-tool-call", "structured-output", "agent-thought"]
    assert _rule(schema, "max_tokens").max == 131072
    assert schema.pricing.input == Decimal("0.029")
    assert schema.pricing.output == Decimal("0.14")
    assert schema.pricing.unit == Decimal("0.000001")


def test_free_schema_from_models_api(fake):
    schema = credentials.customizable_model_schema(FREE_ID, _credentials(fake.url))

    assert schema.model_properties[ModelPropertyKey.CONTEXT_SIZE] == 1048756
    assert _features(schema) == ["tool-call", "multi-tool-call", "stream-tool-call", "structured-output"]
    assert _rule(schema, "max_tokens").max == 262144
    assert schema.pricing.input == 0
    assert schema.pricing.output == 0


def test_router_schema_without_pricing(fake):
    schema = credentials.customizable_model_schema("openrouter/auto", _credentials(fake.url))

    assert schema.pricing is None


def test_overrides_replace_looked_up_values(fake):
    overrides = {
        "context_size": "8000",
        "max_output_tokens": "1024",
        "vision_support": "yes",
        "tool_call_support": "no",
        "reasoning_support": "no",
        "structured_output_support": "no",
    }

    schema = credentials.customizable_model_schema(PAID_ID, _credentials(fake.url, **overrides))

    rule_names = [rule.name for rule in schema.parameter_rules]
    assert schema.model_properties[ModelPropertyKey.CONTEXT_SIZE] == 8000
    assert _rule(schema, "max_tokens").max == 1024
    assert _features(schema) == ["vision"]
    assert "reasoning_effort" not in rule_names
    assert "response_format" not in rule_names


def test_context_override_bounds_output(fake):
    # OpenRouter lists 1000000 tokens of context and 64000 of output for this model.
    schema = credentials.customizable_model_schema("anthropic/claude-sonnet-4.5", _credentials(fake.url, context_size="16000"))

    assert schema.model_properties[ModelPropertyKey.CONTEXT_SIZE] == 16000
    assert _rule(schema, "max_tokens").max == 16000


def test_overrides_add_features(fake):
    overrides = {"tool_call_support": "yes", "reasoning_support": "yes", "structured_output_support": "yes"}

    schema = credentials.customizable_model_schema("meta-llama/llama-3.2-3b-instruct", _credentials(fake.url, **overrides))

    rule_names = [rule.name for rule in schema.parameter_rules]
    assert _features(schema) == ["tool-call", "multi-tool-call", "stream-tool-call", "structured-output", "agent-thought"]
    assert "reasoning_effort" in rule_names
    assert _rule(schema, "response_format").options == ["text", "json_object", "json_schema"]


def test_unknown_id_gets_generic_schema(fake):
    schema = credentials.customizable_model_schema("acme/not-a-model", _credentials(fake.url))

    assert schema.model_properties[ModelPropertyKey.CONTEXT_SIZE] == 32768
    assert _rule(schema, "max_tokens").max == 4096
    assert [rule.name for rule in schema.parameter_rules] == ["temperature", "top_p", "max_tokens", "fallback_models"]
    assert _features(schema) == []
    assert schema.pricing is None


def test_unknown_id_keeps_overrides(fake):
    schema = credentials.customizable_model_schema("acme/not-a-model", _credentials(fake.url, context_size="200000", vision_support="yes"))

    assert schema.model_properties[ModelPropertyKey.CONTEXT_SIZE] == 200000
    assert _features(schema) == ["vision"]


def test_schema_falls_back_to_catalogue():
    schema = credentials.customizable_model_schema(PREDEFINED_ID, _credentials(_closed_port_url()))

    predefined = next(entity for entity in llm_model().predefined_models() if entity.model == PREDEFINED_ID)
    assert schema.model_properties == predefined.model_properties
    assert schema.features == predefined.features
    assert [rule.name for rule in schema.parameter_rules] == [rule.name for rule in predefined.parameter_rules]


def test_schema_without_key_still_built(fake):
    schema = credentials.customizable_model_schema(PAID_ID, {"endpoint_url": fake.url})

    assert schema.model_properties[ModelPropertyKey.CONTEXT_SIZE] == 131072


# Through the real plugin process


def test_process_provider_validation(plugin, own_fake):
    own_fake.add("/key", Reply.json(KEY_INFO), always=True)

    result = plugin.call(provider_validation_request(_credentials(own_fake.url)))

    assert result.error is None, result.messages
    assert result.result["result"] is True
    _assert_no_chat_request(own_fake)


@pytest.mark.parametrize("language", LANGUAGES)
def test_process_revoked_key(plugin, own_fake, language):
    own_fake.add("/key", Reply.json(REVOKED_KEY, status=401), always=True)

    result = plugin.call(provider_validation_request(_credentials(own_fake.url, language)))

    expected = {"en_US": "OpenRouter did not accept the API key", "zh_Hans": "OpenRouter 不接受该 API Key"}
    assert result.error["error_type"] == "CredentialsValidateFailedError"
    assert result.error["message"].startswith(expected[language])


@pytest.mark.parametrize(
    ("model", "context_size", "features", "max_output"),
    [
        (FREE_ID, 1048756, ["tool-call", "multi-tool-call", "stream-tool-call", "structured-output"], 262144),
        (PAID_ID, 131072, ["tool-call", "multi-tool-call", "stream-tool-call", "structured-output", "agent-thought"], 131072),
    ],
)
def test_process_schema_by_id(plugin, own_fake, model, context_size, features, max_output):
    result = plugin.call(model_request("get_ai_model_schemas", model, _credentials(own_fake.url)))

    schema = result.result["model_schema"]
    max_tokens = next(rule for rule in schema["parameter_rules"] if rule["name"] == "max_tokens")
    assert result.error is None, result.messages
    assert schema["model"] == model
    assert schema["fetch_from"] == "customizable-model"
    assert schema["model_properties"]["context_size"] == context_size
    assert schema["features"] == features
    assert max_tokens["max"] == max_output
    _assert_no_chat_request(own_fake)


@pytest.mark.parametrize("model", [FREE_ID, PAID_ID])
def test_process_validates_id(plugin, own_fake, model):
    own_fake.add("/key", Reply.json(KEY_INFO), always=True)

    result = plugin.call(model_request("validate_model_credentials", model, _credentials(own_fake.url)))

    assert result.error is None, result.messages
    assert len(own_fake.requests_to("/key")) == 1
    assert len(own_fake.requests_to("/models")) == 1
    _assert_no_chat_request(own_fake)


@pytest.mark.parametrize("language", LANGUAGES)
def test_process_misspelt_id(plugin, own_fake, language):
    own_fake.add("/key", Reply.json(KEY_INFO), always=True)

    result = plugin.call(model_request("validate_model_credentials", "anthropic/claude-sonet-4.5", _credentials(own_fake.url, language)))

    expected = {
        "en_US": "The closest current IDs are: anthropic/claude-sonnet-4.5, anthropic/claude-sonnet-4.6, anthropic/claude-sonnet-4.",
        "zh_Hans": "最接近的现有 ID：anthropic/claude-sonnet-4.5、anthropic/claude-sonnet-4.6、anthropic/claude-sonnet-4。",
    }
    assert result.error["error_type"] == "CredentialsValidateFailedError"
    assert expected[language] in result.error["message"]
    _assert_no_chat_request(own_fake)


def test_process_overrides_in_schema(plugin, own_fake):
    request = model_request("get_ai_model_schemas", PAID_ID, _credentials(own_fake.url, context_size="8000", vision_support="yes"))

    schema = plugin.call(request).result["model_schema"]

    assert schema["model_properties"]["context_size"] == 8000
    assert "vision" in schema["features"]
