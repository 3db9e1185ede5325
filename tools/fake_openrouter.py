"""A stand-in for OpenRouter on 127.0.0.1 that replays scripted or recorded responses.

Tests, `make try` and the benchmark point the plugin's `endpoint_url` at it. It records every
request it receives, so tests can assert what was (or was not) sent.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tools.recordings import Recording

API_PREFIX = "/api/v1"


@dataclass
class Reply:
    """One scripted response. `parts` are sent as separate chunks, `part_delay_s` apart."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    parts: list[bytes] | None = None
    part_delay_s: float = 0.0
    delay_s: float = 0.0
    # Drop the connection after the parts, without the closing chunk: a cut stream.
    cut: bool = False

    @classmethod
    def json(cls, document: object, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
        merged = {"content-type": "application/json", **(headers or {})}
        return cls(status=status, headers=merged, body=json.dumps(document).encode())

    @classmethod
    def sse(cls, events: list[object], *, done: bool = True, comments: int = 0, **options: object) -> Reply:
        parts = [b": OPENROUTER PROCESSING\n\n"] * comments
        for event in events:
            text = event if isinstance(event, str) else json.dumps(event, separators=(",", ":"))
            parts.append(b"data: " + text.encode() + b"\n\n")
        if done:
            parts.append(b"data: [DONE]\n\n")
        return cls(headers={"content-type": "text/event-stream"}, parts=parts, **options)

    @classmethod
    def replay(cls, recording: Recording, **options: object) -> Reply:
        headers = {name: value for name, value in recording.headers.items() if name in ("content-type", "retry-after") or name.startswith("x-ratelimit")}
        if recording.is_stream:
            # Recordings that kept only the whole body are sent one SSE event per chunk.
            parts = recording.parts or [block + b"\n\n" for block in recording.body.split(b"\n\n") if block]
            return cls(status=recording.status, headers=headers, parts=list(parts), **options)
        return cls(status=recording.status, headers=headers, body=recording.body, **options)


@dataclass
class ReceivedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> object:
        return json.loads(self.body) if self.body else None


Responder = Callable[[ReceivedRequest], Reply]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        request = ReceivedRequest(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        self.server.fake.record(request)
        reply = self.server.fake.reply_for(request)
        if reply.delay_s:
            time.sleep(reply.delay_s)
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.parts is None:
            self.send_header("content-length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
            return
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        for part in reply.parts:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.flush()
            if reply.part_delay_s:
                time.sleep(reply.part_delay_s)
        if reply.cut:
            self.close_connection = True
            return
        self.wfile.write(b"0\r\n\r\n")

    do_GET = _handle
    do_POST = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # Room for bursts of concurrent connections (the stdlib default is 5).
    request_queue_size = 256
    fake: FakeOpenRouter


class FakeOpenRouter:
    """Serve scripted replies per path (below /api/v1) on 127.0.0.1 and keep a request log."""

    def __init__(self) -> None:
        self.requests: list[ReceivedRequest] = []
        self._replies: dict[str, deque[Reply | Responder]] = defaultdict(deque)
        self._defaults: dict[str, Reply | Responder] = {}
        self._lock = threading.Lock()
        self._server: _Server | None = None

    def add(self, path: str, reply: Reply | Responder, *, always: bool = False) -> FakeOpenRouter:
        """Queue `reply` for the next request to `path`; with always=True, reply to every request."""
        with self._lock:
            if always:
                self._defaults[path] = reply
            else:
                self._replies[path].append(reply)
        return self

    def record(self, request: ReceivedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def requests_to(self, path: str) -> list[ReceivedRequest]:
        with self._lock:
            return [request for request in self.requests if request.path.split("?")[0] == API_PREFIX + path]

    def reply_for(self, request: ReceivedRequest) -> Reply:
        path = request.path.split("?")[0]
        path = path[len(API_PREFIX) :] if path.startswith(API_PREFIX) else path
        with self._lock:
            queued = self._replies.get(path)
            reply = queued.popleft() if queued else self._defaults.get(path)
        if reply is None:
            return Reply.json({"error": {"message": "Not Found", "code": 404}}, status=404)
        return reply(request) if callable(reply) else reply

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{API_PREFIX}"

    def start(self) -> FakeOpenRouter:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        threading.Thread(target=self._server.serve_forever, daemon=True, name="fake-openrouter").start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeOpenRouter:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
