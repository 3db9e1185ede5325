"""Tests of the text-embedding model: openrouter/embeddings.py, the model class, and its catalogue.

Recorded OpenRouter embeddings responses are replayed from the fixtures directory. Every HTTP
request goes to a FakeOpenRouter on 127.0.0.1, from this process or from the real plugin process
driven over the daemon protocol.
"""

from __future__ import annotations

import base64
import copy
import json
import math
import re
import struct
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from tests.conftest import FIXTURES, PROJECT_ROOT
from tests.helpers import assert_readable
from dify_plugin.entities.model import AIModelEntity, EmbeddingInputType
from dify_plugin.entities.model.provider import ModelProviderConfiguration
from dify_plugin.errors.model import InvokeAuthorizationError

from openrouter import embeddings
from openrouter.catalog import CatalogError, file_name
from openrouter.embedding_catalog import embedding_entity, fallback_embedding_entity, free_embedding_variants
from openrouter.embeddings import InvalidEmbeddings, build_embeddings_payload, embed_texts, parse_embeddings_body, split_batches
from openrouter.settings import read_settings
from openrouter.tokens import estimate_text_tokens
from tools.catalog import main as catalog_main
from tools.catalog_update import update_embedding_catalog
from tools.daemon import model_request
from tools.fake_openrouter import FakeOpenRouter, ReceivedRequest, Reply
from tools.limited_openrouter import daily_limit_reply
from tools.recordings import real

SINGLE_SDK = "recordings/openrouter-ai-sdk-provider-e2e/6UmSjxgIBMA/"
SINGLE_HAR = "recordings/node-llm-har/should-create-embeddings_961555720.har"
MULTIPLE_HAR = "recordings/node-llm-har/should-create-multiple-embeddings_3067099544.har"
EMBEDDINGS_LIST = FIXTURES / "real" / "embeddings-models" / "2025-12-14_josephleblanc-ploke_embeddings_models.json"
LLM_LIST = FIXTURES / "real" / "models" / "2026-06-16_chlnga-models-pie_openrouter-models.json"
SHIPPED_DIR = PROJECT_ROOT / "models" / "text_embedding"

PAID = "openai/text-embedding-3-small"
# A free variant that only the synthetic lists below contain; it declares `input_type`.
TYPED_FREE = "acme/typed-embed:free"
FLOAT32_RELATIVE_PRECISION = 2.0**-23


def load_embeddings_list() -> dict:
    return json.loads(EMBEDDINGS_LIST.read_text(encoding="utf-8"))


def list_entry(model_id: str) -> dict:
    return copy.deepcopy(next(model for model in load_embeddings_list()["data"] if model["id"] == model_id))


def with_free_variant(source_id: str, free_id: str, **changes: object) -> dict:
    """Return the real embeddings list plus a free copy of one of its models."""
    models_list = load_embeddings_list()
    entry = list_entry(source_id)
    entry.update({"id": free_id, "name": entry["name"] + " (free)", **changes})
    entry["pricing"] = {**entry["pricing"], "prompt": "0"}
    models_list["data"].append(entry)
    return models_list


def typed_list() -> dict:
    supported = list_entry("baai/bge-m3")["supported_parameters"] + ["input_type"]
    return with_free_variant("baai/bge-m3", TYPED_FREE, supported_parameters=supported)


def recorded_vectors(relative: str) -> list[list[float]]:
    document = real(relative)[0].json()
    return [item["embedding"] for item in sorted(document["data"], key=lambda item: item["index"])]


def base64_body(vectors: list[list[float]], prompt_tokens: int) -> dict:
    data = [
        {"object": "embedding", "index": index, "embedding": base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()}
        for index, vector in enumerate(vectors)
    ]
    return {"object": "list", "data": data, "model": PAID, "usage": {"prompt_tokens": prompt_tokens, "total_tokens": prompt_tokens}}


def assert_float32_close(decoded: list[float], original: list[float]) -> None:
    assert len(decoded) == len(original)
    for index, (got, expected) in enumerate(zip(decoded, original, strict=True)):
        assert math.isclose(got, expected, rel_tol=FLOAT32_RELATIVE_PRECISION, abs_tol=1e-45), index


def read_yaml(path: Path) -> object:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# --- recorded responses ------------------------------------------------------------------------

@pytest.mark.parametrize(("relative", "tokens"), [(SINGLE_SDK, 6), (SINGLE_HAR, 4)])
def test_recorded_single_embedding(relative, tokens):
    recording = real(relative)[0]

    page = parse_embeddings_body(recording.body, 1)

    assert len(page.vectors) == 1
    assert len(page.vectors[0]) == 1536
    assert page.vectors[0] == recording.json()["data"][0]["embedding"]
    assert page.prompt_tokens == tokens


def test_recorded_batch_in_input_order():
    recording = real(MULTIPLE_HAR)[0]

    page = parse_embeddings_body(recording.body, 2)

    assert [len(vector) for vector in page.vectors] == [1536, 1536]
    assert page.vectors == recorded_vectors(MULTIPLE_HAR)
    assert page.prompt_tokens == 2


def test_items_sorted_by_index():
    document = real(MULTIPLE_HAR)[0].json()
    document["data"].reverse()

    page = parse_embeddings_body(json.dumps(document).encode(), 2)

    assert page.vectors == recorded_vectors(MULTIPLE_HAR)


def test_keep_alive_whitespace_allowed():
    body = b"\n\n   " + real(SINGLE_HAR)[0].body

    assert len(parse_embeddings_body(body, 1).vectors) == 1


def test_base64_decodes_recorded_floats():
    originals = recorded_vectors(MULTIPLE_HAR)
    body = json.dumps(base64_body(originals, 2)).encode()

    page = parse_embeddings_body(body, 2)

    for decoded, original in zip(page.vectors, originals, strict=True):
        assert_float32_close(decoded, original)
        # float32 rounding of the recorded decimals is the only difference.
        assert decoded == list(struct.unpack(f"<{len(original)}f", struct.pack(f"<{len(original)}f", *original)))


# "AAA=" decodes to 2 bytes, half a float32.
@pytest.mark.parametrize("vector", ["not base64!", "AAA=", "", [], [0.1, "0.2"], [True, 0.5], None, {"x": 1}])
def test_malformed_vector_rejected(vector):
    body = json.dumps({"data": [{"index": 0, "embedding": vector}]}).encode()

    with pytest.raises(InvalidEmbeddings) as raised:
        parse_embeddings_body(body, 1)

    assert raised.value.code == "vector"


@pytest.mark.parametrize("data", [[], None, "x"])
def test_vector_count_mismatch_rejected(data):
    body = json.dumps({"data": data, "usage": {"prompt_tokens": 3}}).encode()

    with pytest.raises(InvalidEmbeddings) as raised:
        parse_embeddings_body(body, 2)

    assert raised.value.code == "count"
    assert raised.value.facts == {"received": 0, "sent": 2}


def test_missing_usage_gives_none():
    document = real(SINGLE_HAR)[0].json()
    del document["usage"]

    assert parse_embeddings_body(json.dumps(document).encode(), 1).prompt_tokens is None


# --- request body and input_type ---------------------------------------------------------------

def test_payload_asks_for_floats():
    payload = build_embeddings_payload(PAID, ["a", "b"])

    assert payload == {"model": PAID, "input": ["a", "b"], "encoding_format": "float"}


def test_payload_input_type_and_user():
    payload = build_embeddings_payload(PAID, ["a"], input_type="search_query", user="user-1")

    assert payload["input_type"] == "search_query"
    assert payload["user"] == "user-1"


def test_input_type_support_rule():
    real_entries = load_embeddings_list()["data"]
    typed = next(entry for entry in typed_list()["data"] if entry["id"] == TYPED_FREE)

    assert not any(embeddings.supports_input_type(entry) for entry in real_entries)
    assert embeddings.supports_input_type(typed)
    assert not embeddings.supports_input_type(None)
    assert not embeddings.supports_input_type({"id": "x", "supported_parameters": "input_type"})


def test_input_type_values():
    assert embeddings.input_type_value(EmbeddingInputType.QUERY) == "search_query"
    assert embeddings.input_type_value(EmbeddingInputType.DOCUMENT) == "search_document"
    assert embeddings.input_type_value("document") == "search_document"
    assert embeddings.input_type_value(None) is None


# --- batching against a fake server in this process --------------------------------------------

def test_split_batches_sizes():
    texts = [f"t{number}" for number in range(250)]

    batches = split_batches(texts, 100)

    assert [len(batch) for batch in batches] == [100, 100, 50]
    assert [text for batch in batches for text in batch] == texts
    assert split_batches([], 100) == []


def test_split_batches_rejects_zero():
    with pytest.raises(ValueError, match="at least 1"):
        split_batches(["a"], 0)


def _echo_vectors(request: ReceivedRequest, *, usage: bool = True) -> Reply:
    """Return one vector per text, [number, 1.0] for a text starting `text-<number>`, in reverse order."""
    texts = request.json()["input"]
    data = [
        {"object": "embedding", "index": index, "embedding": [float(re.match(r"text-(\d+)", text).group(1)), 1.0]}
        for index, text in enumerate(texts)
    ]
    data.reverse()
    document = {"object": "list", "data": data, "model": "echo"}
    if usage:
        document["usage"] = {"prompt_tokens": 3 * len(texts), "total_tokens": 3 * len(texts)}
    return Reply.json(document)


def _settings(fake: FakeOpenRouter, language: str = "en_US"):
    return read_settings({"api_key": f"sk-or-v1-{uuid.uuid4().hex}", "endpoint_url": fake.url, "error_language": language, "max_wait_seconds": "0"})


def test_batches_keep_order_and_sum_usage():
    texts = [f"text-{number}" for number in range(250)]
    with FakeOpenRouter() as fake:
        fake.add("/embeddings", _echo_vectors, always=True)

        outcome = embed_texts(_settings(fake), "acme/embed", texts, batch_size=100)

        sent = [request.json()["input"] for request in fake.requests_to("/embeddings")]
    assert [len(batch) for batch in sent] == [100, 100, 50]
    assert [text for batch in sent for text in batch] == texts
    assert [vector[0] for vector in outcome.vectors] == [float(number) for number in range(250)]
    assert outcome.tokens == 750
    assert outcome.requests == 3


def test_batch_without_usage_estimated():
    texts = ["text-1 " + "word " * 40, "text-2 你好世界"]
    with FakeOpenRouter() as fake:
        fake.add("/embeddings", lambda request: _echo_vectors(request, usage=False))
        fake.add("/embeddings", _echo_vectors)

        outcome = embed_texts(_settings(fake), "acme/embed", texts, batch_size=1)

    assert outcome.tokens == estimate_text_tokens(texts[0]) + 3


def test_empty_texts_send_nothing():
    with FakeOpenRouter() as fake:
        outcome = embed_texts(_settings(fake), "acme/embed", [], batch_size=64)

        assert fake.requests == []
    assert outcome.vectors == []
    assert outcome.tokens == 0


def test_failing_batch_raises_typed_error():
    texts = [f"text-{number}" for number in range(4)]
    with FakeOpenRouter() as fake:
        fake.add("/embeddings", _echo_vectors)
        fake.add("/embeddings", Reply.json({"error": {"message": "User not found.", "code": 401}}, status=401))

        with pytest.raises(InvokeAuthorizationError) as raised:
            embed_texts(_settings(fake), "acme/embed", texts, batch_size=2)

    assert "User not found." in raised.value.description


def test_mixed_dimensions_rejected():
    with FakeOpenRouter() as fake:
        fake.add("/embeddings", Reply.json({"data": [{"index": 0, "embedding": [0.1, 0.2]}]}))
        fake.add("/embeddings", Reply.json({"data": [{"index": 0, "embedding": [0.1, 0.2, 0.3]}]}))

        with pytest.raises(Exception) as raised:
            embed_texts(_settings(fake, "zh_Hans"), "acme/embed", ["a", "b"], batch_size=1)

    assert type(raised.value).__name__ == "InvokeServerUnavailableError"
    assert "向量长度不一致（2, 3）" in raised.value.description


# --- through the real plugin process ------------------------------------------------------------

@pytest.fixture(scope="module")
def fake():
    with FakeOpenRouter() as server:
        # The plugin caches this list per endpoint for an hour, so it is fixed for the module.
        server.add("/embeddings/models", Reply.json(typed_list()), always=True)
        server.add("/key", Reply.json({"data": {"label": "test", "is_free_tier": True}}), always=True)
        yield server


def _credentials(fake: FakeOpenRouter, language: str = "en_US") -> dict:
    # A new key per call: the plugin keeps per-account limit state between requests.
    return {"api_key": f"sk-or-v1-{uuid.uuid4().hex}", "endpoint_url": fake.url, "error_language": language, "max_wait_seconds": "0"}


def _embed(plugin, fake, model: str, texts: list[str], input_type: str = "document", language: str = "en_US"):
    request = model_request(
        "invoke_text_embedding", model, _credentials(fake, language), model_type="text-embedding", texts=texts, input_type=input_type
    )
    result = plugin.call(request)
    assert result.ended
    return result


def _error(result) -> tuple[str, str]:
    assert result.error is not None, result.messages
    return result.error["error_type"], result.error["args"]["description"]


def test_process_recorded_embeddings(plugin, fake):
    recording = real(MULTIPLE_HAR)[0]
    fake.add("/embeddings", Reply.replay(recording))

    result = _embed(plugin, fake, PAID, ["Hello", "World"])

    assert result.error is None, result.messages
    assert result.result["embeddings"] == recorded_vectors(MULTIPLE_HAR)
    assert result.result["usage"]["tokens"] == 2
    assert result.result["usage"]["total_tokens"] == 2
    sent = fake.requests_to("/embeddings")[-1].json()
    assert sent["input"] == ["Hello", "World"]
    assert sent["encoding_format"] == "float"
    assert "input_type" not in sent


def test_process_base64_response(plugin, fake):
    originals = recorded_vectors(MULTIPLE_HAR)
    fake.add("/embeddings", Reply.json(base64_body(originals, 2)))

    result = _embed(plugin, fake, PAID, ["Hello", "World"])

    assert result.error is None, result.messages
    for decoded, original in zip(result.result["embeddings"], originals, strict=True):
        assert_float32_close(decoded, original)


@pytest.mark.parametrize(("dify_type", "sent_type"), [("query", "search_query"), ("document", "search_document")])
def test_process_input_type_sent(plugin, fake, dify_type, sent_type):
    fake.add("/embeddings", _echo_vectors)

    result = _embed(plugin, fake, TYPED_FREE, ["text-7"], input_type=dify_type)

    assert result.error is None, result.messages
    assert fake.requests_to("/embeddings")[-1].json()["input_type"] == sent_type


def test_process_batches_by_max_chunks(plugin, fake):
    texts = [f"text-{number}" for number in range(130)]
    for _ in range(3):
        fake.add("/embeddings", _echo_vectors)
    before = len(fake.requests_to("/embeddings"))

    result = _embed(plugin, fake, "baai/bge-m3", texts)

    sent = [request.json()["input"] for request in fake.requests_to("/embeddings")[before:]]
    assert result.error is None, result.messages
    assert [len(batch) for batch in sent] == [64, 64, 2]
    assert [vector[0] for vector in result.result["embeddings"]] == [float(number) for number in range(130)]
    assert result.result["usage"]["tokens"] == 3 * 130


def test_process_concurrent_sessions_not_mixed(plugin, fake):
    texts_by_session = {session: [f"text-{session * 100 + number}" for number in range(5)] for session in range(10)}
    for _ in texts_by_session:
        fake.add("/embeddings", _echo_vectors)

    session_ids = {}
    for session, texts in texts_by_session.items():
        request = model_request(
            "invoke_text_embedding", PAID, _credentials(fake), model_type="text-embedding", texts=texts, input_type="document"
        )
        session_ids[session] = plugin.send(request)
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = dict(zip(session_ids, pool.map(plugin.collect, session_ids.values())))

    for session, texts in texts_by_session.items():
        assert results[session].error is None, session
        expected = [float(text.removeprefix("text-")) for text in texts]
        assert [vector[0] for vector in results[session].result["embeddings"]] == expected, session


def test_process_num_tokens_offline(plugin, fake):
    texts = ["Hello, world!", "知识库里的一段文字"]
    before = len(fake.requests)

    result = plugin.call(model_request("get_text_embedding_num_tokens", PAID, _credentials(fake), model_type="text-embedding", texts=texts))

    assert result.error is None, result.messages
    assert result.result["num_tokens"] == [estimate_text_tokens(text) for text in texts]
    assert len(fake.requests) == before


def test_process_schema_from_list(plugin, fake):
    result = plugin.call(model_request("get_ai_model_schemas", "baai/bge-m3", _credentials(fake), model_type="text-embedding"))

    schema = result.result["model_schema"]
    assert schema["model_type"] == "text-embedding"
    assert schema["fetch_from"] == "customizable-model"
    assert schema["label"]["en_US"] == "BAAI: bge-m3"
    assert schema["model_properties"] == {"context_size": 8192, "max_chunks": 64}
    assert schema["pricing"]["input"] == "0.01"


def test_process_schema_fallback_for_unlisted(plugin, fake):
    result = plugin.call(model_request("get_ai_model_schemas", "acme/unlisted-embed", _credentials(fake), model_type="text-embedding"))

    assert result.result["model_schema"]["model_properties"] == {"context_size": 512, "max_chunks": 64}


def test_process_schema_context_override(plugin, fake):
    credentials = {**_credentials(fake), "context_size": "2048"}

    result = plugin.call(model_request("get_ai_model_schemas", "baai/bge-m3", credentials, model_type="text-embedding"))

    assert result.result["model_schema"]["model_properties"] == {"context_size": 2048, "max_chunks": 64}


def test_process_schema_with_malformed_key(plugin, fake):
    credentials = {**_credentials(fake), "api_key": "sk-or-v1 with spaces"}

    result = plugin.call(model_request("get_ai_model_schemas", "baai/bge-m3", credentials, model_type="text-embedding"))

    assert result.error is None, result.messages
    assert result.result["model_schema"]["model_properties"]["context_size"] == 512


def test_process_bad_context_override_rejected(plugin, fake):
    credentials = {**_credentials(fake), "context_size": "lots"}

    result = plugin.call(model_request("validate_model_credentials", "baai/bge-m3", credentials, model_type="text-embedding"))

    assert result.error["error_type"] == "CredentialsValidateFailedError"
    assert "lots" in result.error["message"]


@pytest.mark.parametrize(("language", "sentence"), [("en_US", "has no model"), ("zh_Hans", "中没有")])
def test_process_unknown_id_suggests(plugin, fake, language, sentence):
    request = model_request("validate_model_credentials", "text-embedding-3-small", _credentials(fake, language), model_type="text-embedding")

    result = plugin.call(request)

    assert result.error["error_type"] == "CredentialsValidateFailedError"
    description = result.error["message"]
    assert sentence in description
    assert "openai/text-embedding-3-small" in description


def test_process_listed_id_validates(plugin, fake):
    request = model_request("validate_model_credentials", "baai/bge-m3", _credentials(fake), model_type="text-embedding")

    result = plugin.call(request)

    assert result.error is None, result.messages


@pytest.mark.parametrize("language", ["en_US", "zh_Hans"])
def test_process_daily_quota(plugin, fake, language):
    midnight_ms = (int(time.time() // 86400) + 1) * 86400 * 1000
    fake.add("/embeddings", daily_limit_reply(50, midnight_ms))

    error_type, description = _error(_embed(plugin, fake, TYPED_FREE, ["text-1"], language=language))

    assert error_type == "InvokeRateLimitError"
    assert_readable(description)
    assert "00:00 UTC" in description
    if language == "zh_Hans":
        assert "今日免费额度已用完" in description
    else:
        assert "daily free-model quota" in description


@pytest.mark.parametrize("language", ["en_US", "zh_Hans"])
def test_process_invalid_key(plugin, fake, language):
    fake.add("/embeddings", Reply.json({"error": {"message": "User not found.", "code": 401}}, status=401))

    error_type, description = _error(_embed(plugin, fake, PAID, ["Hello"], language=language))

    assert error_type == "InvokeAuthorizationError"
    assert_readable(description)
    assert "Incorrect model credentials provided" not in description
    assert "User not found." in description


@pytest.mark.parametrize("language", ["en_US", "zh_Hans"])
def test_process_html_bad_gateway(plugin, fake, language):
    page = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>"
    fake.add("/embeddings", Reply(status=502, headers={"content-type": "text/html"}, body=page))

    error_type, description = _error(_embed(plugin, fake, PAID, ["Hello"], language=language))

    assert error_type == "InvokeServerUnavailableError"
    assert_readable(description)
    assert "502" in description
    assert "HTML" in description


def test_process_error_object_in_200(plugin, fake):
    body = {"error": {"message": "Provider returned error", "code": 502, "metadata": {"provider_name": "DeepInfra", "raw": "upstream failed"}}}
    fake.add("/embeddings", Reply.json(body))

    error_type, description = _error(_embed(plugin, fake, PAID, ["Hello"]))

    assert error_type == "InvokeServerUnavailableError"
    assert_readable(description)
    assert "upstream failed" in description


def test_process_non_json_200(plugin, fake):
    fake.add("/embeddings", Reply(headers={"content-type": "text/plain"}, body=b"upstream proxy said no"))

    error_type, description = _error(_embed(plugin, fake, PAID, ["Hello"]))

    assert error_type == "InvokeServerUnavailableError"
    assert_readable(description)
    assert "not JSON" in description


@pytest.mark.parametrize(("language", "sentence"), [("en_US", "returned 1 embeddings for the 2 texts"), ("zh_Hans", "发送了 2 段文本")])
def test_process_vector_count_readable(plugin, fake, language, sentence):
    fake.add("/embeddings", Reply.replay(real(SINGLE_HAR)[0]))

    error_type, description = _error(_embed(plugin, fake, PAID, ["Hello", "World"], language=language))

    assert error_type == "InvokeServerUnavailableError"
    assert_readable(description)
    assert sentence in description


def test_process_connection_refused(plugin):
    credentials = {"api_key": "sk-or-v1-refused", "endpoint_url": "http://127.0.0.1:9/api/v1", "max_wait_seconds": "0"}
    request = model_request("invoke_text_embedding", PAID, credentials, model_type="text-embedding", texts=["Hello"], input_type="document")

    error_type, description = _error(plugin.call(request))

    assert error_type == "InvokeConnectionError"
    assert "127.0.0.1:9" in description


# --- the catalogue -------------------------------------------------------------------------------

def test_real_list_has_no_free_variant():
    models_list = load_embeddings_list()

    assert len(models_list["data"]) == 21
    assert free_embedding_variants(models_list) == []


def test_free_embedding_variant_price_rules():
    template = list_entry("baai/bge-m3")
    cases = {
        "zero/string:free": {"prompt": "0"},
        "zero/number:free": {"prompt": 0.0, "completion": "0"},
        "paid/model:free": {"prompt": "0.00000001", "completion": "0"},
        "no/suffix": {"prompt": "0", "completion": "0"},
    }
    data = [{**copy.deepcopy(template), "id": model_id, "pricing": pricing} for model_id, pricing in cases.items()]

    ids = [model["id"] for model in free_embedding_variants({"data": data})]

    assert ids == ["zero/string:free", "zero/number:free"]


def test_unreadable_free_price_rejected():
    entry = {**list_entry("baai/bge-m3"), "id": "odd/price:free", "pricing": {"prompt": "free"}}

    with pytest.raises(CatalogError, match="'pricing.prompt' is not a number"):
        free_embedding_variants({"data": [entry]})


def test_embedding_entity_from_real_entry():
    entity = embedding_entity(list_entry("qwen/qwen3-embedding-8b"), "customizable-model")

    assert entity["model_type"] == "text-embedding"
    assert entity["label"] == {"en_US": "Qwen: Qwen3 Embedding 8B"}
    assert entity["model_properties"] == {"context_size": 32768, "max_chunks": 64}
    assert entity["pricing"] == {"input": "0.01", "unit": "0.000001", "currency": "USD"}
    AIModelEntity(**entity)


def test_fallback_entity_validates():
    entity = fallback_embedding_entity("acme/unlisted")

    assert entity["model_properties"]["context_size"] == 512
    AIModelEntity(**entity)


@pytest.mark.parametrize("pricing", [{"prompt": "-1"}, {"prompt": None}, {}])
def test_unusable_price_rejected(pricing):
    entry = {**list_entry("baai/bge-m3"), "pricing": pricing}

    with pytest.raises(CatalogError, match="pricing.prompt"):
        embedding_entity(entry)


def _run_catalog(tmp_path: Path, embeddings_list: dict, capsys) -> tuple[int, str, str]:
    source = tmp_path / "embeddings.json"
    source.write_text(json.dumps(embeddings_list), encoding="utf-8")
    status = catalog_main([
        str(LLM_LIST), "--out-dir", str(tmp_path / "llm"),
        "--embeddings", str(source), "--embeddings-out-dir", str(tmp_path / "text_embedding"),
    ])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_cli_real_embeddings_list(tmp_path, capsys):
    status, output, _ = _run_catalog(tmp_path, load_embeddings_list(), capsys)

    assert status == 0
    assert "0 free embedding models. The newest model in the list was created on 2025-11-18." in output
    assert "22 free models." in output
    assert read_yaml(tmp_path / "text_embedding" / "_position.yaml") == []
    assert [path.name for path in (tmp_path / "text_embedding").iterdir()] == ["_position.yaml"]


def test_cli_presets_free_variant(tmp_path, capsys):
    models_list = with_free_variant("baai/bge-m3", "baai/bge-m3:free")

    status, output, _ = _run_catalog(tmp_path, models_list, capsys)

    path = tmp_path / "text_embedding" / file_name("baai/bge-m3:free")
    entity = read_yaml(path)
    assert status == 0
    assert "Added 1:\n  + baai/bge-m3:free" in output
    assert entity["model"] == "baai/bge-m3:free"
    assert entity["model_type"] == "text-embedding"
    assert entity["fetch_from"] == "predefined-model"
    assert entity["model_properties"] == {"context_size": 8192, "max_chunks": 64}
    assert entity["pricing"] == {"input": "0", "unit": "0.000001", "currency": "USD"}
    assert path.read_text(encoding="utf-8").startswith("# Generated by `make catalog SOURCE=... EMBEDDINGS_SOURCE=...`")
    assert read_yaml(tmp_path / "text_embedding" / "_position.yaml") == ["baai/bge-m3:free"]
    AIModelEntity(**entity)


def test_cli_changes_and_retires_variant(tmp_path, capsys):
    _run_catalog(tmp_path, with_free_variant("baai/bge-m3", "baai/bge-m3:free"), capsys)
    _, changed, _ = _run_catalog(tmp_path, with_free_variant("baai/bge-m3", "baai/bge-m3:free", context_length=4096), capsys)

    status, retired, _ = _run_catalog(tmp_path, load_embeddings_list(), capsys)

    entity = read_yaml(tmp_path / "text_embedding" / file_name("baai/bge-m3:free"))
    assert "~ baai/bge-m3:free: context_size 8192 -> 4096" in changed
    assert status == 0
    assert "Retired 1" in retired
    assert entity["deprecated"] is True
    assert read_yaml(tmp_path / "text_embedding" / "_position.yaml") == []
    AIModelEntity(**entity)


def test_cli_bad_embeddings_list_writes_nothing(tmp_path, capsys):
    status, _, errors = _run_catalog(tmp_path, {"models": []}, capsys)

    assert status == 1
    assert "the embedding models list must be a JSON object with a 'data' list" in errors
    assert not (tmp_path / "llm").exists()
    assert not (tmp_path / "text_embedding").exists()


def test_shipped_embedding_catalog_matches_generator(tmp_path):
    for path in SHIPPED_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    shipped = {path.name: path.read_bytes() for path in tmp_path.iterdir()}

    update = update_embedding_catalog(load_embeddings_list(), tmp_path)

    assert shipped
    assert update.added == []
    assert update.changed == {}
    assert update.retired == []
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == shipped


def test_provider_declares_text_embedding(monkeypatch):
    # The SDK resolves the provider's predefined globs against the working directory.
    monkeypatch.chdir(PROJECT_ROOT)
    provider = read_yaml(PROJECT_ROOT / "provider" / "openrouter_free.yaml")

    configuration = ModelProviderConfiguration(**provider)

    assert "text-embedding" in [model_type.value for model_type in configuration.supported_model_types]
    assert configuration.position.text_embedding == read_yaml(SHIPPED_DIR / "_position.yaml")
    assert "models/text_embedding/text_embedding.py" in configuration.extra.python.model_sources
