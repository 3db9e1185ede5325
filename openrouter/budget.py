"""One request budget per OpenRouter account for its free models, kept in the plugin process.

OpenRouter counts `:free` requests per account (20 a minute or fewer, 50 or 1000 a day) and
counts failed attempts towards the day, so a request sent into a certain 429 wastes quota.
OpenRouter reports the per-minute limit only on a 429 (`X-RateLimit-Limit`, and the reset
time), so the budget learns it from there:

- Before any 429 reported a limit, requests go out, but one at a time until each one's HTTP
  status is known: a burst then meets at most one 429 instead of one per request over the limit.
- Once a 429 reported the limit and the reset time, free requests wait for that reset, then
  the reported number goes out per window. The window length is learned from two successive
  reset times, and 60 s is assumed until then. While it is unknown, one probe request per
  window may go out past the allowance, so that its 429 reveals the next reset time.
- A spent day is remembered until its reset: later free requests fail at once, unsent.

All decisions take the current time as an argument, so tests drive them with a fake clock.
The budget is keyed by a hash of the API key; the key itself is never stored.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import Enum

from openrouter.failures import Failure, FailureKind

ASSUMED_WINDOW_S = 60.0
# Shortest and longest window lengths accepted as learned; anything else is noise.
MIN_WINDOW_S = 0.5
MAX_WINDOW_S = 3600.0
# The shortest hold after a per-minute 429, even when its reset time has already passed here.
MIN_HOLD_S = 1.0
# How often a request waiting for another request's HTTP status checks again.
STATUS_POLL_S = 0.02
# OpenRouter's router that picks among free models; it draws on the same free quota.
FREE_ROUTER_IDS = frozenset({"openrouter/free"})


def is_free_model(model: str) -> bool:
    return model.endswith(":free") or model in FREE_ROUTER_IDS


class TicketKind(Enum):
    FREE = "free"  # within a known allowance
    UNKNOWN_LIMIT = "unknown_limit"  # no limit known yet; one at a time until its status arrives
    PROBE = "probe"  # past the allowance while the window length is unknown


@dataclass
class Ticket:
    kind: TicketKind
    admitted_at_s: float
    released: bool = False


@dataclass(frozen=True)
class Decision:
    """The budget's decision: a ticket to send now, a wait in seconds, or a spent day."""

    ticket: Ticket | None = None
    wait_s: float = 0.0
    day_spent: Failure | None = None
    # The 429 that set the current limit, for the message when a wait is too long.
    limit_failure: Failure | None = None


class AccountBudget:
    """The free-tier state of one account. Thread-safe: every method holds the lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.limit: int | None = None
        self.window_s: float | None = None  # learned window length
        self.window_start_s: float | None = None
        self.admitted_in_window = 0
        self.unknown_in_flight = 0
        self.probe_in_flight = False
        self.last_reset_s: float | None = None
        self.limit_failure: Failure | None = None
        self.day_spent_until_s: float | None = None
        self.day_failure: Failure | None = None

    def _window_length(self) -> float:
        return self.window_s or ASSUMED_WINDOW_S

    def _roll_window(self, now_s: float) -> None:
        """Move the current window forward to the one containing `now_s`."""
        if self.window_start_s is None or now_s < self.window_start_s:
            return
        length = self._window_length()
        elapsed_windows = int((now_s - self.window_start_s) // length)
        if elapsed_windows:
            self.window_start_s += elapsed_windows * length
            self.admitted_in_window = 0
            self.probe_in_flight = False

    def decide(self, now_s: float, *, may_wait: bool) -> Decision:
        """Admit a free request now or return how long to wait. `may_wait=False` skips the one-at-a-time rule."""
        with self._lock:
            if self.day_spent_until_s is not None:
                if now_s < self.day_spent_until_s:
                    return Decision(day_spent=self.day_failure)
                self.day_spent_until_s = None
                self.day_failure = None

            if self.limit is None:
                if self.unknown_in_flight and may_wait:
                    return Decision(wait_s=STATUS_POLL_S)
                self.unknown_in_flight += 1
                return Decision(ticket=Ticket(TicketKind.UNKNOWN_LIMIT, now_s))

            if now_s < self.window_start_s:
                return Decision(wait_s=self.window_start_s - now_s, limit_failure=self.limit_failure)
            self._roll_window(now_s)
            if self.admitted_in_window < self.limit:
                self.admitted_in_window += 1
                return Decision(ticket=Ticket(TicketKind.FREE, now_s))
            if self.window_s is None and not self.probe_in_flight:
                self.probe_in_flight = True
                return Decision(ticket=Ticket(TicketKind.PROBE, now_s))
            window_end = self.window_start_s + self._window_length()
            if self.window_s is None:
                # A probe is in flight and its 429 may move the reset, so check again soon.
                return Decision(wait_s=min(window_end - now_s, 1.0), limit_failure=self.limit_failure)
            return Decision(wait_s=window_end - now_s, limit_failure=self.limit_failure)

    def release(self, ticket: Ticket) -> None:
        """Mark a ticket's request as done with the slot: its HTTP status is known, or it failed.

        Safe to call more than once: only the first call counts.
        """
        with self._lock:
            if ticket.released:
                return
            ticket.released = True
            if ticket.kind is TicketKind.UNKNOWN_LIMIT:
                self.unknown_in_flight = max(0, self.unknown_in_flight - 1)
            elif ticket.kind is TicketKind.PROBE:
                self.probe_in_flight = False

    def record_success(self) -> None:
        """Clear a spent day: a free request succeeded, so credits may have been bought."""
        with self._lock:
            self.day_spent_until_s = None
            self.day_failure = None

    def record_failure(self, failure: Failure, now_s: float) -> None:
        """Learn from a failure: the per-minute limit and reset, or a spent day."""
        with self._lock:
            if failure.kind is FailureKind.DAILY_QUOTA and failure.reset_at_ms:
                self.day_spent_until_s = failure.reset_at_ms / 1000
                self.day_failure = failure
                return
            if failure.kind is not FailureKind.MINUTE_LIMIT or not failure.reset_at_ms:
                return
            reported_reset_s = failure.reset_at_ms / 1000
            # Only a reset in the future shows where the windows lie. One in the past comes from
            # clock skew between this machine and OpenRouter.
            if reported_reset_s > now_s:
                if self.last_reset_s is not None and reported_reset_s > self.last_reset_s:
                    learned = reported_reset_s - self.last_reset_s
                    if MIN_WINDOW_S <= learned <= MAX_WINDOW_S:
                        self.window_s = learned if self.window_s is None else min(self.window_s, learned)
                self.last_reset_s = max(self.last_reset_s or 0.0, reported_reset_s)
            # A 429 means no slot right now, so hold for at least MIN_HOLD_S whatever the reset time.
            hold_until_s = max(reported_reset_s, now_s + MIN_HOLD_S)
            if self.window_start_s is None or hold_until_s > self.window_start_s:
                self.window_start_s = hold_until_s
                self.admitted_in_window = 0
                self.probe_in_flight = False
            if failure.limit:
                self.limit = failure.limit
            elif self.limit is None:
                # A per-minute 429 without a stated limit: OpenRouter documents 20 a minute.
                self.limit = 20
            self.limit_failure = failure


class Budgets:
    """The budgets of all accounts seen by this process, keyed by account id (a key hash)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._accounts: dict[str, AccountBudget] = {}

    def for_account(self, account_id: str) -> AccountBudget:
        with self._lock:
            budget = self._accounts.get(account_id)
            if budget is None:
                budget = self._accounts[account_id] = AccountBudget()
            return budget


PROCESS_BUDGETS = Budgets()
