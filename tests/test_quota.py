"""`make quota` (tools.quota) and the daily-request facts for the quota message, against a fake /key."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys

import pytest

from openrouter import key_status
from openrouter.failures import failure_from_response, render_failure
from openrouter.key_status import DailyRequests, daily_quota_facts, parse_key_data
from openrouter.model_lookup import TimedCache
from openrouter.settings import Settings
from tests.conftest import FIXTURES
from tests.fake_clock import ManualClock
from tests.helpers import FAKE_KEY, PROJECT_ROOT
from tools import quota
from tools.fake_openrouter import FakeOpenRouter, Reply

DOCUMENTED = json.loads((FIXTURES / "documented" / "errors-and-key.json").read_text(encoding="utf-8"))
KEY_INFO = next(entry for entry in DOCUMENTED if entry["kind"].startswith("key info"))["body"]
DAILY_QUOTA = next(entry for entry in DOCUMENTED if entry["kind"] == "daily free quota, under 10 credits bought")
# 2026-12-04 16:00 UTC, eight hours before the free-model counter resets.
NOW_MS = 1_796_400_000_000


@pytest.fixture
def fake():
    with FakeOpenRouter() as server:
        yield server


def _run_quota(monkeypatch, capsys, url: str, api_key: str = FAKE_KEY) -> tuple[int, str, str]:
    monkeypatch.setenv("OPENROUTER_API_KEY", api_key)
    monkeypatch.setenv("OPENROUTER_ENDPOINT_URL", url)
    code = quota.main(now_ms=NOW_MS)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# make quota


def test_quota_all_fields(fake, monkeypatch, capsys):
    fake.add("/key", Reply.json(KEY_INFO), always=True)

    code, out, err = _run_quota(monkeypatch, capsys, fake.url)

    assert code == 0
    assert err == ""
    assert out.splitlines() == [
        f"OpenRouter API key status ({fake.url})",
        "  Key label:                      sk-or-v1-abc...xyz",
        "  Free tier:                      yes",
        "  Free-model requests used today: 12",
        "  Free-model requests per day:    50",
        "  Free-model requests left today: 38",
        "  Free-model requests reset:      2026-12-05 00:00 UTC (in 8 h)",
        "  Credits used in total:          0",
        "  Credits used today:             0",
        "  Key credit limit:               no limit",
    ]
    assert fake.requests_to("/chat/completions") == []


def test_quota_fields_absent(fake, monkeypatch, capsys):
    fake.add("/key", Reply.json({"data": {"label": "sk-or-v1-abc...xyz", "usage": 0.1015644762}}), always=True)

    code, out, _ = _run_quota(monkeypatch, capsys, fake.url)

    assert code == 0
    assert out.splitlines()[1:] == [
        "  Key label:                      sk-or-v1-abc...xyz",
        "  Free tier:                      unknown",
        "  Free-model requests used today: unknown",
        "  Free-model requests per day:    unknown",
        "  Free-model requests left today: unknown",
        "  Free-model requests reset:      unknown",
        "  Credits used in total:          0.1016",
        "  Credits used today:             unknown",
        "  Key credit limit:               unknown",
        "  Key credit limit left:          unknown",
        "  Key credit limit resets:        unknown",
        "OpenRouter's response has no free_model_daily_requests field, so today's free-model requests are unknown.",
    ]


def test_quota_key_with_own_limit(fake, monkeypatch, capsys):
    data = {**KEY_INFO["data"], "is_free_tier": False, "limit": 5, "limit_remaining": 4.8984355238, "limit_reset": "monthly"}
    del data["free_model_daily_requests"]
    fake.add("/key", Reply.json({"data": data}), always=True)

    code, out, _ = _run_quota(monkeypatch, capsys, fake.url)

    lines = out.splitlines()
    assert code == 0
    assert "  Free tier:                      no" in lines
    assert "  Key credit limit:               5" in lines
    assert "  Key credit limit left:          4.8984" in lines
    assert "  Key credit limit resets:        monthly" in lines
    assert "  Free-model requests used today: unknown" in lines


def test_quota_details_withheld(fake, monkeypatch, capsys):
    fake.add("/key", Reply.json({"error": {"message": "Insufficient credits", "code": 402}}, status=402), always=True)

    code, out, _ = _run_quota(monkeypatch, capsys, fake.url)

    assert code == 0
    assert "  Key label:                      unknown" in out.splitlines()
    assert out.splitlines()[-1] == "OpenRouter accepted the key but answered HTTP 402 (payment required) for its details, so every field is unknown."


@pytest.mark.parametrize("api_key", ["", "   "])
def test_quota_without_key(monkeypatch, capsys, api_key):
    monkeypatch.setenv("OPENROUTER_API_KEY", api_key)

    code = quota.main()

    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.startswith("OPENROUTER_API_KEY is not set.")


def test_quota_revoked_key(fake, monkeypatch, capsys):
    revoked = next(entry for entry in DOCUMENTED if entry["kind"] == "invalid or revoked key")["body"]
    fake.add("/key", Reply.json(revoked, status=401), always=True)

    code, out, err = _run_quota(monkeypatch, capsys, fake.url)

    assert code == 1
    assert out == ""
    assert err.startswith("OpenRouter did not accept the API key: it is invalid, revoked")
    assert "Traceback" not in err
    assert FAKE_KEY not in err


def test_quota_html_answer(fake, monkeypatch, capsys):
    fake.add("/key", Reply(headers={"content-type": "text/html"}, body=b"<html><body>Welcome</body></html>"), always=True)

    code, _, err = _run_quota(monkeypatch, capsys, fake.url)

    assert code == 1
    assert err.startswith(f"{fake.url}/key returned a web page (HTML)")


def test_quota_endpoint_not_http(monkeypatch, capsys):
    code, _, err = _run_quota(monkeypatch, capsys, "file:///etc/openrouter")

    assert code == 1
    assert err.startswith("The API base URL \"file:///etc/openrouter\" is not an http(s) URL.")


def test_quota_module_runs(fake):
    fake.add("/key", Reply.json(KEY_INFO), always=True)
    environment = {**os.environ, "OPENROUTER_API_KEY": FAKE_KEY, "OPENROUTER_ENDPOINT_URL": fake.url}

    completed = subprocess.run([sys.executable, "-m", "tools.quota"], cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True, timeout=60)

    assert completed.returncode == 0, completed.stderr
    assert "  Free-model requests left today: 38" in completed.stdout.splitlines()


# parse_key_data


def test_parse_daily_requests():
    status = parse_key_data(KEY_INFO["data"], now_ms=NOW_MS)

    assert status.daily_requests == DailyRequests(used=12, limit=50, remaining=38, reset_at_ms=1_796_428_800_000)
    assert status.is_free_tier is True
    assert status.key_limit == float("inf")
    assert status.key_limit_reset == "never"


def test_parse_ignores_wrong_types():
    data = {"label": 7, "is_free_tier": "yes", "usage": "0.5", "free_model_daily_requests": {"used": -1, "limit": 50.0, "remaining": True}}

    status = parse_key_data(data, now_ms=NOW_MS)

    assert status.label is None
    assert status.is_free_tier is None
    assert status.credits_used is None
    assert status.daily_requests.used is None
    assert status.daily_requests.limit == 50
    assert status.daily_requests.remaining is None


# daily_quota_facts


@pytest.fixture
def clock(monkeypatch):
    fake_clock = ManualClock()
    monkeypatch.setattr(key_status, "daily_facts", TimedCache(key_status.DAILY_FACTS_TTL_S, clock=fake_clock))
    return fake_clock


def _settings(url: str) -> Settings:
    return Settings(api_key=FAKE_KEY, endpoint_url=url, language="en_US", max_wait_s=0.0)


def test_daily_facts_present(fake, clock):
    fake.add("/key", Reply.json(KEY_INFO), always=True)

    assert daily_quota_facts(_settings(fake.url)) == {"used": 12, "limit": 50, "remaining": 38}


def test_daily_facts_absent(fake, clock):
    data = dict(KEY_INFO["data"])
    del data["free_model_daily_requests"]
    fake.add("/key", Reply.json({"data": data}), always=True)

    assert daily_quota_facts(_settings(fake.url)) == {}


def test_daily_facts_cached_briefly(fake, clock):
    fake.add("/key", Reply.json(KEY_INFO), always=True)
    settings = _settings(fake.url)

    daily_quota_facts(settings)
    clock.now_s += key_status.DAILY_FACTS_TTL_S - 1
    daily_quota_facts(settings)
    requests_within_ttl = len(fake.requests_to("/key"))
    clock.now_s += 1
    daily_quota_facts(settings)

    assert requests_within_ttl == 1
    assert len(fake.requests_to("/key")) == 2


def test_daily_facts_failure_cached(fake, clock):
    fake.add("/key", Reply.json({"error": {"message": "Internal Server Error", "code": 500}}, status=500), always=True)
    settings = _settings(fake.url)

    first = daily_quota_facts(settings)
    second = daily_quota_facts(settings)

    assert first == {}
    assert second == {}
    assert len(fake.requests_to("/key")) == 1


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en_US", "50 of the 50 free-model requests allowed per day have been used."), ("zh_Hans", "今日已用 50/50 次免费模型请求。")],
)
def test_daily_facts_complete_quota_message(fake, clock, language, expected):
    """The wiring the chat path needs: a quota 429, then `used` from /key in the failure's facts."""
    used_up = {"data": {**KEY_INFO["data"], "free_model_daily_requests": {"limit": 50, "remaining": 0, "used": 50}}}
    fake.add("/key", Reply.json(used_up), always=True)
    failure = failure_from_response(429, {}, json.dumps(DAILY_QUOTA["body"]).encode(), now_ms=NOW_MS)

    facts = daily_quota_facts(_settings(fake.url))
    completed = dataclasses.replace(failure, facts={**failure.facts, "used": facts["used"]}, limit=failure.limit or facts.get("limit"))

    assert expected not in render_failure(failure, language, now_ms=NOW_MS)
    assert expected in render_failure(completed, language, now_ms=NOW_MS)
