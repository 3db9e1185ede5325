"""A virtual clock for threads: time only moves when every participating thread is asleep.

Each `sleep` registers a wake-up time and blocks. When all participants are asleep (or
finished), the clock jumps to the earliest wake-up time and wakes those threads. So threads
that share one budget interleave as they would in real time, without any real sleeping.
"""

from __future__ import annotations

import threading


class VirtualClock:
    """Epoch seconds (default start: 2026-12-04), so reset times read as OpenRouter sends them."""

    def __init__(self, start_s: float = 1_796_400_000.0, participants: int = 1) -> None:
        self.now = start_s
        self.slept: list[float] = []
        self._participants = participants
        self._sleeping: list[float] = []
        self._condition = threading.Condition()

    def time(self) -> float:
        with self._condition:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._condition:
            self.slept.append(seconds)
            target = self.now + max(0.0, seconds)
            self._sleeping.append(target)
            self._advance_if_idle()
            while self.now < target:
                self._condition.wait(timeout=5)
            self._sleeping.remove(target)

    def finished(self) -> None:
        """A participating thread is done and will not sleep again."""
        with self._condition:
            self._participants -= 1
            self._advance_if_idle()

    def _advance_if_idle(self) -> None:
        if self._sleeping and len(self._sleeping) >= self._participants:
            self.now = max(self.now, min(self._sleeping))
            self._condition.notify_all()


class ManualClock:
    """A monotonic-style clock (a callable returning seconds) that moves only when a test sets `now_s`."""

    def __init__(self) -> None:
        self.now_s = 1000.0

    def __call__(self) -> float:
        return self.now_s
