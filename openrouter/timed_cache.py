"""A thread-safe in-memory cache whose entries expire, for data fetched from OpenRouter."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable

_MISSING = object()


class TimedCache:
    """A thread-safe in-memory cache that loads each key on demand and keeps it for ttl_s.

    `clock` returns seconds and is only compared with itself, so tests can pass a fake one.
    """

    def __init__(self, ttl_s: float, *, failure_ttl_s: float = 0.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self.failure_ttl_s = failure_ttl_s
        self.clock = clock
        self._values: dict[Hashable, tuple[float, object]] = {}
        self._failures: dict[Hashable, tuple[float, Exception]] = {}
        self._key_locks: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, load: Callable[[], object], *, max_age_s: float | None = None) -> object:
        """Return the value of `key`, calling `load` when it is missing or older than max_age_s.

        max_age_s defaults to ttl_s. When `load` raises, a stale value is returned if there is
        one, and otherwise the error is raised again, without calling `load`, for failure_ttl_s.
        Only one thread loads a given key at a time. The others wait and share its result.
        """
        max_age_s = self.ttl_s if max_age_s is None else max_age_s
        value = self._fresh_value(key, max_age_s)
        if value is not _MISSING:
            return value

        with self._lock_for(key):
            # Another thread may have loaded the key while this one waited for the lock.
            value = self._fresh_value(key, max_age_s)
            if value is not _MISSING:
                return value

            with self._lock:
                stored = self._values.get(key)
                failed = self._failures.get(key)
            if failed is not None and self.clock() - failed[0] < self.failure_ttl_s:
                if stored is not None:
                    return stored[1]
                raise failed[1]

            try:
                value = load()
            except Exception as error:
                with self._lock:
                    self._failures[key] = (self.clock(), error)
                if stored is not None:
                    return stored[1]
                raise

            with self._lock:
                self._values[key] = (self.clock(), value)
                self._failures.pop(key, None)
            return value

    def age_s(self, key: Hashable) -> float | None:
        """Return how long ago the stored value of `key` was loaded, or None if there is none."""
        with self._lock:
            stored = self._values.get(key)
        return None if stored is None else self.clock() - stored[0]

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._failures.clear()

    def _fresh_value(self, key: Hashable, max_age_s: float) -> object:
        with self._lock:
            stored = self._values.get(key)
        if stored is None or self.clock() - stored[0] >= max_age_s:
            return _MISSING
        return stored[1]

    def _lock_for(self, key: Hashable) -> threading.Lock:
        with self._lock:
            return self._key_locks.setdefault(key, threading.Lock())
