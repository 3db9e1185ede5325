"""Free-tier pacing: the account budget, waits, retries and refusals, on a virtual clock."""

from __future__ import annotations

import threading

import pytest
from dify_plugin.errors.model import InvokeBadRequestError, InvokeRateLimitError

from openrouter.budget import Budgets, is_free_model
from openrouter.chat_request import ParameterError, build_chat_payload, parse_fallback_models
from openrouter.failures import Failure, FailureKind, failure_from_response, to_dify_error
from openrouter.pacing import send_paced
from openrouter.settings import Settings
from tests.fake_clock import VirtualClock
from tools.fake_openrouter import Reply
from tools.limited_openrouter import daily_limit_reply, minute_limit_reply

FREE = "qwen/qwen3-coder:free"
PAID = "openai/gpt-4o"


def _settings(max_wait_s: float = 30.0, key: str = "sk-or-v1-test", language: str = "en_US") -> Settings:
    return Settings(api_key=key, endpoint_url="http://127.0.0.1:9/api/v1", language=language, max_wait_s=max_wait_s)


def _raise_reply(reply: Reply, *, text_sent: bool = False):
    failure = failure_from_response(reply.status, reply.headers, reply.body)
    error = to_dify_error(failure, "en_US")
    error.text_sent = text_sent
    raise error


class WindowServer:
    """Stands in for OpenRouter: `limit` free requests per fixed window of `window_s`."""

    def __init__(self, clock: VirtualClock, limit: int, window_s: float) -> None:
        self.clock = clock
        self.limit = limit
        self.window_s = window_s
        self.origin_s = clock.time()
        self.counts: dict[int, int] = {}
        self.rejected = 0
        self.sent = 0
        self._lock = threading.Lock()

    def send(self) -> str:
        now_s = self.clock.time()
        window = int((now_s - self.origin_s) // self.window_s)
        with self._lock:
            self.sent += 1
            if self.counts.get(window, 0) >= self.limit:
                self.rejected += 1
                reset_ms = int((self.origin_s + (window + 1) * self.window_s) * 1000)
                reply = minute_limit_reply(self.limit, reset_ms)
            else:
                self.counts[window] = self.counts.get(window, 0) + 1
                return "ok"
        _raise_reply(reply)


def test_sequential_burst_learns_limit():
    clock = VirtualClock()
    server = WindowServer(clock, limit=20, window_s=2.0)
    budgets = Budgets()

    results = [send_paced(FREE, _settings(), server.send, clock=clock, budgets=budgets) for _ in range(60)]

    assert results == ["ok"] * 60
    assert server.rejected <= 3
    assert max(server.counts.values()) == 20
    assert clock.time() - server.origin_s <= 3 * 2.0 + 2.0


def test_concurrent_callers_share_budget():
    callers = 60
    clock = VirtualClock(participants=callers)
    server = WindowServer(clock, limit=20, window_s=2.0)
    budgets = Budgets()
    results: list[object] = []

    def call() -> None:
        try:
            results.append(send_paced(FREE, _settings(), server.send, clock=clock, budgets=budgets))
        except Exception as error:  # collected for the assertions below
            results.append(error)
        finally:
            clock.finished()

    threads = [threading.Thread(target=call) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert results.count("ok") == callers
    assert server.rejected <= 3
    assert max(server.counts.values()) <= 20
    assert clock.time() - server.origin_s <= 3 * 2.0 + 2.0


def test_window_learned_from_two_resets():
    clock = VirtualClock()
    budgets = Budgets()
    budget = budgets.for_account(_settings().account_id)
    first = Failure(kind=FailureKind.MINUTE_LIMIT, limit=5, reset_at_ms=int((clock.now + 3) * 1000))
    second = Failure(kind=FailureKind.MINUTE_LIMIT, limit=5, reset_at_ms=int((clock.now + 10) * 1000))

    budget.record_failure(first, clock.now)
    assert budget.window_s is None
    budget.record_failure(second, clock.now + 4)

    assert budget.window_s == pytest.approx(7.0)
    assert budget.limit == 5


def test_hold_until_reported_reset():
    clock = VirtualClock()
    budgets = Budgets()
    budget = budgets.for_account(_settings().account_id)
    budget.record_failure(Failure(kind=FailureKind.MINUTE_LIMIT, limit=2, reset_at_ms=int((clock.now + 12) * 1000)), clock.now)

    decision = budget.decide(clock.now, may_wait=True)

    assert decision.ticket is None
    assert decision.wait_s == pytest.approx(12.0)


def test_max_wait_zero_refuses_unsent():
    clock = VirtualClock()
    budgets = Budgets()
    settings = _settings(max_wait_s=0)
    budgets.for_account(settings.account_id).record_failure(
        Failure(kind=FailureKind.MINUTE_LIMIT, limit=20, reset_at_ms=int((clock.now + 40) * 1000)), clock.now
    )
    calls = []

    with pytest.raises(InvokeRateLimitError) as raised:
        send_paced(FREE, settings, lambda: calls.append(1), clock=clock, budgets=budgets)

    assert calls == []
    assert clock.slept == []
    assert "20" in raised.value.description
    assert raised.value.failure.facts["would_wait_s"] == 40
    assert "did not send" in raised.value.description


def test_wait_over_bound_fails_at_once():
    clock = VirtualClock()
    budgets = Budgets()
    settings = _settings(max_wait_s=30)
    budgets.for_account(settings.account_id).record_failure(
        Failure(kind=FailureKind.MINUTE_LIMIT, limit=20, reset_at_ms=int((clock.now + 50) * 1000)), clock.now
    )

    with pytest.raises(InvokeRateLimitError) as raised:
        send_paced(FREE, settings, lambda: "never", clock=clock, budgets=budgets)

    assert clock.slept == []
    assert raised.value.failure.facts["would_wait_s"] == pytest.approx(50.0)
    assert raised.value.failure.facts["max_wait_s"] == 30


def test_wait_within_bound_then_sent():
    clock = VirtualClock()
    budgets = Budgets()
    settings = _settings(max_wait_s=30)
    budgets.for_account(settings.account_id).record_failure(
        Failure(kind=FailureKind.MINUTE_LIMIT, limit=20, reset_at_ms=int((clock.now + 20) * 1000)), clock.now
    )
    start = clock.now

    assert send_paced(FREE, settings, lambda: "sent", clock=clock, budgets=budgets) == "sent"
    assert clock.now - start == pytest.approx(20.0)


def test_spent_day_refused_without_request():
    clock = VirtualClock()
    budgets = Budgets()
    settings = _settings()
    reset_ms = int((clock.now + 5 * 3600) * 1000)
    calls = []

    def spent_day():
        calls.append(1)
        _raise_reply(daily_limit_reply(50, reset_ms))

    with pytest.raises(InvokeRateLimitError) as first:
        send_paced(FREE, settings, spent_day, clock=clock, budgets=budgets)
    with pytest.raises(InvokeRateLimitError) as second:
        send_paced("meta-llama/llama-3.3-70b-instruct:free", settings, spent_day, clock=clock, budgets=budgets)

    assert calls == [1]
    assert clock.slept == []
    assert second.value.failure.kind is FailureKind.DAILY_QUOTA
    assert second.value.description == first.value.description


def test_spent_day_spares_paid_models():
    clock = VirtualClock()
    budgets = Budgets()
    settings = _settings()
    budgets.for_account(settings.account_id).record_failure(
        Failure(kind=FailureKind.DAILY_QUOTA, limit=50, reset_at_ms=int((clock.now + 3600) * 1000)), clock.now
    )

    assert send_paced(PAID, settings, lambda: "paid", clock=clock, budgets=budgets) == "paid"


def test_spent_day_clears_after_reset():
    clock = VirtualClock()
    budgets = Budgets()
    settings = _settings()
    budgets.for_account(settings.account_id).record_failure(
        Failure(kind=FailureKind.DAILY_QUOTA, limit=50, reset_at_ms=int((clock.now + 60) * 1000)), clock.now
    )
    clock.now += 61

    assert send_paced(FREE, settings, lambda: "new day", clock=clock, budgets=budgets) == "new day"


def test_spent_day_is_per_account():
    clock = VirtualClock()
    budgets = Budgets()
    budgets.for_account(_settings(key="sk-or-v1-first").account_id).record_failure(
        Failure(kind=FailureKind.DAILY_QUOTA, limit=50, reset_at_ms=int((clock.now + 60) * 1000)), clock.now
    )

    assert send_paced(FREE, _settings(key="sk-or-v1-second"), lambda: "other", clock=clock, budgets=budgets) == "other"


def test_upstream_busy_backoff_grows():
    clock = VirtualClock()
    attempts = []
    body = b'{"error":{"message":"Provider returned error","code":429,"metadata":{"raw":"x:free is temporarily rate-limited upstream","provider_name":"Chutes"}}}'

    def busy_twice():
        attempts.append(clock.now)
        if len(attempts) < 3:
            _raise_reply(Reply(status=429, body=body))
        return "through"

    assert send_paced(FREE, _settings(), busy_twice, clock=clock, budgets=Budgets()) == "through"
    assert clock.slept == [pytest.approx(2.0), pytest.approx(4.0)]


def test_retry_after_honoured():
    clock = VirtualClock()
    attempts = []
    body = b'{"error":{"message":"Provider returned error","code":429,"metadata":{"raw":"busy upstream, temporarily rate-limited upstream","provider_name":"Chutes","retry_after_seconds":7}}}'

    def busy_once():
        attempts.append(1)
        if len(attempts) == 1:
            _raise_reply(Reply(status=429, headers={"Retry-After": "7"}, body=body))
        return "ok"

    send_paced(FREE, _settings(), busy_once, clock=clock, budgets=Budgets())

    assert clock.slept == [pytest.approx(7.0)]


def test_model_demand_waits_for_reset():
    clock = VirtualClock()
    attempts = []
    reset_ms = int((clock.now + 9) * 1000)
    body = b'{"error":{"message":"Rate limit exceeded: limit_rpm/qwen/qwen3-coder/abc. High demand for qwen/qwen3-coder:free on OpenRouter - limited to 8 requests per minute.","code":429}}'

    def demand_once():
        attempts.append(1)
        if len(attempts) == 1:
            _raise_reply(Reply(status=429, headers={"X-RateLimit-Reset": str(reset_ms)}, body=body))
        return "ok"

    send_paced(FREE, _settings(), demand_once, clock=clock, budgets=Budgets())

    assert clock.slept == [pytest.approx(9.0, abs=0.01)]


def test_no_retry_after_partial_text():
    clock = VirtualClock()
    attempts = []
    reset_ms = int((clock.now + 3) * 1000)

    def limited_mid_stream():
        attempts.append(1)
        _raise_reply(minute_limit_reply(20, reset_ms), text_sent=True)

    with pytest.raises(InvokeRateLimitError):
        send_paced(FREE, _settings(), limited_mid_stream, clock=clock, budgets=Budgets())

    assert attempts == [1]
    assert clock.slept == []


@pytest.mark.parametrize(
    "status, body",
    [
        (400, b'{"error":{"message":"acme/fake-1.0 is not a valid model ID","code":400}}'),
        (401, b'{"error":{"message":"User not found.","code":401}}'),
        (402, b'{"error":{"message":"Insufficient credits. This account never purchased credits.","code":402}}'),
        (403, b'{"error":{"message":"Key limit exceeded. Manage it using https://openrouter.ai/keys","code":403}}'),
        (404, b'{"error":{"message":"No endpoints found matching your data policy (Free model publication). Configure: https://openrouter.ai/settings/privacy","code":404}}'),
    ],
)
def test_client_errors_never_retried(status, body):
    clock = VirtualClock()
    attempts = []

    def fail():
        attempts.append(1)
        _raise_reply(Reply(status=status, body=body))

    with pytest.raises(Exception):
        send_paced(FREE, _settings(), fail, clock=clock, budgets=Budgets())

    assert attempts == [1]
    assert clock.slept == []


def test_paid_model_not_paced():
    clock = VirtualClock()
    budgets = Budgets()
    settings = _settings(max_wait_s=0)
    budgets.for_account(settings.account_id).record_failure(
        Failure(kind=FailureKind.MINUTE_LIMIT, limit=1, reset_at_ms=int((clock.now + 60) * 1000)), clock.now
    )

    assert send_paced(PAID, settings, lambda: "paid", clock=clock, budgets=budgets) == "paid"


def test_free_ids_recognised():
    assert is_free_model("qwen/qwen3-coder:free")
    assert is_free_model("openrouter/free")
    assert not is_free_model("openai/gpt-4o")
    assert not is_free_model("openrouter/auto")


def test_fallback_models_parsed():
    assert parse_fallback_models("a/b:free, openrouter/free") == ["a/b:free", "openrouter/free"]
    assert parse_fallback_models("a/b:free\nc/d:free") == ["a/b:free", "c/d:free"]
    assert parse_fallback_models("") == []


def test_fallback_paid_rejected():
    with pytest.raises(ParameterError) as raised:
        parse_fallback_models("a/b:free, openai/gpt-4o")

    assert raised.value.code == "fallback_paid"
    assert raised.value.value == "openai/gpt-4o"


def test_fallback_three_rejected():
    with pytest.raises(ParameterError) as raised:
        parse_fallback_models("a/b:free, c/d:free, e/f:free")

    assert raised.value.code == "fallback_too_many"


def test_fallback_models_array_sent():
    payload = build_chat_payload(FREE, [], {}, None, None, True, None, ["a/b:free", "openrouter/free"])

    assert payload["models"] == [FREE, "a/b:free", "openrouter/free"]
    assert payload["model"] == FREE


def test_fallback_paid_message_readable():
    from openrouter.dify_errors import readable_error

    error = readable_error(ParameterError("fallback_paid", "openai/gpt-4o"), "zh_Hans")

    assert isinstance(error, InvokeBadRequestError)
    assert "openai/gpt-4o" in error.description
    assert "免费" in error.description


def test_process_burst_paced():
    from tools.daemon import PluginProcess, invoke_llm_request
    from tools.fake_openrouter import FakeOpenRouter
    from tools.limited_openrouter import LimitedOpenRouter

    limited = LimitedOpenRouter(limit=3, window_s=1.0)
    credentials = {"api_key": "sk-or-v1-burst", "max_wait_seconds": "10"}
    with FakeOpenRouter() as fake, PluginProcess() as plugin:
        fake.add("/chat/completions", limited, always=True)
        credentials["endpoint_url"] = fake.url
        plugin.wait_declared()
        request = invoke_llm_request(FREE, credentials, [{"role": "user", "content": "Hi"}])
        session_ids = [plugin.send(request) for _ in range(9)]
        results = [plugin.collect(session_id, timeout=30) for session_id in session_ids]

    assert [result.error for result in results] == [None] * 9
    assert [result.text for result in results] == ["ok"] * 9
    assert limited.served == 9
    assert limited.rejected <= 3
    assert any("Waiting" in log.get("message", "") for log in plugin.logs)


def test_minute_limit_retry_over_bound():
    clock = VirtualClock()
    reset_ms = int((clock.now + 45) * 1000)
    attempts = []

    def limited():
        attempts.append(1)
        _raise_reply(minute_limit_reply(16, reset_ms))

    with pytest.raises(InvokeRateLimitError) as raised:
        send_paced(FREE, _settings(max_wait_s=30), limited, clock=clock, budgets=Budgets())

    assert attempts == [1]
    assert "did not retry" in raised.value.description
    assert "45 s" in raised.value.description


def test_zero_max_wait_names_reset_wait():
    clock = VirtualClock()
    reset_ms = int((clock.now + 25) * 1000)

    def limited():
        _raise_reply(minute_limit_reply(16, reset_ms))

    with pytest.raises(InvokeRateLimitError) as raised:
        send_paced(FREE, _settings(max_wait_s=0), limited, clock=clock, budgets=Budgets())

    assert "the wait of 25 s" in raised.value.description
    assert "maximum wait of 0 s" in raised.value.description
    assert "the wait of 0 s" not in raised.value.description


def test_past_reset_no_retry_loop():
    clock = VirtualClock()
    attempts = []

    def always_limited():
        attempts.append(clock.now)
        # The reset lies 5 s in the past on this machine's clock (clock skew).
        _raise_reply(minute_limit_reply(20, int((clock.now - 5) * 1000)))

    with pytest.raises(InvokeRateLimitError) as raised:
        send_paced(FREE, _settings(max_wait_s=30), always_limited, clock=clock, budgets=Budgets())

    assert len(attempts) <= 5
    assert all(later - earlier >= 1.0 for earlier, later in zip(attempts, attempts[1:]))
    assert "the wait of 0 s" not in raised.value.description


def test_base_exception_releases_ticket():
    clock = VirtualClock()
    budgets = Budgets()
    settings = _settings()

    class Cancelled(BaseException):
        pass

    def cancelled():
        raise Cancelled()

    with pytest.raises(Cancelled):
        send_paced(FREE, settings, cancelled, clock=clock, budgets=budgets)

    assert budgets.for_account(settings.account_id).unknown_in_flight == 0
    assert send_paced(FREE, settings, lambda: "next", clock=clock, budgets=budgets) == "next"
    assert clock.slept == []


def test_status_known_frees_next_request():
    from openrouter.pacing import status_received

    clock = VirtualClock()
    budgets = Budgets()
    settings = _settings(max_wait_s=1)
    inner = []

    def long_body():
        status_received()
        # While this request's body is still being read, another one starts.
        inner.append(send_paced(FREE, settings, lambda: "second", clock=clock, budgets=budgets))
        return "first"

    assert send_paced(FREE, settings, long_body, clock=clock, budgets=budgets) == "first"
    assert inner == ["second"]
    assert clock.slept == []


def test_pending_status_past_deadline_sends():
    clock = VirtualClock()
    budgets = Budgets()
    settings = _settings(max_wait_s=0.5)
    inner = []

    def no_status_yet():
        inner.append(send_paced(FREE, settings, lambda: "second", clock=clock, budgets=budgets))
        return "first"

    assert send_paced(FREE, settings, no_status_yet, clock=clock, budgets=budgets) == "first"
    assert inner == ["second"]
    assert sum(clock.slept) <= 0.5 + 0.05
