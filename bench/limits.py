"""Limits benchmark: a burst of free-model requests against a rate-limited stand-in, and a spent day.

The stand-in (tools/limited_openrouter.py) allows `limit` requests per window of `window_s`
with OpenRouter's real 429 bodies and headers, and a daily cap. The plugin must follow the
reset times that the 429s state. The window here is 2 s, not a minute, so a run takes seconds.
"""

from __future__ import annotations

import statistics
import time
import uuid
from dataclasses import dataclass

from tools.daemon import PluginProcess, invoke_llm_request
from tools.fake_openrouter import FakeOpenRouter
from tools.limited_openrouter import LimitedOpenRouter

MODEL = "openai/gpt-oss-20b:free"
REQUESTS = 60
LIMIT = 20
WINDOW_S = 2.0


@dataclass
class BurstReport:
    completed: int
    failed: int
    rejected_429: int
    wall_s: float

    @property
    def ideal_s(self) -> float:
        return REQUESTS / LIMIT * WINDOW_S


def _credentials(url: str, max_wait_s: int = 30) -> dict:
    return {"api_key": f"sk-or-v1-bench-{uuid.uuid4().hex}", "endpoint_url": url, "max_wait_seconds": str(max_wait_s)}


def burst(pacing: bool) -> BurstReport:
    """Send REQUESTS concurrent free-model requests through one plugin process."""
    limited = LimitedOpenRouter(limit=LIMIT, window_s=WINDOW_S)
    env = {} if pacing else {"OPENROUTER_FREE_PACING": "off"}
    with FakeOpenRouter() as fake, PluginProcess(env=env) as plugin:
        fake.add("/chat/completions", limited, always=True)
        plugin.wait_declared()
        request = invoke_llm_request(MODEL, _credentials(fake.url), [{"role": "user", "content": "go"}])
        # The stand-in's first window opens with the burst, as for an account idle until now.
        limited.started_s = time.time()
        started = time.perf_counter()
        session_ids = [plugin.send(request) for _ in range(REQUESTS)]
        results = [plugin.collect(session_id, timeout=120) for session_id in session_ids]
        wall_s = time.perf_counter() - started
    completed = sum(1 for result in results if result.error is None and result.text == "ok")
    return BurstReport(completed, REQUESTS - completed, limited.rejected, wall_s)


@dataclass
class SpentDayReport:
    latency_ms: float
    reached_server: bool


def spent_day(runs: int = 20) -> SpentDayReport:
    """Spend the day (cap 1), then time requests that the plugin must refuse without sending."""
    limited = LimitedOpenRouter(limit=1000, window_s=60, daily_cap=1)
    with FakeOpenRouter() as fake, PluginProcess() as plugin:
        fake.add("/chat/completions", limited, always=True)
        plugin.wait_declared()
        request = invoke_llm_request(MODEL, _credentials(fake.url), [{"role": "user", "content": "go"}])
        plugin.call(request)  # served
        plugin.call(request)  # the day's 429
        sent_before = len(fake.requests_to("/chat/completions"))
        latencies = []
        for _ in range(runs):
            started = time.perf_counter()
            result = plugin.call(request)
            latencies.append(time.perf_counter() - started)
            assert result.error and result.error["error_type"] == "InvokeRateLimitError"
        reached = len(fake.requests_to("/chat/completions")) > sent_before
    return SpentDayReport(statistics.median(latencies) * 1000, reached)
