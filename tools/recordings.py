"""Load recorded OpenRouter exchanges into one shape, whatever tool recorded them.

The recordings come in four formats:
- VCR cassettes, with the request and response body as a string;
- pydantic-ai cassettes, with a `parsed_body` instead of a string;
- Polly.js HAR files;
- the OpenRouter AI SDK's fixture folders: `response.meta.json` plus `response.json`, or an
  event list in `response.jsonl`.

Tests, the fake server, `make try` and the benchmark all replay them
through `Recording`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

# The recordings live outside the repository, in shared/fixtures/openrouter beside the project
# folder (where CI lays them); OPENROUTER_FREE_FIXTURES points elsewhere.
DEFAULT_FIXTURES = Path(
    os.environ.get("OPENROUTER_FREE_FIXTURES")
    or Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures" / "openrouter"
)
MISSING_FIXTURES_MESSAGE = (
    f"The recorded OpenRouter exchanges were not found at {DEFAULT_FIXTURES}. Place the shared/ "
    "folder beside the project folder, or set OPENROUTER_FREE_FIXTURES to its fixtures/openrouter folder."
)


@dataclass(frozen=True)
class Recording:
    """One recorded HTTP response, with the JSON request that produced it when it was kept."""

    status: int
    headers: dict[str, str]
    body: bytes
    request: dict | None = None
    url: str = ""
    source: str = ""
    # For SSE recordings: the body split where the recorder saw separate network writes.
    parts: list[bytes] = field(default_factory=list)

    @property
    def is_stream(self) -> bool:
        return "text/event-stream" in self.headers.get("content-type", "")

    def json(self) -> object:
        return json.loads(self.body)


def _lower_headers(headers: dict) -> dict[str, str]:
    lowered = {}
    for name, value in headers.items():
        if isinstance(value, list):
            value = ", ".join(str(item) for item in value)
        lowered[name.lower()] = str(value)
    return lowered


def _request_json(body: object) -> dict | None:
    if isinstance(body, dict):
        return body
    if isinstance(body, (str, bytes)) and body:
        try:
            parsed = json.loads(body)
        except ValueError:
            return None
        return parsed if isinstance(parsed, dict) else None
    return None


def load_cassette(path: Path) -> list[Recording]:
    """Read a VCR or pydantic-ai cassette: one Recording per interaction, in order."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    recordings = []
    for interaction in document["interactions"]:
        request, response = interaction["request"], interaction["response"]
        if "parsed_body" in response:
            body = json.dumps(response["parsed_body"]).encode()
        else:
            raw = response["body"]["string"]
            body = raw.encode() if isinstance(raw, str) else raw
        request_body = request.get("parsed_body", request.get("body"))
        recordings.append(
            Recording(
                status=response["status"]["code"],
                headers=_lower_headers(response.get("headers") or {}),
                body=body,
                request=_request_json(request_body),
                url=request.get("uri", ""),
                source=str(path),
            )
        )
    return recordings


def load_har(path: Path) -> list[Recording]:
    """Read a Polly.js HAR file: one Recording per entry, in order."""
    document = json.loads(path.read_text(encoding="utf-8"))
    recordings = []
    for entry in document["log"]["entries"]:
        request, response = entry["request"], entry["response"]
        headers = {item["name"].lower(): item["value"] for item in response.get("headers", [])}
        text = response.get("content", {}).get("text", "")
        post = request.get("postData", {}).get("text")
        recordings.append(
            Recording(
                status=response["status"],
                headers=headers,
                body=text.encode(),
                request=_request_json(post),
                url=request.get("url", ""),
                source=str(path),
            )
        )
    return recordings


def _jsonl_parts(path: Path) -> list[bytes]:
    """Rebuild the SSE byte stream from the AI SDK's event list (comment, json, text, delay_ms)."""
    parts = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        event = json.loads(line)
        if "comment" in event:
            parts.append(event["comment"].encode())
        elif "json" in event:
            parts.append(b"data: " + json.dumps(event["json"], separators=(",", ":")).encode() + b"\n\n")
        elif "text" in event:
            parts.append(b"data: " + event["text"].encode() + b"\n\n")
    return parts


def load_sdk_fixture(folder: Path) -> Recording:
    """Read one OpenRouter AI SDK fixture folder."""
    meta = json.loads((folder / "response.meta.json").read_text(encoding="utf-8"))
    headers = {name.lower(): value for name, value in meta.get("headers", {}).items()}
    # The recorder stored the decoded body, so the transfer headers no longer apply.
    headers.pop("content-encoding", None)
    headers.pop("transfer-encoding", None)
    request_path = folder / "request.json"
    request = json.loads(request_path.read_text(encoding="utf-8")) if request_path.exists() else None
    if isinstance(request, dict) and isinstance(request.get("body"), (str, dict)):
        request = _request_json(request["body"]) or request
    stream_path = folder / "response.jsonl"
    if stream_path.exists():
        parts = _jsonl_parts(stream_path)
        return Recording(meta["status"], headers, b"".join(parts), request, source=str(folder), parts=parts)
    body = (folder / "response.json").read_bytes()
    return Recording(meta["status"], headers, body, request, source=str(folder))


def sse_events(body: bytes) -> list[str]:
    """Split an SSE body into its `data:` payloads (test helper; the plugin has its own decoder)."""
    payloads = []
    for block in body.replace(b"\r\n", b"\n").split(b"\n\n"):
        data = [line[5:].lstrip() for line in block.split(b"\n") if line.startswith(b"data:")]
        if data:
            payloads.append(b"\n".join(data).decode())
    return payloads


def real(relative: str, fixtures: Path = DEFAULT_FIXTURES) -> list[Recording]:
    """Load a recording below fixtures/openrouter/real by its relative path, in any format."""
    if not fixtures.is_dir():
        raise FileNotFoundError(MISSING_FIXTURES_MESSAGE)
    path = fixtures / "real" / relative
    if path.is_dir():
        return [load_sdk_fixture(path)]
    if path.suffix == ".har":
        return load_har(path)
    return load_cassette(path)
