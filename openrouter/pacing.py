"""Send a request within the free-tier limits: wait for a slot, wait out short limits, retry.

`send_paced` wraps one call to OpenRouter (`send`). For free models it takes a slot from the
account's budget first. A per-minute, per-model, upstream-busy or capacity 429 that arrives
before any text reached Dify is waited out and retried. Every other failure, a spent day and
anything after streamed text is raised at once. The whole wait of one request (slots and
retries together) stays within the `max_wait_seconds` credential.
"""

from __future__ import annotations

import contextvars
import dataclasses
import functools
import math
import os
import time
from collections.abc import Callable
from typing import TypeVar

from openrouter.budget import PROCESS_BUDGETS, AccountBudget, Budgets, Ticket, is_free_model
from openrouter.failures import Failure, FailureKind, to_dify_error
from openrouter.log import get_logger
from openrouter.settings import Settings

logger = get_logger(__name__)

Result = TypeVar("Result")

# Kinds worth waiting for: short, per-minute or shared-capacity limits.
RETRIED_KINDS = frozenset(
    {
        FailureKind.MINUTE_LIMIT,
        FailureKind.MODEL_DEMAND_LIMIT,
        FailureKind.UPSTREAM_BUSY,
        FailureKind.CAPACITY,
        FailureKind.RATE_LIMITED,
    }
)
# Growing waits for an upstream-busy 429 that names no reset time.
BACKOFF_START_S = 2.0
BACKOFF_FACTOR = 2.0
# Retries of one request, at most; each failed attempt counts towards OpenRouter's daily quota.
MAX_RETRIES = 4
MIN_RETRY_WAIT_S = 1.0
# A per-model limit with no reset time is a per-minute limit.
PER_MINUTE_FALLBACK_S = 60.0
# OPENROUTER_FREE_PACING=off sends every request straight through, with no budget, waits or
# retries: the baseline of the limits benchmark.
PACING_ENABLED = os.environ.get("OPENROUTER_FREE_PACING", "on").strip().lower() != "off"
# Waits shorter than this are not logged (a request waiting for another's HTTP status).
LOGGED_WAIT_S = 0.5


class Clock:
    """Wall-clock time and sleeping; tests pass a fake one."""

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


SYSTEM_CLOCK = Clock()

# Releases the budget ticket of the request that the current context is sending, if any.
_status_gate: contextvars.ContextVar[Callable[[], None] | None] = contextvars.ContextVar("status_gate", default=None)


def retry_wait_s(failure: Failure, attempt: int, now_s: float) -> float | None:
    """Return how long to wait before retrying after `failure`, or None if it is not retried.

    The wait is at least MIN_RETRY_WAIT_S: a reset time that has already passed here (clock
    skew) must not turn into an immediate retry loop.
    """
    if failure.kind not in RETRIED_KINDS or attempt >= MAX_RETRIES:
        return None
    if failure.retry_after_s is not None:
        wait_s = failure.retry_after_s
    elif failure.reset_at_ms is not None:
        wait_s = failure.reset_at_ms / 1000 - now_s
    elif failure.kind is FailureKind.MODEL_DEMAND_LIMIT:
        wait_s = PER_MINUTE_FALLBACK_S
    else:
        wait_s = BACKOFF_START_S * BACKOFF_FACTOR**attempt
    return max(MIN_RETRY_WAIT_S, wait_s)


def _too_long(failure: Failure, wait_s: float, settings: Settings, now_s: float, *, sent: bool) -> Exception:
    """Build the error for a wait past `max_wait_seconds`: the limit's own message, plus the wait.

    `sent` selects the sentence: OpenRouter already refused this request (no retry), or the
    plugin kept it back (not sent).
    """
    wait_whole_s = math.ceil(wait_s)
    max_wait = settings.max_wait_s
    facts = {
        **failure.facts,
        "would_wait_s": wait_whole_s,
        "max_wait_s": int(max_wait) if max_wait == int(max_wait) else max_wait,
        ("retry_wait_s" if sent else "unsent_wait_s"): wait_whole_s,
    }
    reset_at_ms = failure.reset_at_ms or int((now_s + wait_s) * 1000)
    return to_dify_error(dataclasses.replace(failure, facts=facts, reset_at_ms=reset_at_ms), settings.language)


def _admit(budget: AccountBudget, model: str, settings: Settings, clock: Clock, deadline_s: float, *, retrying: bool) -> Ticket:
    """Wait for a slot in the account's budget, or raise when none comes in time.

    `retrying` is true when OpenRouter already refused an earlier attempt of this request.
    """
    may_wait = settings.max_wait_s > 0
    while True:
        now_s = clock.time()
        decision = budget.decide(now_s, may_wait=may_wait)
        if decision.ticket is not None:
            return decision.ticket
        if decision.day_spent is not None:
            logger.info("Refused %s without sending: the daily free quota is spent", model)
            raise to_dify_error(decision.day_spent, settings.language)
        wait_s = decision.wait_s
        if now_s + wait_s > deadline_s and decision.limit_failure is None and budget.limit is None:
            # Only another request's pending HTTP status keeps this one waiting, not a known
            # limit, so send it rather than fail.
            may_wait = False
            continue
        if now_s + wait_s > deadline_s:
            failure = decision.limit_failure or Failure(kind=FailureKind.MINUTE_LIMIT, model=model)
            logger.info("Refused %s without sending: the next free slot is %.1f s away, over the %.0f s maximum wait", model, wait_s, settings.max_wait_s)
            raise _too_long(failure, wait_s, settings, now_s, sent=retrying)
        if wait_s >= LOGGED_WAIT_S:
            logger.info("Waiting %.1f s for a free-model slot before sending %s", wait_s, model)
        clock.sleep(wait_s)


def send_paced(
    model: str,
    settings: Settings,
    send: Callable[[], Result],
    *,
    clock: Clock = SYSTEM_CLOCK,
    budgets: Budgets = PROCESS_BUDGETS,
) -> Result:
    """Call `send` within the free-tier limits and return its result.

    `send` raises the plugin's Dify errors. An error whose `.failure` is a short limit is
    retried after the wait the failure calls for, unless its `text_sent` is true.
    """
    if not PACING_ENABLED:
        return send()
    budget = budgets.for_account(settings.account_id) if is_free_model(model) else None
    deadline_s = clock.time() + settings.max_wait_s
    attempt = 0
    while True:
        ticket = _admit(budget, model, settings, clock, deadline_s, retrying=attempt > 0) if budget else None
        gate = _status_gate.set(functools.partial(budget.release, ticket) if ticket else None)
        try:
            result = send()
        except Exception as error:
            failure: Failure | None = getattr(error, "failure", None)
            if failure is None or getattr(error, "text_sent", False):
                raise
            now_s = clock.time()
            if budget is not None:
                budget.record_failure(failure, now_s)
            wait_s = retry_wait_s(failure, attempt, now_s)
            if wait_s is None:
                raise
            if now_s + wait_s > deadline_s:
                logger.info("Not retrying %s after %s: the wait of %.1f s is over the %.0f s maximum", model, failure.kind.value, wait_s, settings.max_wait_s)
                raise _too_long(failure, wait_s, settings, now_s, sent=True) from None
        else:
            if budget is not None:
                budget.record_success()
            return result
        finally:
            # Also on BaseException (a gevent Timeout, a killed greenlet): a ticket kept
            # would hold back every later free request of the account.
            _status_gate.reset(gate)
            if ticket is not None:
                budget.release(ticket)

        attempt += 1
        logger.info("Retrying %s after %s (attempt %d), waiting %.1f s", model, failure.kind.value, attempt, wait_s)
        if budget is not None and failure.kind is FailureKind.MINUTE_LIMIT:
            # The budget now keeps this account's free requests waiting until the reset.
            continue
        clock.sleep(wait_s)


def status_received() -> None:
    """Tell the budget that the current request's HTTP status is known (call after a 2xx).

    Until a limit is known, free requests go out one at a time until each one's status is
    known. So a stream or a long body does not keep the next request waiting while it is read.
    """
    release = _status_gate.get()
    if release is not None:
        release()
