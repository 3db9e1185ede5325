"""Drive the real plugin process the way the Dify plugin daemon does: stdio, one JSON line each way.

The daemon starts `python -m main` with INSTALL_METHOD=local, reads the manifest declaration
the plugin prints first, then writes request lines `{"session_id", "event": "request", "data"}`
and reads session messages (`stream`, `error`, `end`) tagged with the same session id. Many
sessions may be open at once; their messages interleave on stdout.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class SessionResult:
    """Everything one session received, in order."""

    messages: list[dict] = field(default_factory=list)

    @property
    def chunks(self) -> list[dict]:
        return [message["data"] for message in self.messages if message["type"] == "stream"]

    @property
    def error(self) -> dict | None:
        errors = [message["data"] for message in self.messages if message["type"] == "error"]
        return errors[0] if errors else None

    @property
    def ended(self) -> bool:
        return bool(self.messages) and self.messages[-1]["type"] == "end"

    @property
    def text(self) -> str:
        """The concatenated assistant text of an invoke_llm stream."""
        return "".join(chunk["delta"]["message"].get("content") or "" for chunk in self.chunks if "delta" in chunk)

    @property
    def result(self) -> dict | None:
        """The single data object of a request/response action (validate, schemas)."""
        return self.chunks[-1] if self.chunks else None


class PluginProcess:
    """A running plugin process with a reader thread that sorts its output by session."""

    def __init__(self, root: Path = PROJECT_ROOT, env: dict[str, str] | None = None, python: str = sys.executable) -> None:
        process_env = {**os.environ, "INSTALL_METHOD": "local", "PYTHONUNBUFFERED": "1", **(env or {})}
        self.process = subprocess.Popen(
            [python, "-m", "main"],
            cwd=root,
            env=process_env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.declaration: dict | None = None
        self.logs: list[dict] = []
        self.other_lines: list[bytes] = []
        self._sessions: dict[str, queue.Queue] = defaultdict(queue.Queue)
        self._declared = threading.Event()
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self.stderr_lines: list[bytes] = []
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_stderr(self) -> None:
        for line in self.process.stderr:
            self.stderr_lines.append(line)

    def _read_stdout(self) -> None:
        for raw in self.process.stdout:
            line = raw.strip()
            if not line:
                continue
            try:
                message = json.loads(line)
            except ValueError:
                self.other_lines.append(line)
                continue
            if self.declaration is None and "event" not in message:
                self.declaration = message
                self._declared.set()
                continue
            event = message.get("event")
            if event == "session":
                # For latency measurements: when the message left the plugin, as seen here.
                message["data"]["received_at"] = time.perf_counter()
                with self._lock:
                    target = self._sessions[message["session_id"]]
                target.put(message["data"])
            elif event == "log":
                self.logs.append(message.get("data") or {})
            elif event == "heartbeat":
                continue
            else:
                self.other_lines.append(line)

    def wait_declared(self, timeout: float = 30) -> dict:
        if not self._declared.wait(timeout):
            stderr = b"".join(self.stderr_lines).decode(errors="replace")[-2000:]
            raise TimeoutError(f"the plugin printed no declaration within {timeout} s; stderr: {stderr}")
        return self.declaration

    def send(self, data: dict, session_id: str | None = None) -> str:
        session_id = session_id or uuid.uuid4().hex
        with self._lock:
            self._sessions[session_id]  # created before any reply can arrive
        line = json.dumps({"session_id": session_id, "event": "request", "data": data}) + "\n"
        with self._write_lock:
            self.process.stdin.write(line.encode())
            self.process.stdin.flush()
        return session_id

    def iter_messages(self, session_id: str, timeout: float = 30) -> Iterator[dict]:
        """Yield the session's messages as they arrive, up to and including `end`."""
        with self._lock:
            messages = self._sessions[session_id]
        while True:
            try:
                message = messages.get(timeout=timeout)
            except queue.Empty:
                raise TimeoutError(f"session {session_id} sent nothing for {timeout} s") from None
            yield message
            if message["type"] == "end":
                return

    def collect(self, session_id: str, timeout: float = 30) -> SessionResult:
        """Wait for the session's `end` message and return all its messages."""
        return SessionResult(list(self.iter_messages(session_id, timeout)))

    def call(self, data: dict, timeout: float = 30) -> SessionResult:
        return self.collect(self.send(data), timeout)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream:
                stream.close()

    def __enter__(self) -> PluginProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


PROVIDER = "openrouter_free"


def invoke_llm_request(
    model: str,
    credentials: dict,
    prompt_messages: list[dict],
    *,
    model_parameters: dict | None = None,
    stream: bool = True,
    tools: list[dict] | None = None,
    stop: list[str] | None = None,
) -> dict:
    """Return the `data` of an invoke_llm request as the daemon sends it."""
    return {
        "type": "model",
        "action": "invoke_llm",
        "user_id": "test-user",
        "provider": PROVIDER,
        "model_type": "llm",
        "model": model,
        "credentials": credentials,
        "prompt_messages": prompt_messages,
        "model_parameters": model_parameters or {},
        "stop": stop,
        "tools": tools,
        "stream": stream,
    }


def model_request(action: str, model: str, credentials: dict, model_type: str = "llm", **extra: object) -> dict:
    """Return the `data` of another model action (get_ai_model_schemas, validate_model_credentials, ...)."""
    return {
        "type": "model",
        "action": action,
        "user_id": "test-user",
        "provider": PROVIDER,
        "model_type": model_type,
        "model": model,
        "credentials": credentials,
        **extra,
    }


def provider_validation_request(credentials: dict) -> dict:
    return {
        "type": "model",
        "action": "validate_provider_credentials",
        "user_id": "test-user",
        "provider": PROVIDER,
        "credentials": credentials,
    }
