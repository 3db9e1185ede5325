"""HTTP calls to OpenRouter: one pooled session, attribution headers, timeouts, typed failures.

Every call goes to the configured `endpoint_url` and nowhere else. A transport error or a
non-2xx response is raised as the Dify error that `openrouter.failures` picks for it.
"""

from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter

from openrouter.failures import failure_from_response, failure_from_transport, to_dify_error
from openrouter.settings import Settings

# Shown on OpenRouter's app rankings and activity page.
APP_URL = "https://github.com/freetier/openrouter_free"
APP_TITLE = "OpenRouter Free for Dify"

CONNECT_TIMEOUT_S = 10.0
# The maximum silence between bytes before a read times out. OpenRouter sends keep-alive comments while a
# provider is still working, so a longer gap means the connection is dead.
READ_TIMEOUT_S = 120.0
# GET calls (key status, models list) return quickly or not at all.
LOOKUP_TIMEOUT_S = (5.0, 20.0)
# Error bodies are read up to this size; anything longer is cut before translation.
MAX_ERROR_BODY_BYTES = 64 * 1024

_session: requests.Session | None = None


def session() -> requests.Session:
    """Return the process-wide session; its pool lets many concurrent streams reuse connections."""
    global _session
    if _session is None:
        created = requests.Session()
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=128, max_retries=0)
        created.mount("https://", adapter)
        created.mount("http://", adapter)
        # Proxies and .netrc from the environment are honoured, but no credentials from them.
        created.trust_env = True
        _session = created
    return _session


def request_headers(settings: Settings) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {settings.api_key}",
        "HTTP-Referer": APP_URL,
        "X-OpenRouter-Title": APP_TITLE,
        # The older name of the title header, still read by OpenRouter.
        "X-Title": APP_TITLE,
    }


def _read_error_body(response: requests.Response) -> bytes:
    try:
        body = response.raw.read(MAX_ERROR_BODY_BYTES, decode_content=True) if response.raw else b""
    except (requests.RequestException, OSError, ValueError):
        body = b""
    finally:
        response.close()
    return body or b""


def raise_for_failure(response: requests.Response, settings: Settings, model: str | None, *, validating: bool = False) -> None:
    """Raise the translated Dify error when `response` is not a success; consume its body."""
    if response.status_code < 400:
        return
    body = _read_error_body(response)
    failure = failure_from_response(response.status_code, response.headers, body, model=model)
    raise to_dify_error(failure, settings.language, validating=validating)


def post_json(
    settings: Settings,
    path: str,
    payload: dict,
    *,
    model: str | None,
    validating: bool = False,
) -> requests.Response:
    """POST `payload` to `endpoint_url + path`, returning the open response of a success.

    The body is not read here, in either mode: streams are consumed by the caller, a blocking
    body may begin with keep-alive whitespace, and error bodies are read and translated before
    raising.
    """
    url = settings.endpoint_url + path
    try:
        response = session().post(
            url,
            json=payload,
            headers=request_headers(settings),
            stream=True,
            timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S),
        )
    except requests.RequestException as error:
        failure = failure_from_transport(error, endpoint_url=settings.endpoint_url)
        raise to_dify_error(failure, settings.language, validating=validating) from None
    raise_for_failure(response, settings, model, validating=validating)
    return response


def read_body(response: requests.Response, settings: Settings) -> bytes:
    """Read a whole success body and close the response, raising a Dify error if the transfer fails."""
    try:
        return response.content
    except requests.RequestException as error:
        failure = failure_from_transport(error, endpoint_url=settings.endpoint_url)
        raise to_dify_error(failure, settings.language) from None
    finally:
        response.close()


def get_json(settings: Settings, path: str, *, validating: bool = False, authorized: bool = True) -> object:
    """GET `endpoint_url + path` and return its decoded JSON, raising a Dify error on failure."""
    url = settings.endpoint_url + path
    headers = request_headers(settings) if authorized else {"HTTP-Referer": APP_URL, "X-OpenRouter-Title": APP_TITLE}
    try:
        response = session().get(url, headers=headers, stream=True, timeout=LOOKUP_TIMEOUT_S)
    except requests.RequestException as error:
        failure = failure_from_transport(error, endpoint_url=settings.endpoint_url)
        raise to_dify_error(failure, settings.language, validating=validating) from None
    raise_for_failure(response, settings, None, validating=validating)
    try:
        body = response.content
    except requests.RequestException as error:
        failure = failure_from_transport(error, endpoint_url=settings.endpoint_url)
        raise to_dify_error(failure, settings.language, validating=validating) from None
    try:
        return response.json() if body.strip() else None
    except ValueError:
        # A 200 that is not JSON (an HTML login page, a captive portal) is not OpenRouter.
        failure = failure_from_response(response.status_code, response.headers, body)
        raise to_dify_error(failure, settings.language, validating=validating) from None
