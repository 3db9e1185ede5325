"""Check an API key and read its quota with OpenRouter's `GET /key`, which spends no request.

`GET /key` counts against none of the free daily requests and works for accounts that never
bought credits, so credential validation uses it instead of a chat request.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass

from dify_plugin.errors.model import CredentialsValidateFailedError, InvokeError, InvokeServerUnavailableError

from openrouter import http
from openrouter.failures import Failure, FailureKind
from openrouter.log import get_logger
from openrouter.not_openrouter import display_url, not_openrouter_body, not_openrouter_text
from openrouter.timed_cache import TimedCache
from openrouter.settings import DEFAULT_ENDPOINT_URL, Settings

# `/auth/key` is the older path of the same endpoint, tried when `/key` returns 404.
KEY_PATHS = ("/key", "/auth/key")
DAILY_FACTS_TTL_S = 60.0
_DAY_MS = 86_400_000

logger = get_logger(__name__)

KEY_CHECK_MESSAGES = {
    "no_key_path": {
        "en_US": "{url} returned HTTP 404 for both /key and /auth/key, so it is probably not the OpenRouter API. "
        "Check the API Base URL. It is normally " + DEFAULT_ENDPOINT_URL + ".",
        "zh_Hans": "{url} 对 /key 和 /auth/key 都返回了 HTTP 404，很可能不是 OpenRouter API。"
        "请检查「API 地址」，通常应为 " + DEFAULT_ENDPOINT_URL + "。",
    },
    "timeout": {
        "en_US": "{url} did not respond within {seconds:g} s, so the API key could not be checked. "
        "Check the API Base URL and the network of the Dify server, then retry.",
        "zh_Hans": "{url} 在 {seconds:g} 秒内没有响应，无法验证 API Key。请检查「API 地址」和 Dify 服务器的网络后重试。",
    },
}


@dataclass(frozen=True)
class DailyRequests:
    """Free-model (`:free`) requests of the account in the current UTC day; None where not returned."""

    used: int | None
    limit: int | None
    remaining: int | None
    # OpenRouter documents that this counter resets at 00:00 UTC.
    reset_at_ms: int


@dataclass(frozen=True)
class KeyStatus:
    """The status of a key as `GET /key` returned it. None marks a field the response lacked.

    Credit amounts are in OpenRouter credits (1 credit = 1 USD). `key_limit` and
    `key_limit_remaining` are math.inf when the key has no limit of its own.
    """

    label: str | None = None
    is_free_tier: bool | None = None
    daily_requests: DailyRequests | None = None
    credits_used: float | None = None
    credits_used_today: float | None = None
    key_limit: float | None = None
    key_limit_remaining: float | None = None
    key_limit_reset: str | None = None  # "daily", "weekly", "monthly", or "never"
    # True when OpenRouter returned HTTP 402, which accepts the key but gives no details.
    details_withheld: bool = False


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _count(value: object) -> int | None:
    number = _number(value)
    return int(number) if number is not None and number >= 0 and number.is_integer() else None


def _limit(data: Mapping, name: str) -> float | None:
    """Read a credit limit, where null means no limit (math.inf) and a missing field means unknown."""
    if name not in data:
        return None
    return math.inf if data[name] is None else _number(data[name])


def _limit_reset(data: Mapping) -> str | None:
    """Read how often the key's limit resets, where null means never and a missing field unknown."""
    if "limit_reset" not in data:
        return None
    value = data["limit_reset"]
    if value is None:
        return "never"
    return value if isinstance(value, str) and value else None


def next_utc_midnight_ms(now_ms: int) -> int:
    return (now_ms // _DAY_MS + 1) * _DAY_MS


def parse_key_data(data: Mapping, *, now_ms: int | None = None) -> KeyStatus:
    """Build a KeyStatus from the `data` object of `GET /key`, keeping unknown fields None."""
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms

    daily = data.get("free_model_daily_requests")
    daily_requests = None
    if isinstance(daily, Mapping):
        daily_requests = DailyRequests(
            used=_count(daily.get("used")),
            limit=_count(daily.get("limit")),
            remaining=_count(daily.get("remaining")),
            reset_at_ms=next_utc_midnight_ms(now_ms),
        )

    label = data.get("label")
    is_free_tier = data.get("is_free_tier")
    return KeyStatus(
        label=label if isinstance(label, str) and label else None,
        is_free_tier=is_free_tier if isinstance(is_free_tier, bool) else None,
        daily_requests=daily_requests,
        credits_used=_number(data.get("usage")),
        credits_used_today=_number(data.get("usage_daily")),
        key_limit=_limit(data, "limit"),
        key_limit_remaining=_limit(data, "limit_remaining"),
        key_limit_reset=_limit_reset(data),
    )


def _error(text: str, validating: bool, failure: Failure | None = None) -> Exception:
    error = CredentialsValidateFailedError(text) if validating else InvokeServerUnavailableError(text)
    error.description = text
    error.failure = failure
    return error


def _render(code: str, language: str, **fields: object) -> str:
    templates = KEY_CHECK_MESSAGES[code]
    return templates.get(language, templates["en_US"]).format(**fields)


def _read_timeout_s() -> float:
    timeout = http.LOOKUP_TIMEOUT_S
    return timeout[1] if isinstance(timeout, tuple) else timeout


def _key_error(error: Exception, settings: Settings, url: str, validating: bool) -> Exception:
    """Replace the generic text of a failed key check where a more exact one exists."""
    failure = getattr(error, "failure", None)
    body = not_openrouter_body(failure)
    if body is not None:
        return _error(not_openrouter_text(body, url, settings.language), validating, failure)
    if failure is not None and failure.kind is FailureKind.READ_TIMEOUT:
        text = _render("timeout", settings.language, url=display_url(url), seconds=_read_timeout_s())
        return _error(text, validating, failure)
    return error


def fetch_key_data(settings: Settings, *, validating: bool = False) -> Mapping | None:
    """Return the `data` object of `GET /key`, trying `/auth/key` where `/key` returns 404.

    Returns None when OpenRouter returns 402: the key was accepted, and a 402 is about credits,
    which a key check does not need. Raises a Dify error (CredentialsValidateFailedError when
    validating) for a rejected key, an unreachable server, or a server that is not OpenRouter.
    """
    for path in KEY_PATHS:
        url = settings.endpoint_url + path
        try:
            document = http.get_json(settings, path, validating=validating)
        except (InvokeError, CredentialsValidateFailedError) as error:
            failure = getattr(error, "failure", None)
            status = failure.status if failure is not None else None
            if status == 404:
                continue
            if status == 402:
                return None
            raise _key_error(error, settings, url, validating) from None

        data = document.get("data") if isinstance(document, Mapping) else None
        if not isinstance(data, Mapping):
            raise _error(not_openrouter_text("json", url, settings.language), validating)
        return data

    text = _render("no_key_path", settings.language, url=display_url(settings.endpoint_url))
    raise _error(text, validating)


def fetch_key_status(settings: Settings, *, validating: bool = False, now_ms: int | None = None) -> KeyStatus:
    """Fetch and parse the key's status. fetch_key_data lists the errors raised."""
    data = fetch_key_data(settings, validating=validating)
    if data is None:
        return KeyStatus(details_withheld=True)
    return parse_key_data(data, now_ms=now_ms)


def validate_key(settings: Settings) -> None:
    """Raise CredentialsValidateFailedError with a readable reason unless OpenRouter accepts the key.

    A zero or negative credit balance does not fail the check: free models need no credits.
    """
    fetch_key_data(settings, validating=True)


# Daily request counts per (endpoint_url, account), failed look-ups included. Tests replace its clock.
daily_facts = TimedCache(DAILY_FACTS_TTL_S)


def _load_daily_facts(settings: Settings) -> dict[str, int]:
    try:
        status = fetch_key_status(settings)
    except Exception as error:  # noqa: BLE001 - this only completes an error message
        logger.warning("could not read the free-model daily requests from /key: %s", type(error).__name__)
        return {}
    daily = status.daily_requests
    if daily is None:
        return {}
    counts = {"used": daily.used, "limit": daily.limit, "remaining": daily.remaining}
    return {name: value for name, value in counts.items() if value is not None}


def daily_quota_facts(settings: Settings) -> dict[str, int]:
    """Return the account's free-model requests today from `GET /key`: used, limit, remaining.

    Call it only after a chat request failed with DAILY_QUOTA, to complete that message, and never
    for every chat request. It makes at most one `GET /key` per account and endpoint every
    DAILY_FACTS_TTL_S, whether that succeeds or not. Counts that OpenRouter did not return are
    left out, and any exception during the look-up returns {} instead of propagating.
    """
    # NOTE: the look-up uses http.LOOKUP_TIMEOUT_S, so a /key that hangs delays the error
    # message by up to that read timeout.
    facts = daily_facts.get((settings.endpoint_url, settings.account_id), lambda: _load_daily_facts(settings))
    return dict(facts)
