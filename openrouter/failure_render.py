"""Render a ``Failure`` as one paragraph from its message in ``failure_text.CATALOGUE``.

Each slot's templates are filled from the failure's facts and fields, with the reset and
retry times formatted for the language.
"""

from __future__ import annotations

import math
import string
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from openrouter.failure_text import CATALOGUE, DEFAULT_LANGUAGE, LANGUAGES, SHARED_SLOTS, Slot

if TYPE_CHECKING:
    from openrouter.failure_types import Failure

_SENTENCE_JOINERS = {"en_US": " ", "zh_Hans": ""}
_DETAIL_PREFIXES = {"en_US": "OpenRouter said: {detail}", "zh_Hans": "OpenRouter 原文：{detail}"}
_LIST_SEPARATORS = {"en_US": ", ", "zh_Hans": "、"}


def render_failure(failure: Failure, language: str, *, now_ms: int | None = None) -> str:
    """Render failure as one paragraph in language ("en_US" or "zh_Hans", else English)."""
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    fields = _template_fields(failure, language, now_ms)

    slots = CATALOGUE[failure.kind][language] + SHARED_SLOTS[language]
    sentences = [_fill_slot(slot, fields) for slot in slots]
    if failure.detail:
        sentences.append(_DETAIL_PREFIXES[language].format(detail=failure.detail))
    return _SENTENCE_JOINERS[language].join(sentence for sentence in sentences if sentence)


def _template_fields(failure: Failure, language: str, now_ms: int) -> dict[str, object]:
    fields: dict[str, object] = {}
    for name, value in failure.facts.items():
        if isinstance(value, tuple | list):
            value = _LIST_SEPARATORS[language].join(str(item) for item in value)
        fields[name] = value
    fields.update(
        status=failure.status,
        limit=failure.limit,
        remaining=failure.remaining,
        provider=failure.provider,
        model=failure.model,
    )
    if failure.reset_at_ms is not None:
        fields["reset_clock"] = _clock_utc(failure.reset_at_ms, now_ms)
        fields["reset_in"] = _relative_time(failure.reset_at_ms - now_ms, language)
    if failure.retry_after_s is not None and failure.retry_after_s > 0:
        fields["retry_in"] = _retry_delay(failure.retry_after_s, language)
    return {name: value for name, value in fields.items() if value not in (None, "")}


def _fill_slot(slot: Slot, fields: Mapping[str, object]) -> str | None:
    for template in (slot,) if isinstance(slot, str) else slot:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        if names <= fields.keys():
            return template.format(**fields)
    return None


def _clock_utc(at_ms: int, now_ms: int) -> str:
    """Format a moment as "HH:MM UTC", with the date when it is a day or more away."""
    moment = datetime.fromtimestamp(at_ms / 1000, tz=UTC)
    pattern = "%Y-%m-%d %H:%M UTC" if at_ms - now_ms >= 86_400_000 else "%H:%M UTC"
    return moment.strftime(pattern)


_TIME_UNITS = {
    "en_US": {"prefix": "in ", "day": "{} d", "hour": "{} h", "minute": "{} min",
              "second": "{} s", "suffix": "", "now": "any moment now"},
    "zh_Hans": {"prefix": "约 ", "day": "{} 天", "hour": "{} 小时", "minute": "{} 分钟",
                "second": "{} 秒", "suffix": "后", "now": "即将"},
}


def _relative_time(delta_ms: int, language: str) -> str:
    """Format a wait such as "in 3 h 12 min" or "约 3 小时 12 分钟后", rounded up."""
    units = _TIME_UNITS[language]
    if delta_ms <= 0:
        return units["now"]
    return units["prefix"] + _duration(delta_ms / 1000, units) + units["suffix"]


def _retry_delay(seconds: float, language: str) -> str:
    """Format a Retry-After wait, which is exact: "in 17 s" or "17 秒后"."""
    units = _TIME_UNITS[language]
    prefix = units["prefix"] if language == "en_US" else ""
    return prefix + _duration(seconds, units) + units["suffix"]


def _duration(seconds: float, units: Mapping[str, str]) -> str:
    total_s = math.ceil(seconds)
    if total_s < 90:
        return units["second"].format(total_s)
    days, minutes = divmod(math.ceil(total_s / 60), 1440)
    hours, minutes = divmod(minutes, 60)
    if days:
        parts = [units["day"].format(days)] + ([units["hour"].format(hours)] if hours else [])
    else:
        parts = [units["hour"].format(hours)] if hours else []
        parts += [units["minute"].format(minutes)] if minutes else []
    return " ".join(parts)
