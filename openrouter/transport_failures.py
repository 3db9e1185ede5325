"""Classify exceptions that requests and urllib3 raise before a full response arrives."""

from __future__ import annotations

import http.client
import socket
import ssl
from collections.abc import Iterator

# dify_plugin patches ssl and socket with gevent when imported, so it must load before
# requests and urllib3 import ssl.
import dify_plugin  # noqa: F401
import requests
import urllib3.exceptions

from openrouter.failure_types import FailureKind

_K = FailureKind

# Checked in order against every exception in the cause chain. urllib3 2.x derives
# NewConnectionError (refused, DNS) from ConnectTimeoutError, so only requests'
# ConnectTimeout, which excludes those, marks a real connect timeout.
_TRANSPORT_RULES: tuple[tuple[FailureKind, tuple[type[BaseException], ...]], ...] = (
    (_K.INVALID_BASE_URL, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                           requests.exceptions.InvalidSchema,
                           urllib3.exceptions.LocationParseError)),
    (_K.PROXY_FAILURE, (requests.exceptions.ProxyError, urllib3.exceptions.ProxyError)),
    (_K.TLS_FAILURE, (requests.exceptions.SSLError, urllib3.exceptions.SSLError, ssl.SSLError)),
    (_K.DNS_FAILURE, (urllib3.exceptions.NameResolutionError, socket.gaierror)),
    (_K.CONNECTION_REFUSED, (ConnectionRefusedError,)),
    (_K.CONNECT_TIMEOUT, (requests.exceptions.ConnectTimeout,)),
    (_K.READ_TIMEOUT, (requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError,
                       TimeoutError)),
    (_K.CONNECTION_RESET, (ConnectionResetError, BrokenPipeError,
                           requests.exceptions.ChunkedEncodingError,
                           urllib3.exceptions.ProtocolError, http.client.IncompleteRead,
                           http.client.RemoteDisconnected)),
)


def classify_transport_error(exc: BaseException) -> FailureKind:
    """Return the kind of the first rule matching exc's cause chain, else CONNECTION_FAILED."""
    chain = tuple(_exception_chain(exc))
    return next(
        (kind for kind, types in _TRANSPORT_RULES
         if any(isinstance(linked, types) for linked in chain)),
        _K.CONNECTION_FAILED,
    )


def _exception_chain(exc: BaseException) -> Iterator[BaseException]:
    """Yield exc and the exceptions it wraps: causes, contexts, ``reason`` and args."""
    queue, seen = [exc], set()
    while queue and len(seen) < 32:
        current = queue.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = (current.__cause__, current.__context__, getattr(current, "reason", None),
                  *current.args)
        queue.extend(item for item in linked if isinstance(item, BaseException))
