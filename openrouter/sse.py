"""Incremental Server-Sent Events decoder for OpenRouter streams.

OpenRouter sends `data: {json}` events separated by blank lines, `: OPENROUTER PROCESSING`
comment lines while a request waits for a provider, and `data: [DONE]` at the end. Bytes
arrive in arbitrary pieces, so an event or a UTF-8 character may be split across reads.
"""

from __future__ import annotations

DONE = "[DONE]"


class SseDecoder:
    """Feed raw bytes, get back the `data` payload of each complete event, in order."""

    def __init__(self) -> None:
        self._pending = b""
        self._data_lines: list[bytes] = []

    def feed(self, chunk: bytes) -> list[str]:
        """Return the payloads of the events that `chunk` completes; keep any partial line."""
        buffer = self._pending + chunk if self._pending else chunk
        lines = buffer.split(b"\n")
        self._pending = lines.pop()
        payloads = []
        for line in lines:
            payload = self._take_line(line.rstrip(b"\r"))
            if payload is not None:
                payloads.append(payload)
        return payloads

    def close(self) -> list[str]:
        """Return the payload of a last event that ended without a blank line, if any."""
        payloads = []
        if self._pending:
            line, self._pending = self._pending.rstrip(b"\r"), b""
            payload = self._take_line(line)
            if payload is not None:
                payloads.append(payload)
        payload = self._dispatch()
        if payload is not None:
            payloads.append(payload)
        return payloads

    def _take_line(self, line: bytes) -> str | None:
        if not line:
            return self._dispatch()
        if line.startswith(b"data:"):
            value = line[5:]
            if value.startswith(b" "):
                value = value[1:]
            self._data_lines.append(value)
        # Comment lines (`:`), `event:`, `id:` and `retry:` carry nothing the plugin uses.
        return None

    def _dispatch(self) -> str | None:
        if not self._data_lines:
            return None
        data = b"\n".join(self._data_lines) if len(self._data_lines) > 1 else self._data_lines[0]
        self._data_lines = []
        return data.decode("utf-8", errors="replace")
