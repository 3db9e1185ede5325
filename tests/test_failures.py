"""Table test for the translation of OpenRouter failures into Dify errors and messages.

Bodies come from the recorded exchanges and the documented bodies under FIXTURES, plus
variants written from them. Transport cases use servers on 127.0.0.1 started here, or
exception chains built by hand where a real one would need another host (DNS, connect
timeouts).
"""

from __future__ import annotations

import copy
import dataclasses
import email.utils
import json
import socket
import string
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

# dify_plugin patches ssl with gevent when imported, so it loads before requests.
from dify_plugin.errors.model import (
    CredentialsValidateFailedError,
    InvokeAuthorizationError,
    InvokeBadRequestError,
    InvokeConnectionError,
    InvokeRateLimitError,
    InvokeServerUnavailableError,
)

import pytest
import requests
import urllib3.exceptions
import yaml

from openrouter import failure_text
from openrouter.failures import (
    Failure,
    FailureKind,
    failure_from_error_object,
    failure_from_response,
    failure_from_transport,
    render_failure,
    stream_cut_failure,
    to_dify_error,
)
from tests.conftest import FIXTURES

K = FailureKind
RATE = InvokeRateLimitError
AUTH = InvokeAuthorizationError
BAD = InvokeBadRequestError
DOWN = InvokeServerUnavailableError
CONN = InvokeConnectionError

FAKE_KEY = "sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
FAKE_USER_ID = "user_2kQf8PlantedUserId"
SECRET_SENTENCE = f" Request from {FAKE_USER_ID} with key {FAKE_KEY}."
LANGUAGES = ("en_US", "zh_Hans")

RESET_DAILY_MS = 1779321600000  # 2026-05-21 00:00 UTC, from the documented 50-limit body
NOW_DAILY_MS = RESET_DAILY_MS - (3 * 3600 + 12 * 60) * 1000  # 3 h 12 min before it
RESET_MINUTE_MS = 1783519380000  # from the documented per-minute body
NOW_MINUTE_MS = RESET_MINUTE_MS - 25_000

DOCUMENTED = {
    entry["kind"]: entry
    for entry in json.loads((FIXTURES / "documented" / "errors-and-key.json").read_text())
}
KEY_INFO_ENTRY = "key info (documented shape, newer field included)"
DOCUMENTED_IN_TABLE: set[str] = set()  # filled by doc() while CASES is built
REAL = FIXTURES / "real"


# --- building failures from the fixtures -------------------------------------------------


def planted(body: dict, *, in_message: bool = True) -> dict:
    """Copy body with a fake key and user id planted where OpenRouter could echo them."""
    body = copy.deepcopy(body)
    body["user_id"] = FAKE_USER_ID
    error = body.get("error")
    if in_message and isinstance(error, dict) and isinstance(error.get("message"), str):
        error["message"] = error["message"].rstrip() + SECRET_SENTENCE
    return body


def from_documented(label: str, *, now_ms: int, in_message: bool = True, **changes) -> Failure:
    entry = DOCUMENTED[label]
    body = planted(entry["body"], in_message=in_message)
    if entry.get("delivered_as"):
        return failure_from_error_object(body, status=200, now_ms=now_ms, **changes)
    return failure_from_response(
        entry["status"], entry["headers"], json.dumps(body).encode(), now_ms=now_ms, **changes
    )


def from_body(status: int, body: dict, *, headers=None, now_ms: int, **changes) -> Failure:
    return failure_from_response(
        status, headers or {}, json.dumps(planted(body)).encode(), now_ms=now_ms, **changes
    )


def from_bytes(status: int, raw: bytes, *, headers=None, now_ms: int) -> Failure:
    return failure_from_response(status, headers or {}, raw, now_ms=now_ms)


def from_cassette(name: str, *, now_ms: int) -> Failure:
    """Replay the first response of a pydantic-ai cassette, with the fake secrets planted."""
    cassette = yaml.safe_load((REAL / "cassettes" / "pydantic-ai" / name).read_text())
    response = cassette["interactions"][0]["response"]
    headers = {name: values[0] for name, values in response["headers"].items()}
    return failure_from_response(
        response["status"]["code"], headers, json.dumps(planted(response["parsed_body"])).encode(),
        now_ms=now_ms,
    )


def from_stream_cassette(name: str, *, now_ms: int) -> Failure:
    """Find the SSE chunk that carries an error in a recorded stream."""
    cassette = yaml.safe_load((REAL / "cassettes" / "pydantic-ai" / name).read_text())
    stream = cassette["interactions"][0]["response"]["body"]["string"]
    chunks = [json.loads(line[len("data: "):]) for line in stream.splitlines()
              if line.startswith("data: {")]
    error_chunk = next(chunk for chunk in chunks if "error" in chunk)
    return failure_from_error_object(planted(error_chunk), status=200, now_ms=now_ms)


def from_e2e(recording: str, *, now_ms: int) -> Failure:
    folder = REAL / "recordings" / "openrouter-ai-sdk-provider-e2e" / recording
    meta = json.loads((folder / "response.meta.json").read_text())
    body = json.loads((folder / "response.json").read_text())
    return failure_from_response(
        meta["status"], meta["headers"], json.dumps(planted(body)).encode(), now_ms=now_ms
    )


def from_ploke(folder: str, file: str, *, now_ms: int, in_message: bool = True) -> Failure:
    body = json.loads((REAL / "recordings" / "ploke-ai-temp-data" / folder / file).read_text())
    return failure_from_response(
        404, {}, json.dumps(planted(body, in_message=in_message)).encode(), now_ms=now_ms
    )


def transport(exc: BaseException) -> Failure:
    return failure_from_transport(exc, endpoint_url=f"https://user:{FAKE_KEY}@openrouter.ai/api/v1"
                                                    f"/chat/completions?key={FAKE_KEY}")


# --- local servers for real transport failures --------------------------------------------


@contextmanager
def local_server(handle: Callable[[socket.socket], None]) -> Iterator[int]:
    """Serve one connection on 127.0.0.1 with handle(conn); yield the port."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(5)

    def serve():
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            handle(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        thread.join(timeout=5)


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


def raised_by(call: Callable[[], object]) -> BaseException:
    try:
        call()
    except BaseException as exc:  # noqa: BLE001 - the test inspects whatever was raised
        return exc
    raise AssertionError("the call did not raise")


def refused_connection() -> BaseException:
    return raised_by(lambda: requests.get(f"http://127.0.0.1:{free_port()}/api/v1", timeout=5))


def tls_to_plain_server() -> BaseException:
    def reply_plain(conn: socket.socket) -> None:
        conn.recv(1024)
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    with local_server(reply_plain) as port:
        return raised_by(lambda: requests.get(f"https://127.0.0.1:{port}/api/v1", timeout=5))


def silent_server() -> BaseException:
    def stay_silent(conn: socket.socket) -> None:
        conn.recv(1024)
        threading.Event().wait(1.0)

    with local_server(stay_silent) as port:
        return raised_by(lambda: requests.get(f"http://127.0.0.1:{port}/api/v1", timeout=0.3))


def cut_chunked_body() -> BaseException:
    def cut_midway(conn: socket.socket) -> None:
        conn.recv(1024)
        conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                     b"10\r\ndata: {\"id\":1}\n")

    with local_server(cut_midway) as port:
        def read_stream():
            with requests.get(f"http://127.0.0.1:{port}/api/v1", stream=True, timeout=5) as reply:
                for _ in reply.iter_content(chunk_size=None):
                    pass
        return raised_by(read_stream)


def unreachable_proxy() -> BaseException:
    session = requests.Session()
    session.trust_env = False
    proxy = f"http://127.0.0.1:{free_port()}"
    return raised_by(lambda: session.get("http://127.0.0.1:9/api/v1", timeout=5,
                                         proxies={"http": proxy, "https": proxy}))


def dns_failure_chain() -> BaseException:
    # Built by hand: a real lookup would query a DNS server on another host.
    lookup = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    reason = urllib3.exceptions.NameResolutionError("openrouter.invalid", None, lookup)
    reason.__cause__ = lookup
    return requests.exceptions.ConnectionError(
        urllib3.exceptions.MaxRetryError(None, "/api/v1/chat/completions", reason))


def connect_timeout_chain() -> BaseException:
    # Built by hand: a real connect timeout needs an address that drops packets.
    reason = urllib3.exceptions.ConnectTimeoutError(None, "Connection to openrouter.ai timed out")
    return requests.exceptions.ConnectTimeout(
        urllib3.exceptions.MaxRetryError(None, "/api/v1/chat/completions", reason))


def missing_schema() -> BaseException:
    return raised_by(lambda: requests.get("openrouter.ai/api/v1/chat/completions", timeout=5))


# --- the table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[], Failure]
    kind: FailureKind
    dify_type: type[Exception]
    now_ms: int = NOW_DAILY_MS
    both: tuple[str, ...] = ()  # substrings expected in both languages
    en: tuple[str, ...] = ()
    zh: tuple[str, ...] = ()


def doc(label, **changes):
    DOCUMENTED_IN_TABLE.add(label)
    now_ms = changes.pop("now_ms", NOW_DAILY_MS)
    return lambda: from_documented(label, now_ms=now_ms, **changes)


def body(status, error, *, headers=None, now_ms=NOW_DAILY_MS, **changes):
    return lambda: from_body(status, {"error": error}, headers=headers, now_ms=now_ms, **changes)


DAILY_50 = "daily free quota, under 10 credits bought"
DAILY_50_BODY = DOCUMENTED[DAILY_50]["body"]["error"]

CASES: tuple[Case, ...] = (
    # 429: the account's daily free-model quota
    Case("daily quota, 50, documented", doc(DAILY_50), K.DAILY_QUOTA, RATE,
         both=("50", "00:00 UTC", ":free", "10", "1000"),
         en=("in 3 h 12 min", "daily free-model quota", "OpenRouter said:"),
         zh=("今日免费额度已用完", "约 3 小时 12 分钟后", "OpenRouter 原文：")),
    Case("daily quota, 1000, limit_source",
         doc("daily free quota, 10 or more credits bought (2026 shape)",
             now_ms=1786233600000 - 3_600_000),
         K.DAILY_QUOTA, RATE, now_ms=1786233600000 - 3_600_000,
         both=("1000", "00:00 UTC"), en=("in 1 h",), zh=("约 1 小时后",)),
    Case("daily quota, in a stream",
         doc("daily quota delivered in a stream", now_ms=1743292800000 - 600_000),
         K.DAILY_QUOTA, RATE, now_ms=1743292800000 - 600_000,
         both=("200", "00:00 UTC"), en=("in 10 min",), zh=("约 10 分钟后",)),
    Case("daily quota, top-level headers in seconds",
         body(429, {"message": "Rate limit exceeded: free-models-per-day", "code": 429},
              headers={"x-ratelimit-limit": "50", "x-ratelimit-remaining": "0",
                       "x-ratelimit-reset": str(RESET_DAILY_MS // 1000)}),
         K.DAILY_QUOTA, RATE, both=("50", "00:00 UTC", "1000"),
         en=("in 3 h 12 min",), zh=("约 3 小时 12 分钟后",)),
    Case("daily quota, code as string, no headers",
         body(429, {"message": "Rate limit exceeded: free-models-per-day-high-balance",
                    "code": "429"}),
         K.DAILY_QUOTA, RATE, both=("00:00 UTC",),
         en=("in 3 h 12 min",), zh=("约 3 小时 12 分钟后",)),
    # 429: per-minute and per-model limits
    Case("minute limit, documented", doc("per-minute free limit", now_ms=NOW_MINUTE_MS),
         K.MINUTE_LIMIT, RATE, now_ms=NOW_MINUTE_MS, both=("16",),
         en=("in 25 s", "per-minute"), zh=("每分钟请求上限", "约 25 秒后")),
    Case("minute limit, no headers",
         body(429, {"message": "Rate limit exceeded: free-models-per-min.", "code": 429},
              now_ms=NOW_MINUTE_MS),
         K.MINUTE_LIMIT, RATE, now_ms=NOW_MINUTE_MS, en=("in 60 s",), zh=("约 60 秒后",)),
    Case("model demand limit, documented",
         doc("per-model demand limit", now_ms=NOW_MINUTE_MS),
         K.MODEL_DEMAND_LIMIT, RATE, now_ms=NOW_MINUTE_MS,
         both=("qwen/qwen3-coder:free", "8"), en=("in 25 s",), zh=("约 25 秒后",)),
    # 429: the upstream provider, capacity and the generic limit
    Case("upstream busy, recorded",
         lambda: from_cassette("test_openrouter_errors_raised.yaml", now_ms=NOW_DAILY_MS),
         K.UPSTREAM_BUSY, RATE, both=("Google", "google/gemini-2.0-flash-exp:free"),
         en=("not your account's quota", "another free model"),
         zh=("并非你账户的额度", "换用其他免费模型")),
    Case("upstream busy, 2025 shape", doc("upstream provider busy (2025 shape)"),
         K.UPSTREAM_BUSY, RATE, both=("Chutes", "deepseek/deepseek-chat-v3-0324:free")),
    Case("upstream busy, 2026 shape", doc("upstream provider busy (2026 shape)"),
         K.UPSTREAM_BUSY, RATE, both=("Google AI Studio", "google/gemma-4-31b-it:free")),
    Case("upstream busy, retry hint", doc("upstream provider busy with a retry hint"),
         K.UPSTREAM_BUSY, RATE, both=("Venice",), en=("Retry in 17 s",), zh=("17 秒后重试",)),
    Case("upstream busy, in a 200 body",
         lambda: failure_from_response(
             200, {}, json.dumps(planted(DOCUMENTED["upstream provider busy (2025 shape)"]["body"]))
             .encode(), now_ms=NOW_DAILY_MS),
         K.UPSTREAM_BUSY, RATE, both=("Chutes",)),
    Case("capacity 429, documented", doc("all providers at capacity (documented)"),
         K.CAPACITY, RATE, both=("anthropic/claude-sonnet-4.5", "anthropic/claude-haiku-4.5"),
         en=("Retry in 40 s",), zh=("40 秒后重试",)),
    Case("capacity 503",
         body(503, {"message": "All providers for z-ai/glm-4.5-air:free are at capacity.",
                    "error_type": "service_unavailable", "http_status": 503,
                    "availability": {"code": "capacity_exhausted", "retry_after": 12,
                                     "fallback_models": ["qwen/qwen3-coder:free",
                                                         "openai/gpt-oss-20b:free"]}}),
         K.CAPACITY, RATE, both=("z-ai/glm-4.5-air:free", "qwen/qwen3-coder:free",
                                 "openai/gpt-oss-20b:free"), en=("in 12 s",), zh=("12 秒后",)),
    Case("generic rate limit, documented", doc("generic rate limit (documented)"),
         K.RATE_LIMITED, RATE, en=("rate limit",), zh=("速率限制",)),
    Case("generic rate limit, HTML 429",
         lambda: from_bytes(429, b"<html><body><h1>429 Too Many Requests</h1></body></html>",
                            headers={"Retry-After": "30"}, now_ms=NOW_DAILY_MS),
         K.RATE_LIMITED, RATE, en=("Retry in 30 s",), zh=("30 秒后重试",)),
    # 402
    Case("no credits, documented", doc("account never bought credits"), K.NO_CREDITS, RATE,
         both=("https://openrouter.ai/settings/credits",), en=("never bought",), zh=("从未购买",)),
    Case("insufficient credits, reported",
         body(402, {"message": "Insufficient credits. Add more using "
                               "https://openrouter.ai/settings/credits", "code": 402,
                    "metadata": {"limit_source": "openrouter_credits"}}),
         K.INSUFFICIENT_CREDITS, RATE, en=("negative",), zh=("为负",)),
    Case("max tokens unaffordable, documented", doc("balance too low for max_tokens"),
         K.MAX_TOKENS_UNAFFORDABLE, RATE, both=("64000", "2666", "Max tokens"),
         zh=("最大 token 数",)),
    Case("in-flight budget, documented", doc("in-flight budget"), K.IN_FLIGHT_BUDGET, RATE,
         en=("in 5 s",), zh=("5 秒后",)),
    # 403
    Case("key spending limit, documented", doc("per-key spending limit"),
         K.KEY_SPENDING_LIMIT, RATE, en=("spending limit", "valid"), zh=("消费上限", "本身有效")),
    Case("moderation, documented", doc("moderation flag on a free model"), K.MODERATION, BAD,
         both=("OpenInference", "violence/graphic", "minimax/minimax-m2.5-20260211:free")),
    Case("guardrail, documented", doc("guardrail block (documented)"), K.GUARDRAIL, BAD,
         en=("guardrail",), zh=("防护规则",)),
    Case("region, plain message",
         body(403, {"message": "This model is not available in your region.", "code": 403},
              model="google/gemini-2.5-flash"),
         K.REGION, BAD, both=("google/gemini-2.5-flash",), en=("region",), zh=("地区",)),
    Case("region, provider raw JSON",
         body(403, {"message": "Provider returned error", "code": 403,
                    "metadata": {"provider_name": "OpenAI", "raw": json.dumps(
                        {"error": {"code": "unsupported_country_region_territory",
                                   "message": "Country, region, or territory not supported",
                                   "type": "request_forbidden"}})}}),
         K.REGION, BAD, both=("Country, region, or territory not supported",)),
    Case("forbidden, other wording",
         body(403, {"message": "Access to this resource is restricted", "code": 403}),
         K.FORBIDDEN, BAD, both=("403",)),
    # 401
    Case("invalid key, documented", doc("invalid or revoked key"), K.INVALID_KEY, AUTH,
         both=("https://openrouter.ai/settings/keys",), en=("revoked",), zh=("撤销",)),
    Case("missing key, documented", doc("no credentials sent"), K.MISSING_KEY, AUTH,
         both=("Authorization",), en=("without an API key",), zh=("没有携带 API Key",)),
    # 404
    Case("data policy, free model publication",
         doc("privacy settings block free endpoints", model="z-ai/glm-4.5-air:free"),
         K.DATA_POLICY, BAD,
         both=("Free model publication", "https://openrouter.ai/settings/privacy",
               "z-ai/glm-4.5-air:free")),
    Case("data policy, older wording", doc("privacy settings (older wording)"),
         K.DATA_POLICY, BAD, both=("https://openrouter.ai/settings/privacy",)),
    Case("free variant ended, paid slug", doc("free variant ended, paid slug given"),
         K.FREE_VARIANT_ENDED, BAD, both=("openai/gpt-oss-20b",)),
    Case("free variant ended, availability",
         doc("free variant ended (documented availability object)"),
         K.FREE_VARIANT_ENDED, BAD, both=("openai/gpt-oss-20b",)),
    Case("free model deprecated, documented",
         doc("free variant deprecated", model="qwen/qwen3.6-plus:free"),
         K.FREE_MODEL_DEPRECATED, BAD, both=("qwen/qwen3.6-plus", "qwen/qwen3.6-plus:free")),
    Case("no tool endpoint, recorded",
         lambda: from_ploke("no-tool-endpoints_404", "response.json", now_ms=NOW_DAILY_MS),
         K.NO_TOOL_ENDPOINT, BAD, en=("tool calling",), zh=("工具调用",)),
    Case("no image endpoint, documented", doc("no endpoint supports images"),
         K.NO_IMAGE_ENDPOINT, BAD, en=("image input",), zh=("图片输入",)),
    Case("no parameter endpoint, reported",
         body(404, {"message": "No endpoints found that can handle the requested parameters. "
                               "To learn more about provider routing, visit: "
                               "https://openrouter.ai/docs/guides/routing/provider-selection",
                    "code": 404}, model="arcee-ai/trinity-large-preview:free"),
         K.NO_PARAMETER_ENDPOINT, BAD, both=("arcee-ai/trinity-large-preview:free",)),
    Case("no endpoints, documented", doc("no endpoints for the model"), K.NO_ENDPOINTS, BAD,
         both=("deepseek/deepseek-r1:free",)),
    Case("bare not found, recorded",
         lambda: from_ploke("deepseek-chat-v3.1_free_404", "response1.json",
                            now_ms=NOW_DAILY_MS, in_message=False),
         K.ENDPOINT_NOT_FOUND, BAD, both=("https://openrouter.ai/api/v1",),
         en=("API Base URL",), zh=("API 地址",)),
    Case("other not found",
         body(404, {"message": "Generation gen-123 does not exist", "code": 404}),
         K.NOT_FOUND, BAD, both=("404",)),
    # 400 and 413
    Case("unknown model, documented", doc("unknown model id"), K.UNKNOWN_MODEL, BAD,
         both=("acme/fake-1.0",)),
    Case("context too long",
         body(400, {"message": "This endpoint's maximum context length is 131072 tokens. "
                               "However, you requested about 200345 tokens (196249 of text "
                               "input, 4096 in the output). Please reduce the length.",
                    "code": 400}, model="qwen/qwen3-coder:free"),
         K.CONTEXT_TOO_LONG, BAD, both=("131072", "200345", "qwen/qwen3-coder:free")),
    Case("too many fallbacks, documented", doc("too many fallback models"),
         K.TOO_MANY_FALLBACKS, BAD, both=("3",)),
    Case("token limit mid-stream, recorded",
         lambda: from_stream_cassette("test_openrouter_stream_error.yaml", now_ms=NOW_DAILY_MS),
         K.TOKEN_LIMIT_REACHED, BAD, both=("minimax/minimax-m2:free", "Max tokens")),
    Case("invalid request, empty input, recorded",
         lambda: from_e2e("2Hns20Jrj6g", now_ms=NOW_DAILY_MS), K.INVALID_REQUEST, BAD,
         both=("400", "Input must have at least 1 token")),
    Case("invalid request, image fetch, recorded",
         lambda: from_e2e("tBqlwTuYnOp", now_ms=NOW_DAILY_MS), K.INVALID_REQUEST, BAD,
         both=("Received 429 status code when fetching image",)),
    Case("invalid request, provider raw, recorded",
         lambda: from_e2e("5RVgXhodnB9", now_ms=NOW_DAILY_MS), K.INVALID_REQUEST, BAD,
         both=("Anthropic", "media_type")),
    Case("request too large",
         body(413, {"message": "Request Entity Too Large", "code": 413}),
         K.REQUEST_TOO_LARGE, BAD, both=("413",)),
    # 408 and 5xx
    Case("request timeout",
         body(408, {"message": "Request Timeout", "code": 408}), K.REQUEST_TIMEOUT, DOWN,
         both=("408",)),
    Case("server error, empty body",
         lambda: from_bytes(500, b"", now_ms=NOW_DAILY_MS), K.SERVER_ERROR, DOWN, both=("500",)),
    Case("server error, string code chunk", doc("error chunk with a string code (documented)"),
         K.SERVER_ERROR, DOWN, both=("Provider disconnected unexpectedly",)),
    Case("provider error 502, documented", doc("provider error 502"), K.PROVIDER_ERROR, DOWN,
         both=("Together", "502", "upstream connect error")),
    Case("provider error mid-stream, documented", doc("error after partial output (documented)"),
         K.PROVIDER_ERROR, DOWN, both=("OpenAI", "openai/gpt-4o", "502")),
    Case("provider error, HTML raw",
         body(502, {"message": "Provider returned error", "code": 502,
                    "metadata": {"provider_name": "Chutes",
                                 "raw": "<html><body>502 Bad Gateway</body></html>"}}),
         K.PROVIDER_ERROR, DOWN, both=("Chutes",)),
    Case("service unavailable",
         body(503, {"message": "Service temporarily unavailable", "code": 503}),
         K.SERVICE_UNAVAILABLE, DOWN, both=("503",)),
    Case("gateway timeout 504, documented", doc("provider timeout 504"), K.GATEWAY_TIMEOUT, DOWN,
         both=("Chutes", "504")),
    Case("gateway timeout 524",
         body(524, {"message": "A timeout occurred", "code": 524}), K.GATEWAY_TIMEOUT, DOWN,
         both=("524",)),
    Case("overloaded 529",
         body(529, {"message": "Provider returned error", "code": 529,
                    "metadata": {"provider_name": "Anthropic", "raw": "Overloaded"}}),
         K.OVERLOADED, DOWN, both=("Anthropic", "529")),
    Case("HTML 502 page",
         lambda: from_bytes(502, b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title>"
                                 b"</head><body>cloudflare</body></html>", now_ms=NOW_DAILY_MS),
         K.HTML_RESPONSE, DOWN, both=("HTML", "502")),
    Case("HTML 200 page from a wrong base URL",
         lambda: from_bytes(200, b"\n  <html lang=en><body>OpenRouter</body></html>",
                            now_ms=NOW_DAILY_MS),
         K.HTML_RESPONSE, DOWN, both=("https://openrouter.ai/api/v1",)),
    Case("plain-text 503 body",
         lambda: from_bytes(503, b"upstream connect error or disconnect/reset before headers",
                            now_ms=NOW_DAILY_MS),
         K.UNREADABLE_RESPONSE, DOWN, both=("503", "JSON")),
    Case("truncated JSON body",
         lambda: from_bytes(502, b'{"error": {"message": "Provider ret', now_ms=NOW_DAILY_MS),
         K.UNREADABLE_RESPONSE, DOWN, both=("502",)),
    # transport
    Case("connection refused, local", lambda: transport(refused_connection()),
         K.CONNECTION_REFUSED, CONN, both=("https://openrouter.ai/api/v1/chat/completions",)),
    Case("DNS failure", lambda: transport(dns_failure_chain()), K.DNS_FAILURE, CONN,
         both=("https://openrouter.ai/api/v1/chat/completions",)),
    Case("TLS failure, local", lambda: transport(tls_to_plain_server()), K.TLS_FAILURE, CONN,
         both=("TLS",)),
    Case("proxy failure, local", lambda: transport(unreachable_proxy()), K.PROXY_FAILURE, CONN),
    Case("connect timeout", lambda: transport(connect_timeout_chain()), K.CONNECT_TIMEOUT, CONN),
    Case("read timeout, local", lambda: transport(silent_server()), K.READ_TIMEOUT, CONN),
    Case("connection reset, local", lambda: transport(cut_chunked_body()),
         K.CONNECTION_RESET, CONN),
    Case("connection reset, raw error", lambda: transport(ConnectionResetError(104, "reset")),
         K.CONNECTION_RESET, CONN),
    Case("other connection error",
         lambda: transport(requests.exceptions.ConnectionError("pool closed")),
         K.CONNECTION_FAILED, CONN),
    Case("invalid base URL",
         lambda: failure_from_transport(missing_schema(), endpoint_url="openrouter.ai/api/v1"),
         K.INVALID_BASE_URL, CONN, both=("openrouter.ai/api/v1",)),
    Case("stream cut", lambda: stream_cut_failure("qwen/qwen3-coder:free"), K.STREAM_CUT, CONN,
         both=("qwen/qwen3-coder:free", "finish reason")),
)


@pytest.fixture(scope="module")
def built() -> dict[str, Failure]:
    """Build every case once: transport cases start local servers."""
    return {case.name: case.build() for case in CASES}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_failure_table(case: Case, language: str, built: dict[str, Failure]) -> None:
    failure = built[case.name]
    error = to_dify_error(failure, language, now_ms=case.now_ms)
    text = error.description
    expected = case.both + (case.en if language == "en_US" else case.zh)

    assert failure.kind is case.kind
    assert type(error) is case.dify_type
    assert error.failure is failure
    assert text == render_failure(failure, language, now_ms=case.now_ms)
    for fragment in expected:
        assert fragment in text, f"{fragment!r} missing from {text!r}"
    assert '{"' not in text
    assert "<html" not in text.lower()
    assert "<!doctype" not in text.lower()
    assert FAKE_KEY not in text
    assert "sk-or-" not in text
    assert FAKE_USER_ID not in text
    assert "user_REDACTED" not in text
    assert "org_REDACTED" not in text
    assert "\n" not in text
    assert "Traceback" not in text
    assert "HTTPConnectionPool" not in text


def test_every_documented_error_in_table() -> None:
    errors = set(DOCUMENTED) - {KEY_INFO_ENTRY}

    assert sorted(errors - DOCUMENTED_IN_TABLE) == []


def test_key_info_entry_is_not_an_error() -> None:
    assert "error" not in DOCUMENTED[KEY_INFO_ENTRY]["body"]


def test_every_kind_has_a_case() -> None:
    assert {case.kind for case in CASES} == set(FailureKind)


# --- the catalogue --------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", list(FailureKind), ids=str)
def test_catalogue_has_kind(kind: FailureKind, language: str) -> None:
    assert kind.value in failure_text.CATALOGUE
    assert failure_text.CATALOGUE[kind.value].get(language)


def test_catalogue_has_no_unknown_kind() -> None:
    assert set(failure_text.CATALOGUE) <= {kind.value for kind in FailureKind}


TEMPLATE_FIELDS = {
    "status", "limit", "remaining", "provider", "model", "reset_clock", "reset_in", "retry_in",
    "endpoint_url", "used", "credits_to_unlock", "unlocked_limit", "requested_tokens",
    "affordable_tokens", "context_limit", "paid_slug", "suggested_model", "max_models",
    "data_policy", "reasons", "fallback_models", "alternatives",
}


@pytest.mark.parametrize("kind", list(FailureKind), ids=str)
def test_catalogue_fields_are_known(kind: FailureKind) -> None:
    for language in LANGUAGES:
        for slot in failure_text.CATALOGUE[kind.value][language]:
            for template in (slot,) if isinstance(slot, str) else slot:
                names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
                assert names <= TEMPLATE_FIELDS, f"{kind} {language}: {names - TEMPLATE_FIELDS}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", list(FailureKind), ids=str)
def test_kind_renders_without_facts(kind: FailureKind, language: str) -> None:
    text = render_failure(Failure(kind=kind), language, now_ms=NOW_DAILY_MS)

    assert text
    assert "{" not in text
    assert "None" not in text


def test_unsent_wait_is_explained() -> None:
    failure = Failure(kind=K.MINUTE_LIMIT, limit=16, reset_at_ms=NOW_MINUTE_MS + 50_000,
                      facts={"would_wait_s": 50, "unsent_wait_s": 50, "max_wait_s": 30})
    english = render_failure(failure, "en_US", now_ms=NOW_MINUTE_MS)
    chinese = render_failure(failure, "zh_Hans", now_ms=NOW_MINUTE_MS)

    assert "did not send this request" in english
    assert "50 s away" in english
    assert "30 s" in english
    assert "没有发送" in chinese
    assert "50 秒" in chinese
    assert "30 秒" in chinese


def test_unretried_wait_is_explained() -> None:
    failure = Failure(kind=K.UPSTREAM_BUSY, provider="Chutes", model="a/b:free",
                      facts={"would_wait_s": 45, "retry_wait_s": 45, "max_wait_s": 30})
    english = render_failure(failure, "en_US", now_ms=NOW_MINUTE_MS)
    chinese = render_failure(failure, "zh_Hans", now_ms=NOW_MINUTE_MS)

    assert "did not retry" in english
    assert "45 s" in english
    assert "没有自动重试" in chinese
    assert "45 秒" in chinese


def test_unknown_language_falls_back_to_english() -> None:
    failure = from_documented(DAILY_50, now_ms=NOW_DAILY_MS)

    assert render_failure(failure, "ja_JP", now_ms=NOW_DAILY_MS) == render_failure(
        failure, "en_US", now_ms=NOW_DAILY_MS)


def test_daily_quota_shows_used() -> None:
    failure = from_documented(DAILY_50, now_ms=NOW_DAILY_MS)
    with_used = dataclasses.replace(failure, facts={**failure.facts, "used": 50})

    assert "50 of the 50" in render_failure(with_used, "en_US", now_ms=NOW_DAILY_MS)
    assert "50/50" in render_failure(with_used, "zh_Hans", now_ms=NOW_DAILY_MS)


def test_daily_quota_1000_has_no_upgrade_hint() -> None:
    failure = from_documented("daily free quota, 10 or more credits bought (2026 shape)",
                              now_ms=NOW_DAILY_MS)
    text = render_failure(failure, "en_US", now_ms=NOW_DAILY_MS)

    assert failure.limit == 1000
    assert "credits_to_unlock" not in failure.facts
    assert "Buying" not in text


def test_reset_a_day_away_shows_date() -> None:
    failure = Failure(kind=K.DAILY_QUOTA, reset_at_ms=RESET_DAILY_MS)
    text = render_failure(failure, "en_US", now_ms=RESET_DAILY_MS - 2 * 86_400_000)

    assert "2026-05-21 00:00 UTC" in text
    assert "in 2 d" in text


def test_reset_in_the_past_reads_now() -> None:
    failure = Failure(kind=K.DAILY_QUOTA, reset_at_ms=RESET_DAILY_MS)

    assert "any moment now" in render_failure(failure, "en_US", now_ms=RESET_DAILY_MS + 5)
    assert "即将" in render_failure(failure, "zh_Hans", now_ms=RESET_DAILY_MS + 5)


# --- reset and retry parsing ------------------------------------------------------------------


def rate_limited(headers=None, meta_headers=None, message="Rate limit exceeded: "
                 "free-models-per-min.", **metadata) -> Failure:
    error = {"message": message, "code": 429, "metadata": dict(metadata)}
    if meta_headers is not None:
        error["metadata"]["headers"] = meta_headers
    return failure_from_response(429, headers or {}, json.dumps({"error": error}).encode(),
                                 now_ms=NOW_MINUTE_MS)


def test_reset_in_milliseconds() -> None:
    failure = rate_limited({"X-RateLimit-Reset": str(RESET_MINUTE_MS)})

    assert failure.reset_at_ms == RESET_MINUTE_MS


def test_reset_in_seconds() -> None:
    failure = rate_limited({"X-RateLimit-Reset": str(RESET_MINUTE_MS // 1000)})

    assert failure.reset_at_ms == RESET_MINUTE_MS


def test_reset_header_beats_metadata() -> None:
    failure = rate_limited({"X-RateLimit-Reset": str(RESET_MINUTE_MS)},
                           {"X-RateLimit-Reset": str(RESET_MINUTE_MS + 30_000)})

    assert failure.reset_at_ms == RESET_MINUTE_MS


def test_reset_from_metadata_headers() -> None:
    failure = rate_limited(meta_headers={"X-RateLimit-Reset": str(RESET_MINUTE_MS),
                                         "X-RateLimit-Limit": "16",
                                         "X-RateLimit-Remaining": "0"})

    assert failure.reset_at_ms == RESET_MINUTE_MS
    assert failure.limit == 16
    assert failure.remaining == 0


def test_rate_headers_case_insensitive() -> None:
    failure = rate_limited({"x-ratelimit-limit": "20", "X-RATELIMIT-RESET": str(RESET_MINUTE_MS)})

    assert failure.limit == 20
    assert failure.reset_at_ms == RESET_MINUTE_MS


def test_limit_header_beats_metadata() -> None:
    failure = rate_limited({"X-RateLimit-Limit": "20"}, {"X-RateLimit-Limit": "16"})

    assert failure.limit == 20


def test_minute_reset_falls_back_to_60_s() -> None:
    assert rate_limited().reset_at_ms == NOW_MINUTE_MS + 60_000


def test_minute_reset_uses_retry_after() -> None:
    failure = rate_limited({"Retry-After": "7"})

    assert failure.retry_after_s == 7
    assert failure.reset_at_ms == NOW_MINUTE_MS + 7_000


def test_daily_reset_falls_back_to_midnight_utc() -> None:
    failure = rate_limited(message="Rate limit exceeded: free-models-per-day")

    assert failure.reset_at_ms == (NOW_MINUTE_MS // 86_400_000 + 1) * 86_400_000


def test_retry_after_header_beats_metadata() -> None:
    failure = rate_limited({"Retry-After": "3"}, message="Provider returned error",
                           retry_after_seconds=17)

    assert failure.retry_after_s == 3


def test_retry_after_from_metadata_seconds() -> None:
    failure = rate_limited(message="Provider returned error", retry_after_seconds=17)

    assert failure.retry_after_s == 17


def test_retry_after_http_date() -> None:
    retry_at = email.utils.formatdate(NOW_MINUTE_MS / 1000 + 90, usegmt=True)
    failure = rate_limited({"Retry-After": retry_at})

    assert failure.retry_after_s == pytest.approx(90, abs=1)


def test_no_reset_for_other_kinds() -> None:
    failure = failure_from_response(500, {}, b"", now_ms=NOW_MINUTE_MS)

    assert failure.reset_at_ms is None


# --- Dify errors ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_validating_gives_credentials_error(case: Case, language: str,
                                            built: dict[str, Failure]) -> None:
    failure = built[case.name]
    error = to_dify_error(failure, language, validating=True, now_ms=case.now_ms)
    text = render_failure(failure, language, now_ms=case.now_ms)

    assert type(error) is CredentialsValidateFailedError
    assert error.args[0] == text
    assert str(error) == text
    assert error.failure is failure


def test_every_kind_has_dify_type() -> None:
    sdk_types = {RATE, AUTH, BAD, DOWN, CONN}
    for kind in FailureKind:
        assert Failure(kind=kind).dify_error_type in sdk_types, kind


def test_retryable_kinds() -> None:
    assert not Failure(kind=K.DAILY_QUOTA).retryable
    assert Failure(kind=K.MINUTE_LIMIT).retryable
    assert Failure(kind=K.MODEL_DEMAND_LIMIT).retryable
    assert Failure(kind=K.UPSTREAM_BUSY).retryable
    assert Failure(kind=K.CAPACITY).retryable
    assert Failure(kind=K.REQUEST_TIMEOUT).retryable
    assert Failure(kind=K.PROVIDER_ERROR).retryable
    assert Failure(kind=K.READ_TIMEOUT).retryable
    assert Failure(kind=K.STREAM_CUT).retryable
    assert not Failure(kind=K.INVALID_KEY).retryable
    assert not Failure(kind=K.CONTEXT_TOO_LONG).retryable
    assert not Failure(kind=K.NO_CREDITS).retryable
    assert not Failure(kind=K.INVALID_BASE_URL).retryable


# --- secrets ----------------------------------------------------------------------------------


def test_bearer_token_scrubbed() -> None:
    failure = from_body(400, {"error": {"message": "Bad header Authorization: Bearer abc.DEF-123",
                                        "code": 400}}, now_ms=NOW_DAILY_MS)

    assert "abc.DEF-123" not in failure.detail


def test_key_hash_scrubbed() -> None:
    key_hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    failure = from_body(404, {"error": {"message": f"No key at /api/v1/keys/{key_hash}",
                                        "code": 404}}, now_ms=NOW_DAILY_MS)

    assert key_hash not in failure.detail


def test_key_in_raw_scrubbed() -> None:
    failure = from_body(400, {"error": {"message": "Provider returned error", "code": 400,
                                        "metadata": {"raw": f"invalid key {FAKE_KEY}"}}},
                        now_ms=NOW_DAILY_MS)

    assert "invalid key" in failure.detail
    assert FAKE_KEY not in failure.detail


def test_secret_in_reasons_scrubbed() -> None:
    failure = from_body(403, {"error": {"message": "Your input was flagged", "code": 403,
                                        "metadata": {"reasons": [f"echo {FAKE_KEY}"]}}},
                        now_ms=NOW_DAILY_MS)
    text = render_failure(failure, "en_US", now_ms=NOW_DAILY_MS)

    assert failure.kind is K.MODERATION
    assert FAKE_KEY not in text
    assert "echo" in text


def test_endpoint_url_stripped() -> None:
    failure = transport(requests.exceptions.ConnectionError("x"))

    assert failure.facts["endpoint_url"] == "https://openrouter.ai/api/v1/chat/completions"


def test_long_detail_shortened() -> None:
    failure = from_body(400, {"error": {"message": "word " * 200, "code": 400}},
                        now_ms=NOW_DAILY_MS)

    assert len(failure.detail) <= 302


@pytest.mark.parametrize("kind", [K.FREE_VARIANT_ENDED, K.FREE_MODEL_DEPRECATED, K.NO_ENDPOINTS])
def test_alternatives_listed(kind) -> None:
    failure = Failure(kind=kind, model="a/b:free", facts={"alternatives": ("c/d:free", "e/f:free")})

    english = render_failure(failure, "en_US", now_ms=NOW_DAILY_MS)
    chinese = render_failure(failure, "zh_Hans", now_ms=NOW_DAILY_MS)

    assert "c/d:free, e/f:free" in english
    assert "c/d:free、e/f:free" in chinese
