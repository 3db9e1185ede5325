"""Make OpenRouter's text safe to show: secrets redacted, markup dropped, length capped."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

_MAX_DETAIL_CHARS = 300


def compose_detail(message: str, raw_text: str, secrets: tuple[str, ...]) -> str | None:
    """Build the detail line from the message and the provider's raw error, minus secrets."""
    message = message.strip()
    if raw_text and raw_text not in message:
        text = f"{message.rstrip('.')}: {raw_text}" if message else raw_text
    else:
        text = message
    text = _scrub_secrets(" ".join(text.split()), secrets)
    if not text or _looks_like_markup(text):
        return None
    if len(text) > _MAX_DETAIL_CHARS:
        text = text[:_MAX_DETAIL_CHARS].rsplit(" ", 1)[0] + " …"
    return text


def readable_text(raw, depth: int = 0) -> str | None:
    """Extract a sentence from metadata.raw, which may be text, JSON text or an object."""
    if depth > 3 or raw is None:
        return None
    if isinstance(raw, Mapping):
        for key in ("message", "error", "detail", "data"):
            found = readable_text(raw.get(key), depth + 1)
            if found:
                return found
        return None
    if not isinstance(raw, str) or not raw.strip():
        return None
    stripped = raw.strip()
    if stripped[0] in "{[":
        try:
            return readable_text(json.loads(stripped), depth + 1)
        except ValueError:
            return None  # truncated JSON would show braces to the user
    return None if _looks_like_markup(stripped) else stripped


# Secrets that may appear in OpenRouter's sentences or in a base URL.
_SECRET_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bsk-[A-Za-z0-9][A-Za-z0-9_-]{6,}"), "[redacted key]"),
    (re.compile(r"\b(Bearer)\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE), r"\1 [redacted]"),
    (re.compile(r"/keys/[0-9a-fA-F]{8,}"), "/keys/[redacted]"),
    (re.compile(r"\b(?:user|org)_[A-Za-z0-9]{6,}\b"), "[redacted id]"),
    (re.compile(r"([?&](?:key|api_key|token)=)[^&\s]+", re.IGNORECASE), r"\1[redacted]"),
)


def _scrub_secrets(text: str, secrets: tuple[str, ...]) -> str:
    """Replace API keys, bearer tokens, key hashes and user ids in text."""
    for secret in secrets:
        text = text.replace(secret, "[redacted id]")
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def scrub_value(value, secrets: tuple[str, ...]):
    """Scrub a string or each item of a tuple, and return any other value unchanged."""
    if isinstance(value, str):
        return _scrub_secrets(value, secrets)
    if isinstance(value, tuple):
        return tuple(_scrub_secrets(str(item), secrets) for item in value)
    return value


def _looks_like_markup(text: str) -> bool:
    lowered = text.lower()
    return "<html" in lowered or "<!doctype" in lowered or "</" in lowered


def safe_url(url: str) -> str:
    """Return url without user info, query or fragment, and with secrets scrubbed."""
    try:
        parts = urlsplit(url.strip())
        netloc = parts.netloc.rsplit("@", 1)[-1]
        cleaned = urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    except ValueError:
        cleaned = url.split("?", 1)[0]
    return _scrub_secrets(cleaned, ()) or "(empty URL)"
