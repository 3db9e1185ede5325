"""Read an SSE response body in the background and hand over everything that has arrived.

The Dify SDK spends far more time serializing and writing one chunk than it takes to parse an
SSE event, so a fast stream would queue up behind it. A pump thread reads and decodes events as
they arrive (under the plugin's gevent patching, the thread is a greenlet). The consumer takes
all the payloads queued since its last turn as one batch. A payload that arrived alone is
handed over at once, never held back to wait for more.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator

import requests

from openrouter.sse import SseDecoder

READ_SIZE = 64 * 1024


class _EndOfStream:
    pass


_END = _EndOfStream()


def _read_some(response: requests.Response) -> bytes:
    """Return the decoded bytes available now (at least one), or b"" at the end of the body.

    requests opens the body without content decoding, so a gzip-compressed stream (from a
    proxy, say) is decoded here.
    """
    raw = response.raw
    read1 = getattr(raw, "read1", None)
    if read1 is not None:
        return read1(READ_SIZE, decode_content=True)
    return raw.read(READ_SIZE, decode_content=True)


def _stop_reading(response: requests.Response) -> None:
    """Wake a read blocked on the socket, so the pump ends and closes the response itself.

    Closing the response from the consumer instead would collide with the pump's blocked
    read on the same buffered file (both run on one thread under gevent).
    """
    shutdown = getattr(response.raw, "shutdown", None)
    if shutdown is None:
        return
    try:
        shutdown()
    except (OSError, ValueError, RuntimeError):
        # No socket to shut down: the body is already complete or the connection released.
        pass


def _pump(response: requests.Response, batches: queue.SimpleQueue, stopped: threading.Event) -> None:
    decoder = SseDecoder()
    try:
        while not stopped.is_set():
            data = _read_some(response)
            if not data:
                break
            payloads = decoder.feed(data)
            if payloads:
                batches.put(payloads)
        if not stopped.is_set():
            tail = decoder.close()
            if tail:
                batches.put(tail)
        batches.put(_END)
    except BaseException as error:  # handed to the consumer, which raises or ignores it
        batches.put(error)
    finally:
        response.close()


def payload_batches(response: requests.Response) -> Iterator[list[str]]:
    """Yield lists of SSE `data` payloads, each list holding all that arrived since the last.

    Raises the transport exception the reader met (for example a read timeout or a reset
    connection). Closing the generator stops the reader, which then closes the response.
    """
    batches: queue.SimpleQueue = queue.SimpleQueue()
    stopped = threading.Event()
    reader = threading.Thread(target=_pump, args=(response, batches, stopped), daemon=True, name="openrouter-sse")
    reader.start()
    try:
        while True:
            item = batches.get()
            batch: list[str] = []
            ending: object = None
            while True:
                if isinstance(item, list):
                    batch.extend(item)
                else:
                    ending = item
                    break
                try:
                    item = batches.get_nowait()
                except queue.Empty:
                    break
            if batch:
                yield batch
            if ending is _END:
                return
            if isinstance(ending, BaseException):
                raise ending
    finally:
        if reader.is_alive():
            stopped.set()
            _stop_reading(response)
