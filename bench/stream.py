"""Stream benchmark: start time, peak memory, stream throughput and first-chunk delay.

Everything runs on this machine: one loopback HTTP server sends a prepared SSE body, and both
a plain `requests` + `json` client and the real plugin process (spoken to over stdio as the
Dify daemon does) read it.
"""

from __future__ import annotations

import json
import socket
import statistics
import threading
import time
from dataclasses import dataclass

import requests

from tools.daemon import PluginProcess, invoke_llm_request

MODEL = "openai/gpt-oss-20b:free"
STREAM_CHUNKS = 3000


def sse_body(chunk_count: int) -> list[bytes]:
    """Return SSE events shaped like OpenRouter's: one content delta each, then finish, usage, DONE."""
    events = []
    for number in range(chunk_count):
        event = {
            "id": "gen-bench",
            "provider": "Bench",
            "model": MODEL,
            "object": "chat.completion.chunk",
            "created": 1767761748,
            "choices": [{"index": 0, "delta": {"role": "assistant", "content": f"w{number} "}, "finish_reason": None}],
        }
        events.append(b"data: " + json.dumps(event, separators=(",", ":")).encode() + b"\n\n")
    finish = {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
    usage = {"choices": [], "usage": {"prompt_tokens": 10, "completion_tokens": chunk_count}}
    events.append(b"data: " + json.dumps(finish).encode() + b"\n\n")
    events.append(b"data: " + json.dumps(usage).encode() + b"\n\n")
    events.append(b"data: [DONE]\n\n")
    return events


def _chunked(parts: list[bytes]) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in parts)


class LoopbackServer:
    """A minimal HTTP/1.1 server on 127.0.0.1 that replies to every request with one prepared stream.

    In `paced` mode it sends a comment at once, the first content event after `pause_s`
    (recording when), and the rest after another pause: for first-chunk latency.
    """

    def __init__(self, parts: list[bytes], *, paced: bool = False, pause_s: float = 0.2) -> None:
        self.parts = parts
        self.paced = paced
        self.pause_s = pause_s
        self.first_sent_at: list[float] = []
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self._payload = _chunked(parts) + b"0\r\n\r\n"
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v1"

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with connection:
            reader = connection.makefile("rb")
            while True:
                length = 0
                line = reader.readline()
                if not line:
                    return
                while line not in (b"\r\n", b"\n", b""):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                    line = reader.readline()
                reader.read(length)
                head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
                if not self.paced:
                    connection.sendall(head + self._payload)
                    continue
                connection.sendall(head + _chunked([b": OPENROUTER PROCESSING\n\n"]))
                time.sleep(self.pause_s)
                self.first_sent_at.append(time.perf_counter())
                connection.sendall(_chunked(self.parts[:1]))
                time.sleep(self.pause_s)
                connection.sendall(_chunked(self.parts[1:]) + b"0\r\n\r\n")

    def close(self) -> None:
        self._socket.close()


def plain_client_seconds(url: str) -> float:
    """Time a plain requests + json read of the whole stream: the floor any client pays."""
    started = time.perf_counter()
    with requests.post(url + "/chat/completions", json={"model": MODEL, "stream": True}, stream=True) as response:
        text = []
        for line in response.iter_lines():
            if line.startswith(b"data: ") and line != b"data: [DONE]":
                event = json.loads(line[6:])
                for choice in event.get("choices") or ():
                    text.append(choice["delta"].get("content") or "")
    elapsed = time.perf_counter() - started
    assert len(text) >= STREAM_CHUNKS
    return elapsed


def raw_first_chunk_delay(server: LoopbackServer) -> float:
    """Seconds from the server sending the first content event to a raw socket client receiving it."""
    with socket.create_connection(("127.0.0.1", server.port)) as connection:
        connection.sendall(b"POST /api/v1/chat/completions HTTP/1.1\r\nhost: bench\r\ncontent-length: 0\r\n\r\n")
        received = b""
        while b"data:" not in received:
            received += connection.recv(65536)
        arrived = time.perf_counter()
        connection.settimeout(5)
        try:
            while not received.endswith(b"0\r\n\r\n"):
                data = connection.recv(65536)
                if not data:
                    break
                received += data
        except TimeoutError:
            pass
    return arrived - server.first_sent_at[-1]


def _credentials(url: str) -> dict:
    return {"api_key": "sk-or-bench", "endpoint_url": url}


def plugin_stream_seconds(plugin: PluginProcess, url: str) -> float:
    started = time.perf_counter()
    result = plugin.call(invoke_llm_request(MODEL, _credentials(url), [{"role": "user", "content": "go"}]), timeout=120)
    elapsed = time.perf_counter() - started
    assert result.error is None, result.error
    assert result.text.count(" ") == STREAM_CHUNKS, "the plugin lost or added text"
    return elapsed


def plugin_first_chunk_delay(plugin: PluginProcess, server: LoopbackServer) -> float:
    session_id = plugin.send(invoke_llm_request(MODEL, _credentials(server.url), [{"role": "user", "content": "go"}]))
    first_at = None
    for message in plugin.iter_messages(session_id, timeout=30):
        if first_at is None and message["type"] == "stream" and message["data"]["delta"]["message"].get("content"):
            first_at = message["received_at"]
    return first_at - server.first_sent_at[-1]


def start_seconds(runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        with PluginProcess() as plugin:
            plugin.wait_declared()
            timings.append(time.perf_counter() - started)
    return timings


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class StreamReport:
    start_s: float
    peak_rss_mb: float
    plain_s: float
    plugin_s: float
    raw_first_ms: float
    plugin_first_ms: float

    @property
    def ratio(self) -> float:
        return self.plugin_s / self.plain_s

    @property
    def first_chunk_delay_ms(self) -> float:
        return self.plugin_first_ms - self.raw_first_ms


def run(runs: int = 7) -> StreamReport:
    start = statistics.median(start_seconds(5))
    server = LoopbackServer(sse_body(STREAM_CHUNKS))
    paced = LoopbackServer(sse_body(20), paced=True, pause_s=0.1)
    try:
        with PluginProcess() as plugin:
            plugin.wait_declared()
            plugin_stream_seconds(plugin, server.url)  # warm-up: imports, connection pool
            plain_client_seconds(server.url)
            plain, through_plugin, raw_first, plugin_first = [], [], [], []
            for _ in range(runs):
                plain.append(plain_client_seconds(server.url))
                through_plugin.append(plugin_stream_seconds(plugin, server.url))
                raw_first.append(raw_first_chunk_delay(paced))
                plugin_first.append(plugin_first_chunk_delay(plugin, paced))
            rss = peak_rss_mb(plugin.process.pid)
    finally:
        server.close()
        paced.close()
    return StreamReport(
        start_s=start,
        peak_rss_mb=rss,
        plain_s=statistics.median(plain),
        plugin_s=statistics.median(through_plugin),
        raw_first_ms=statistics.median(raw_first) * 1000,
        plugin_first_ms=statistics.median(plugin_first) * 1000,
    )
