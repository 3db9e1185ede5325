"""Coerce loose values from JSON bodies and HTTP headers, returning None when unusable."""

from __future__ import annotations


def text_or_none(value) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def int_or_none(value) -> int | None:
    number = float_or_none(value)
    return int(number) if number is not None else None


def float_or_none(value) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
