"""Read and clean the provider credentials Dify passes with every request."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

DEFAULT_ENDPOINT_URL = "https://openrouter.ai/api/v1"
DEFAULT_MAX_WAIT_S = 30.0
# Request paths a pasted URL may end with, longest first so "/embeddings/models" is not cut
# as "/models".
REQUEST_PATHS = ("/embeddings/models", "/chat/completions", "/completions", "/embeddings", "/auth/key", "/models", "/key")
LANGUAGES = ("en_US", "zh_Hans")


# Messages for malformed credential values, by code. `{value}` is the rejected value (never the key).
CREDENTIAL_MESSAGES = {
    "api_key_missing": {
        "en_US": "The OpenRouter API key is empty. Paste a key from https://openrouter.ai/settings/keys.",
        "zh_Hans": "OpenRouter API Key 为空。请到 https://openrouter.ai/settings/keys 复制一个 Key 粘贴进来。",
    },
    "api_key_malformed": {
        "en_US": "The OpenRouter API key contains spaces or non-ASCII characters. Copy it again from https://openrouter.ai/settings/keys and paste only the key (it starts with sk-or-).",
        "zh_Hans": "OpenRouter API Key 中含有空格或非 ASCII 字符。请到 https://openrouter.ai/settings/keys 重新复制，只粘贴 Key 本身（以 sk-or- 开头）。",
    },
    "endpoint_url_invalid": {
        "en_US": "The API base URL \"{value}\" is not an http(s) URL. Leave it empty to use https://openrouter.ai/api/v1.",
        "zh_Hans": "API 地址“{value}”不是有效的 http(s) 地址。留空即可使用 https://openrouter.ai/api/v1。",
    },
    "max_wait_invalid": {
        "en_US": "The maximum wait \"{value}\" is not a number of seconds of 0 or more. Use 0 to never wait, or leave it empty for 30.",
        "zh_Hans": "最长等待时间“{value}”不是大于等于 0 的秒数。填 0 表示从不等待，留空则为 30 秒。",
    },
}


class CredentialsError(ValueError):
    """A credential value is missing or malformed; `code` selects the message to render."""

    def __init__(self, code: str, value: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.value = value[:200]

    def render(self, language: str) -> str:
        templates = CREDENTIAL_MESSAGES[self.code]
        return templates.get(language, templates["en_US"]).format(value=self.value)


@dataclass(frozen=True)
class Settings:
    api_key: str
    endpoint_url: str
    language: str
    max_wait_s: float

    def __repr__(self) -> str:
        # The dataclass default would print the key into logs and tracebacks.
        return f"Settings(endpoint_url={self.endpoint_url!r}, language={self.language!r}, max_wait_s={self.max_wait_s})"

    @property
    def account_id(self) -> str:
        """A stable, non-reversible id of the API key, for per-account bookkeeping."""
        return hashlib.sha256(self.api_key.encode()).hexdigest()[:16]


def read_language(credentials: Mapping | None) -> str:
    """Return the error language the user chose, falling back to English for anything else."""
    value = (credentials or {}).get("error_language")
    return value if value in LANGUAGES else "en_US"


def clean_api_key(raw: object) -> str:
    """Strip whitespace, quotes and a pasted `Bearer ` prefix; raise CredentialsError if nothing is left."""
    if not isinstance(raw, str):
        raise CredentialsError("api_key_missing")
    key = raw.strip().strip("\"'").strip()
    if key.lower().startswith("bearer "):
        key = key[len("bearer ") :].strip()
    elif key.lower() == "bearer":
        key = ""
    if not key:
        raise CredentialsError("api_key_missing")
    if any(character.isspace() for character in key) or not key.isascii():
        raise CredentialsError("api_key_malformed")
    return key


def clean_endpoint_url(raw: object) -> str:
    """Return the API base URL without a trailing slash; raise CredentialsError unless it is http(s)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return DEFAULT_ENDPOINT_URL
    if not isinstance(raw, str):
        raise CredentialsError("endpoint_url_invalid", _shown_value(str(raw)))
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CredentialsError("endpoint_url_invalid", _shown_value(raw.strip()))
    # Query, fragment and user info are dropped: requests append a path to this base.
    url = urlunsplit((parts.scheme, parts.netloc.rsplit("@", 1)[-1], parts.path.rstrip("/"), "", ""))
    # A pasted full request URL is cut back to the API base.
    for suffix in REQUEST_PATHS:
        if url.endswith(suffix):
            url = url[: -len(suffix)]
            break
    return url


def _shown_value(value: str) -> str:
    """Return a rejected URL value fit for a message: a key or password in it is masked."""
    value = re.sub(r"sk-[A-Za-z0-9_-]+", "sk-***", value)
    return re.sub(r"//[^/@]*@", "//***@", value)


def clean_max_wait(raw: object) -> float:
    """Return the wait bound in seconds; blank means the default, negative or non-numeric is rejected."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return DEFAULT_MAX_WAIT_S
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise CredentialsError("max_wait_invalid", str(raw)) from None
    if value < 0 or value != value or value == float("inf"):
        raise CredentialsError("max_wait_invalid", str(raw))
    return value


def read_settings(credentials: Mapping | None) -> Settings:
    """Build Settings from Dify's credentials mapping, raising CredentialsError on bad values."""
    credentials = credentials or {}
    return Settings(
        api_key=clean_api_key(credentials.get("api_key")),
        endpoint_url=clean_endpoint_url(credentials.get("endpoint_url")),
        language=read_language(credentials),
        max_wait_s=clean_max_wait(credentials.get("max_wait_seconds")),
    )
