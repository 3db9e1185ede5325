"""The cached model lists, id look-up, suggestions, free alternatives and the shipped catalogue."""

from __future__ import annotations

import json
import threading
import time

import pytest
import yaml
from dify_plugin.errors.model import InvokeConnectionError, InvokeServerUnavailableError

from openrouter import model_lookup
from openrouter.catalog import model_entity
from openrouter.model_lookup import TimedCache, cached_list, find_model, free_alternatives, shipped_entry, suggest_ids
from openrouter.settings import Settings
from tests.conftest import FIXTURES
from tests.fake_clock import ManualClock
from tests.helpers import FAKE_KEY
from tools.fake_openrouter import FakeOpenRouter, Reply

MODELS_2026_06 = FIXTURES / "real" / "models" / "2026-06-16_chlnga-models-pie_openrouter-models.json"


@pytest.fixture
def clock(monkeypatch):
    """A fresh process-wide list cache whose time moves only when the test advances it."""
    fake_clock = ManualClock()
    monkeypatch.setattr(model_lookup, "model_lists", TimedCache(model_lookup.LIST_TTL_S, failure_ttl_s=model_lookup.FAILURE_TTL_S, clock=fake_clock))
    return fake_clock


@pytest.fixture
def models_list() -> dict:
    return json.loads(MODELS_2026_06.read_text(encoding="utf-8"))


@pytest.fixture
def fake():
    with FakeOpenRouter() as server:
        yield server


def _settings(url: str, language: str = "en_US") -> Settings:
    return Settings(api_key=FAKE_KEY, endpoint_url=url, language=language, max_wait_s=0.0)


def _closed_port_url() -> str:
    # A port that was just free: nothing listens there, so connecting is refused.
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/v1"


# TimedCache


def test_cache_loads_once_within_ttl():
    clock = ManualClock()
    cache = TimedCache(60.0, clock=clock)
    loads = []

    first = cache.get("key", lambda: loads.append(1) or "value")
    clock.now_s += 59
    second = cache.get("key", lambda: loads.append(1) or "other")

    assert first == "value"
    assert second == "value"
    assert len(loads) == 1


def test_cache_reloads_after_ttl():
    clock = ManualClock()
    cache = TimedCache(60.0, clock=clock)
    cache.get("key", lambda: "old")

    clock.now_s += 60
    value = cache.get("key", lambda: "new")

    assert value == "new"


def test_cache_returns_stale_on_failure():
    clock = ManualClock()
    cache = TimedCache(60.0, failure_ttl_s=30.0, clock=clock)
    cache.get("key", lambda: "old")
    clock.now_s += 61

    def fail():
        raise OSError("down")

    assert cache.get("key", fail) == "old"


def test_cache_remembers_failure():
    clock = ManualClock()
    cache = TimedCache(60.0, failure_ttl_s=30.0, clock=clock)
    calls = []

    def fail():
        calls.append(1)
        raise OSError("down")

    with pytest.raises(OSError):
        cache.get("key", fail)
    clock.now_s += 29
    with pytest.raises(OSError):
        cache.get("key", fail)
    clock.now_s += 1
    value = cache.get("key", lambda: "back")

    assert len(calls) == 1
    assert value == "back"


def test_cache_loads_once_under_concurrency():
    cache = TimedCache(60.0)
    loads = []
    start = threading.Barrier(20)

    def slow_load():
        loads.append(1)
        time.sleep(0.05)
        return "value"

    def worker(results: list) -> None:
        start.wait()
        results.append(cache.get("key", slow_load))

    results: list = []
    threads = [threading.Thread(target=worker, args=(results,)) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == ["value"] * 20
    assert len(loads) == 1


# cached_list and find_model against a fake OpenRouter


def test_list_fetched_without_key(fake, clock, models_list):
    fake.add("/models", Reply.json(models_list), always=True)

    entries = cached_list(_settings(fake.url), "/models")

    request = fake.requests_to("/models")[0]
    assert len(entries) == len(models_list["data"])
    assert "authorization" not in request.headers
    assert request.method == "GET"


def test_list_cached_for_an_hour(fake, clock, models_list):
    fake.add("/models", Reply.json(models_list), always=True)
    settings = _settings(fake.url)

    cached_list(settings, "/models")
    clock.now_s += 3599
    cached_list(settings, "/models")
    requests_within_hour = len(fake.requests_to("/models"))
    clock.now_s += 1
    cached_list(settings, "/models")

    assert requests_within_hour == 1
    assert len(fake.requests_to("/models")) == 2


def test_list_cached_per_path(fake, clock, models_list):
    embeddings = json.loads((FIXTURES / "real" / "embeddings-models" / "2025-12-14_josephleblanc-ploke_embeddings_models.json").read_text(encoding="utf-8"))
    fake.add("/models", Reply.json(models_list), always=True)
    fake.add("/embeddings/models", Reply.json(embeddings), always=True)
    settings = _settings(fake.url)

    chat = cached_list(settings, "/models")
    embedding = cached_list(settings, "/embeddings/models")

    assert len(chat) == len(models_list["data"])
    assert len(embedding) == len(embeddings["data"])


def test_list_unreachable_names_url(clock):
    url = _closed_port_url()

    for language, expected in (("en_US", "Could not connect to"), ("zh_Hans", "无法连接")):
        with pytest.raises(InvokeConnectionError) as raised:
            cached_list(_settings(url, language), "/models")
        assert expected in raised.value.description
        assert url in raised.value.description
        assert FAKE_KEY not in raised.value.description


def test_list_failure_remembered_briefly(fake, clock, models_list):
    fake.add("/models", Reply.json({"error": {"message": "Service Unavailable", "code": 503}}, status=503))
    fake.add("/models", Reply.json(models_list), always=True)
    settings = _settings(fake.url)

    with pytest.raises(InvokeServerUnavailableError):
        cached_list(settings, "/models")
    with pytest.raises(InvokeServerUnavailableError):
        cached_list(settings, "/models")
    requests_while_remembered = len(fake.requests_to("/models"))
    clock.now_s += model_lookup.FAILURE_TTL_S
    entries = cached_list(settings, "/models")

    assert requests_while_remembered == 1
    assert len(entries) == len(models_list["data"])


def test_list_without_data_not_openrouter(fake, clock):
    fake.add("/models", Reply.json({"models": []}), always=True)

    for language, expected in (("en_US", "returned JSON without the \"data\" object"), ("zh_Hans", "没有 OpenRouter API 应有的 data 对象")):
        model_lookup.model_lists.clear()
        with pytest.raises(InvokeServerUnavailableError) as raised:
            cached_list(_settings(fake.url, language), "/models")
        assert expected in raised.value.description
        assert f"{fake.url}/models" in raised.value.description


def test_list_html_not_openrouter(fake, clock):
    fake.add("/models", Reply(headers={"content-type": "text/html"}, body=b"<!doctype html><html><body>Sign in</body></html>"), always=True)

    for language, expected in (("en_US", "returned a web page (HTML)"), ("zh_Hans", "返回的是网页（HTML）")):
        model_lookup.model_lists.clear()
        with pytest.raises(InvokeServerUnavailableError) as raised:
            cached_list(_settings(fake.url, language), "/models")
        assert expected in raised.value.description


def test_find_model_exact_and_routing_variant(fake, clock, models_list):
    fake.add("/models", Reply.json(models_list), always=True)
    settings = _settings(fake.url)

    exact = find_model(settings, "openai/gpt-oss-20b")
    variant = find_model(settings, "openai/gpt-oss-20b:nitro")
    missing = find_model(settings, "openai/gpt-oss-20b-nope")

    assert exact["id"] == "openai/gpt-oss-20b"
    assert variant["id"] == "openai/gpt-oss-20b"
    assert missing is None


def test_find_model_miss_refreshes_old_list(fake, clock, models_list):
    newer = {"data": models_list["data"] + [{**models_list["data"][0], "id": "acme/brand-new"}]}
    fake.add("/models", Reply.json(models_list))
    fake.add("/models", Reply.json(newer), always=True)
    settings = _settings(fake.url)
    find_model(settings, "openai/gpt-oss-20b")

    clock.now_s += model_lookup.MISS_REFRESH_AGE_S - 1
    before_refresh_age = find_model(settings, "acme/brand-new")
    clock.now_s += 1
    after_refresh_age = find_model(settings, "acme/brand-new")

    assert before_refresh_age is None
    assert after_refresh_age["id"] == "acme/brand-new"
    assert len(fake.requests_to("/models")) == 2


# suggest_ids and free_alternatives


def test_suggestions_for_misspelt_free_id(models_list):
    suggestions = suggest_ids("openai/gpt-oss-20b:fre", models_list["data"])

    assert suggestions == ["openai/gpt-oss-20b:free", "openai/gpt-oss-120b:free", "openai/gpt-oss-20b"]


def test_suggestions_without_vendor(models_list):
    suggestions = suggest_ids("qwen3-coder:free", models_list["data"])

    assert suggestions[0] == "qwen/qwen3-coder:free"
    assert len(suggestions) == 3


def test_suggestions_for_misspelt_paid_id(models_list):
    suggestions = suggest_ids("anthropic/claude-sonet-4.5", models_list["data"])

    assert suggestions == ["anthropic/claude-sonnet-4.5", "anthropic/claude-sonnet-4.6", "anthropic/claude-sonnet-4"]


def test_no_suggestions_for_unrelated_id(models_list):
    assert suggest_ids("zzz", models_list["data"]) == []


def test_free_alternatives_most_similar_first(fake, clock, models_list):
    fake.add("/models", Reply.json(models_list), always=True)

    alternatives = free_alternatives(_settings(fake.url), "openai/gpt-oss-20b:free")

    assert alternatives[0] == "openai/gpt-oss-120b:free"
    assert len(alternatives) == 3
    assert all(model_id.endswith(":free") for model_id in alternatives)
    assert "openai/gpt-oss-20b:free" not in alternatives


def test_free_alternatives_empty_when_unreachable(clock):
    assert free_alternatives(_settings(_closed_port_url()), "openai/gpt-oss-20b:free") == []


# The shipped catalogue as a fallback source


def test_shipped_entities_round_trip():
    paths = sorted(path for path in model_lookup.SHIPPED_MODELS_DIR.glob("*.yaml") if not path.name.startswith("_"))
    assert len(paths) >= 22

    for path in paths:
        entity = yaml.safe_load(path.read_text(encoding="utf-8"))
        rebuilt = model_entity(model_lookup.entry_from_entity(entity))
        assert rebuilt == entity, path.name


def test_shipped_entry_by_id_and_variant():
    entry = shipped_entry("qwen/qwen3-coder:free")
    variant = shipped_entry("qwen/qwen3-coder:free:nitro")

    assert entry["context_length"] == 1048576
    assert variant is entry
    assert shipped_entry("acme/not-shipped") is None
