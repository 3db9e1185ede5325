"""A rate-limited OpenRouter stand-in: a per-window request limit and a daily cap, with real 429s.

Used by the pacing tests and the limits benchmark with a FakeOpenRouter. Windows are fixed
intervals of `window_s` from the moment the stand-in is created, so a short window lets a run
take seconds. The plugin must follow the reset times that the 429s state, not assume 60 s. The 429
bodies and headers have the shape OpenRouter sends for `free-models-per-min` and
`free-models-per-day`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from tools.fake_openrouter import ReceivedRequest, Reply


def _rate_limit_headers(limit: int, reset_ms: int) -> dict[str, str]:
    return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset_ms)}


def minute_limit_reply(limit: int, reset_ms: int) -> Reply:
    headers = _rate_limit_headers(limit, reset_ms)
    body = {"error": {"message": "Rate limit exceeded: free-models-per-min. ", "code": 429, "metadata": {"headers": headers}}}
    return Reply.json(body, status=429, headers=headers)


def daily_limit_reply(limit: int, reset_ms: int) -> Reply:
    headers = _rate_limit_headers(limit, reset_ms)
    message = "Rate limit exceeded: free-models-per-day. "
    if limit == 50:
        message += "Add 10 credits to unlock 1000 free model requests per day"
    body = {"error": {"message": message, "code": 429, "metadata": {"headers": headers, "provider_name": None}}}
    return Reply.json(body, status=429)


def _success(request: ReceivedRequest) -> Reply:
    stream = bool((request.json() or {}).get("stream"))
    model = (request.json() or {}).get("model", "")
    if stream:
        events = [
            {"model": model, "choices": [{"index": 0, "delta": {"content": "ok"}}]},
            {"model": model, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}], "usage": {"prompt_tokens": 3, "completion_tokens": 1}},
        ]
        return Reply.sse(events)
    return Reply.json({"model": model, "choices": [{"message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}], "usage": {"prompt_tokens": 3, "completion_tokens": 1}})


@dataclass
class LimitedOpenRouter:
    """A responder enforcing `limit` requests per `window_s` and `daily_cap` per day (0: no cap)."""

    limit: int
    window_s: float
    daily_cap: int = 0
    started_s: float = field(default_factory=time.time)
    served: int = 0
    rejected_minute: int = 0
    rejected_day: int = 0
    _window_counts: dict[int, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: ReceivedRequest) -> Reply:
        now_s = time.time()
        with self._lock:
            if self.daily_cap and self.served >= self.daily_cap:
                self.rejected_day += 1
                midnight_ms = (int(now_s // 86400) + 1) * 86400 * 1000
                return daily_limit_reply(self.daily_cap, midnight_ms)
            window = int((now_s - self.started_s) // self.window_s)
            used = self._window_counts.get(window, 0)
            if used >= self.limit:
                self.rejected_minute += 1
                reset_ms = int((self.started_s + (window + 1) * self.window_s) * 1000)
                return minute_limit_reply(self.limit, reset_ms)
            self._window_counts[window] = used + 1
            self.served += 1
        return _success(request)

    @property
    def rejected(self) -> int:
        return self.rejected_minute + self.rejected_day
