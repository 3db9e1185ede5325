"""Show an OpenRouter API key's status: label, free tier, free-model requests today, credits.

    OPENROUTER_API_KEY=sk-or-... make quota
    OPENROUTER_API_KEY=sk-or-... OPENROUTER_ENDPOINT_URL=http://127.0.0.1:8080/api/v1 make quota

Reads `GET /key`, which spends none of the free daily requests. A field that OpenRouter did not
return is printed as unknown. Exit status: 0 when the key status was read, 1 when it could not be
read, 2 when OPENROUTER_API_KEY is not set.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Mapping
from datetime import UTC, datetime

from openrouter.dify_errors import readable_error
from openrouter.key_status import KeyStatus, fetch_key_status
from openrouter.settings import CredentialsError, read_settings

UNKNOWN = "unknown"
NO_KEY_MESSAGE = (
    "OPENROUTER_API_KEY is not set. Create a key at https://openrouter.ai/settings/keys, then run: "
    "OPENROUTER_API_KEY=sk-or-... make quota"
)


def _count(value: int | None) -> str:
    return UNKNOWN if value is None else str(value)


def _credits(value: float | None) -> str:
    if value is None:
        return UNKNOWN
    if math.isinf(value):
        return "no limit"
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _reset(at_ms: int, now_ms: int) -> str:
    """Format a reset as "2026-12-05 00:00 UTC (in 3 h 12 min)"."""
    clock = datetime.fromtimestamp(at_ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")
    minutes = max(math.ceil((at_ms - now_ms) / 60_000), 0)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} h")
    if minutes or not hours:
        parts.append(f"{minutes} min")
    wait = " ".join(parts)
    return f"{clock} (in {wait})"


def status_lines(status: KeyStatus, now_ms: int) -> list[tuple[str, str]]:
    """Return (name, value) rows describing `status`, with "unknown" for fields not returned."""
    free_tier = {None: UNKNOWN, True: "yes", False: "no"}[status.is_free_tier]
    rows = [("Key label", status.label or UNKNOWN), ("Free tier", free_tier)]

    daily = status.daily_requests
    rows += [
        ("Free-model requests used today", _count(daily.used if daily else None)),
        ("Free-model requests per day", _count(daily.limit if daily else None)),
        ("Free-model requests left today", _count(daily.remaining if daily else None)),
        ("Free-model requests reset", _reset(daily.reset_at_ms, now_ms) if daily else UNKNOWN),
    ]

    rows += [
        ("Credits used in total", _credits(status.credits_used)),
        ("Credits used today", _credits(status.credits_used_today)),
        ("Key credit limit", _credits(status.key_limit)),
    ]
    if status.key_limit is None or not math.isinf(status.key_limit):
        rows += [
            ("Key credit limit left", _credits(status.key_limit_remaining)),
            ("Key credit limit resets", status.key_limit_reset or UNKNOWN),
        ]
    return rows


def notes(status: KeyStatus) -> list[str]:
    """Return sentences that explain why fields are unknown."""
    if status.details_withheld:
        return ["OpenRouter accepted the key but answered HTTP 402 (payment required) for its details, so every field is unknown."]
    if status.daily_requests is None:
        return ["OpenRouter's response has no free_model_daily_requests field, so today's free-model requests are unknown."]
    return []


def main(environ: Mapping[str, str] | None = None, now_ms: int | None = None) -> int:
    environ = os.environ if environ is None else environ
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms

    api_key = environ.get("OPENROUTER_API_KEY", "")
    if not api_key.strip():
        print(NO_KEY_MESSAGE, file=sys.stderr)
        return 2

    credentials = {"api_key": api_key, "endpoint_url": environ.get("OPENROUTER_ENDPOINT_URL"), "error_language": "en_US"}
    try:
        settings = read_settings(credentials)
        status = fetch_key_status(settings, now_ms=now_ms)
    except CredentialsError as error:
        print(error.render("en_US"), file=sys.stderr)
        return 1
    except Exception as error:  # noqa: BLE001 - every failure is shown as a sentence, never a traceback
        readable = readable_error(error, "en_US")
        print(getattr(readable, "description", None) or str(readable), file=sys.stderr)
        return 1

    print(f"OpenRouter API key status ({settings.endpoint_url})")
    rows = status_lines(status, now_ms)
    width = max(len(name) for name, _ in rows) + 1
    for name, value in rows:
        print(f"  {name + ':':<{width}} {value}")
    for note in notes(status):
        print(note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
