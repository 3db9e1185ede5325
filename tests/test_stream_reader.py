"""The SSE decoder and the background stream reader, on split bytes and real sockets."""

from __future__ import annotations

import json
import time

import requests

from openrouter.sse import SseDecoder
from openrouter.stream_reader import payload_batches
from tools.fake_openrouter import FakeOpenRouter, Reply


def _feed_bytewise(body: bytes) -> list[str]:
    decoder = SseDecoder()
    payloads = []
    for index in range(len(body)):
        payloads += decoder.feed(body[index : index + 1])
    return payloads + decoder.close()


def test_decoder_byte_by_byte_utf8():
    event = json.dumps({"choices": [{"delta": {"content": "héllo 你好 wörld"}}]}, ensure_ascii=False)
    body = f": OPENROUTER PROCESSING\n\ndata: {event}\n\ndata: [DONE]\n\n".encode()

    payloads = _feed_bytewise(body)

    assert payloads == [event, "[DONE]"]
    assert json.loads(payloads[0])["choices"][0]["delta"]["content"] == "héllo 你好 wörld"


def test_decoder_crlf_and_multiline_data():
    body = b"data: first\r\ndata: second\r\n\r\nevent: ping\r\nid: 7\r\n\r\n"

    assert SseDecoder().feed(body) == ["first\nsecond"]


def test_decoder_last_event_without_blank_line():
    decoder = SseDecoder()

    assert decoder.feed(b"data: tail") == []
    assert decoder.close() == ["tail"]


def test_reader_batches_everything_sent():
    events = [{"choices": [{"delta": {"content": f"w{number} "}}]} for number in range(200)]
    with FakeOpenRouter() as fake:
        fake.add("/chat/completions", Reply.sse(events))
        response = requests.post(fake.url + "/chat/completions", json={}, stream=True, timeout=10)

        payloads = [payload for batch in payload_batches(response) for payload in batch]

    assert len(payloads) == 201
    assert payloads[-1] == "[DONE]"
    assert json.loads(payloads[7])["choices"][0]["delta"]["content"] == "w7 "


def test_reader_close_releases_connection():
    events = [{"choices": [{"delta": {"content": "first"}}]}] + [{"choices": [{"delta": {"content": "late"}}]}] * 3
    with FakeOpenRouter() as fake:
        # One event, then 3 s of silence before each of the others: the reader is blocked in a read.
        fake.add("/chat/completions", Reply.sse(events, part_delay_s=3))
        response = requests.post(fake.url + "/chat/completions", json={}, stream=True, timeout=10)
        batches = payload_batches(response)

        first = next(batches)
        started = time.monotonic()
        batches.close()
        while not response.raw.closed and time.monotonic() - started < 2:
            time.sleep(0.01)

        assert "first" in first[0]
        assert response.raw.closed
        assert time.monotonic() - started < 1
