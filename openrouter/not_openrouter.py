"""Messages and checks for an API Base URL that responds, but not as the OpenRouter API does."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from openrouter.failures import Failure, FailureKind
from openrouter.settings import DEFAULT_ENDPOINT_URL

# Messages for a server that responds, but not as the OpenRouter API does. `{url}` is the address
# that was requested, without user info or query.
NOT_OPENROUTER_MESSAGES = {
    "json": {
        "en_US": "{url} returned JSON without the \"data\" object that the OpenRouter API sends, so the API Base URL "
        "probably does not point to OpenRouter. Check it. It is normally " + DEFAULT_ENDPOINT_URL + ".",
        "zh_Hans": "{url} 返回的 JSON 中没有 OpenRouter API 应有的 data 对象，「API 地址」很可能没有指向 OpenRouter。"
        "请检查该地址，通常应为 " + DEFAULT_ENDPOINT_URL + "。",
    },
    "html": {
        "en_US": "{url} returned a web page (HTML) instead of an OpenRouter API response, so the API Base URL probably "
        "points to a website, a login page or a proxy. Check it. It is normally " + DEFAULT_ENDPOINT_URL + ".",
        "zh_Hans": "{url} 返回的是网页（HTML），而不是 OpenRouter API 的响应，「API 地址」可能指向了网站、登录页或代理。"
        "请检查该地址，通常应为 " + DEFAULT_ENDPOINT_URL + "。",
    },
    "text": {
        "en_US": "{url} returned a response that is not JSON, so the API Base URL probably does not point to "
        "OpenRouter. Check it. It is normally " + DEFAULT_ENDPOINT_URL + ".",
        "zh_Hans": "{url} 返回的内容不是 JSON，「API 地址」很可能没有指向 OpenRouter。"
        "请检查该地址，通常应为 " + DEFAULT_ENDPOINT_URL + "。",
    },
}


def display_url(url: str) -> str:
    """Return url without user info, query or fragment, for messages and logs."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.rsplit("@", 1)[-1], parts.path, "", ""))


def not_openrouter_text(body: str, url: str, language: str) -> str:
    """Render the message for a response whose `body` ("json", "html", "text") is not OpenRouter's."""
    templates = NOT_OPENROUTER_MESSAGES[body]
    return templates.get(language, templates["en_US"]).format(url=display_url(url))


def not_openrouter_body(failure: Failure | None) -> str | None:
    """Return "html" or "text" when `failure` is a 2xx response that is not JSON, else None.

    http.get_json raises such a response as HTML_RESPONSE or UNREADABLE_RESPONSE with no status,
    because only statuses from 400 up are reported.
    """
    if failure is None or failure.status is not None:
        return None
    return {FailureKind.HTML_RESPONSE: "html", FailureKind.UNREADABLE_RESPONSE: "text"}.get(failure.kind)
