"""Embeddings from OpenRouter's `POST /embeddings`: request bodies, batches and decoded vectors.

Dify hands the plugin a list of texts. They go out in batches, one request each, and every
request passes through `send_paced`, so the requests of a free variant draw on the same account
budget as chat requests. Vectors come back in the order of the texts, whether the server sent
them as JSON numbers or as base64 strings.
"""

from __future__ import annotations

import base64
import binascii
import json
import struct
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from dify_plugin.errors.model import CredentialsValidateFailedError, InvokeError, InvokeServerUnavailableError

from openrouter import http
from openrouter.failures import failure_from_error_object, failure_from_response, to_dify_error
from openrouter.log import get_logger
from openrouter.model_lookup import cached_list, find_model, suggest_ids
from openrouter.pacing import send_paced, status_received
from openrouter.settings import Settings
from openrouter.tokens import estimate_text_tokens

EMBEDDINGS_PATH = "/embeddings"
# The list of embedding models, which `GET /models` leaves out.
EMBEDDING_MODELS_PATH = "/embeddings/models"

# Dify's input types as values of OpenRouter's `input_type` field.
# NOTE: OpenRouter's API reference gives search_query and search_document as examples of
# `input_type` and documents no other values, so whether every provider maps them is unverified.
INPUT_TYPE_VALUES = {"query": "search_query", "document": "search_document"}

logger = get_logger(__name__)
# One invoke reads the list up to three times (entry, schema, price), so a missing list is
# logged once a minute per model rather than on every read.
UNAVAILABLE_LOG_INTERVAL_S = 60.0
_unavailable_logged_at_s: dict[str, float] = {}

# Shown when a model added by id is missing from the embedding models list.
UNKNOWN_MODEL_MESSAGES = {
    "en_US": "OpenRouter's embedding models list has no model \"{model}\". Check the id. It starts with the vendor name, as in openai/text-embedding-3-small.",
    "zh_Hans": "OpenRouter 的 Embedding 模型列表中没有“{model}”。请检查模型 ID，ID 应以厂商名开头，例如 openai/text-embedding-3-small。",
}
SUGGESTION_MESSAGES = {
    "en_US": " Similar ids: {ids}.",
    "zh_Hans": "相近的 ID：{ids}。",
}

# Plugin-side messages for a 200 response whose vectors cannot be used, by problem code.
INVALID_RESPONSE_MESSAGES = {
    "count": {
        "en_US": "OpenRouter returned {received} embeddings for the {sent} texts sent to {model}, so they cannot be matched to the texts. Retry in a moment. If it keeps happening, choose another embedding model.",
        "zh_Hans": "向 {model} 发送了 {sent} 段文本，OpenRouter 却返回了 {received} 个向量，无法与文本一一对应。请稍后重试；如果反复出现，请换用其他 Embedding 模型。",
    },
    "vector": {
        "en_US": "OpenRouter's embeddings response for {model} contains a vector that is neither a list of numbers nor base64-encoded float32 values. Retry in a moment. If it keeps happening, choose another embedding model.",
        "zh_Hans": "OpenRouter 为 {model} 返回的结果中，有向量既不是数字列表，也不是 base64 编码的 float32 数据。请稍后重试；如果反复出现，请换用其他 Embedding 模型。",
    },
    "dimensions": {
        "en_US": "OpenRouter returned vectors of different lengths ({lengths}) for {model}. A knowledge base cannot store them together. Retry in a moment. If it keeps happening, choose another embedding model.",
        "zh_Hans": "OpenRouter 为 {model} 返回的向量长度不一致（{lengths}），知识库无法一起存储。请稍后重试；如果反复出现，请换用其他 Embedding 模型。",
    },
}


class InvalidEmbeddings(ValueError):
    """A decoded 200 body whose vectors cannot be used; `code` selects the message."""

    def __init__(self, code: str, **facts: object) -> None:
        super().__init__(code)
        self.code = code
        self.facts = facts


class _UnreadableBody(ValueError):
    """A 200 body that is not a JSON object."""


class _ErrorBody(ValueError):
    """A 200 body that carries an `error` object instead of vectors."""

    def __init__(self, document: dict) -> None:
        super().__init__("error object")
        self.document = document


@dataclass(frozen=True)
class EmbeddingsPage:
    """The vectors of one response, in input order, and its `usage.prompt_tokens` if it had one."""

    vectors: list[list[float]]
    prompt_tokens: int | None


@dataclass(frozen=True)
class EmbeddingsOutcome:
    """The vectors of one call in input order, with the tokens and requests they took."""

    vectors: list[list[float]]
    # Summed over the requests: the response's count where it had one, else the offline estimate.
    tokens: int
    requests: int


def find_embedding_model(settings: Settings, model: str) -> dict | None:
    """Return the model's entry in `GET /embeddings/models`, or None if it is missing or unreadable.

    The entry only adds metadata (context size, price, `input_type` support), so a list that
    cannot be fetched is logged and the caller goes on without it.
    """
    try:
        return find_model(settings, model, path=EMBEDDING_MODELS_PATH)
    except InvokeError as error:
        now_s = time.monotonic()
        if now_s - _unavailable_logged_at_s.get(model, -UNAVAILABLE_LOG_INTERVAL_S) >= UNAVAILABLE_LOG_INTERVAL_S:
            _unavailable_logged_at_s[model] = now_s
            logger.info("Embedding models list unavailable (%s), so %s gets default metadata", type(error).__name__, model)
        return None


def check_embedding_model_id(settings: Settings, model: str) -> None:
    """Raise CredentialsValidateFailedError, with similar ids, when the embedding models list lacks model.

    A list that cannot be fetched proves nothing, so the id then passes.
    """
    try:
        if find_model(settings, model, path=EMBEDDING_MODELS_PATH) is not None:
            return
        entries = cached_list(settings, EMBEDDING_MODELS_PATH)
    except InvokeError as error:
        logger.info("Embedding models list unavailable (%s), so id %s was not checked", type(error).__name__, model)
        return

    language = settings.language if settings.language in UNKNOWN_MODEL_MESSAGES else "en_US"
    text = UNKNOWN_MODEL_MESSAGES[language].format(model=model)
    suggestions = suggest_ids(model, entries)
    if suggestions:
        separator = "、" if language == "zh_Hans" else ", "
        text += SUGGESTION_MESSAGES[language].format(ids=separator.join(suggestions))
    raise CredentialsValidateFailedError(text)


def split_batches(texts: Sequence[str], batch_size: int) -> list[list[str]]:
    """Split texts into consecutive batches of at most batch_size, keeping their order."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    return [list(texts[start : start + batch_size]) for start in range(0, len(texts), batch_size)]


def supports_input_type(entry: Mapping | None) -> bool:
    """Tell whether a model takes `input_type`: its embedding-models entry lists it as supported.

    A model missing from the list, or a list that could not be fetched (entry None), counts as
    not supporting it, so the field is never sent to a model that did not declare it.
    """
    supported = entry.get("supported_parameters") if entry else None
    return isinstance(supported, list) and "input_type" in supported


def input_type_value(dify_input_type: object) -> str | None:
    """Return OpenRouter's `input_type` for Dify's EmbeddingInputType (or its string value)."""
    value = getattr(dify_input_type, "value", dify_input_type)
    return INPUT_TYPE_VALUES.get(value) if isinstance(value, str) else None


def build_embeddings_payload(
    model: str, texts: Sequence[str], *, input_type: str | None = None, user: str | None = None
) -> dict:
    """Return the JSON body of one POST /embeddings request, asking for float vectors."""
    payload: dict = {"model": model, "input": list(texts), "encoding_format": "float"}
    if input_type:
        payload["input_type"] = input_type
    if user:
        payload["user"] = user
    return payload


def decode_vector(value: object) -> list[float]:
    """Decode one `embedding`: a list of numbers, or base64 of little-endian float32 values."""
    if isinstance(value, str):
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidEmbeddings("vector") from None
        if not raw or len(raw) % 4:
            raise InvalidEmbeddings("vector")
        return list(struct.unpack(f"<{len(raw) // 4}f", raw))

    if not isinstance(value, list) or not value:
        raise InvalidEmbeddings("vector")
    for number in value:
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise InvalidEmbeddings("vector")
    return [float(number) for number in value]


def _in_input_order(data: list) -> list:
    """Return the data items sorted by `index` when they carry the indexes 0..n-1, else as sent."""
    indexes = [item.get("index") if isinstance(item, dict) else None for item in data]
    if sorted(index for index in indexes if isinstance(index, int)) != list(range(len(data))):
        return data
    return [data[position] for position in sorted(range(len(data)), key=indexes.__getitem__)]


def parse_embeddings_body(body: bytes, sent: int) -> EmbeddingsPage:
    """Decode the body of a 200 response to a request of `sent` texts.

    Raises _UnreadableBody when it is not a JSON object, _ErrorBody when it carries an `error`,
    and InvalidEmbeddings when the vectors are missing, miscounted or malformed. Leading
    whitespace (OpenRouter's keep-alives) is allowed.
    """
    try:
        document = json.loads(body.decode("utf-8", errors="replace"))
    except ValueError:
        raise _UnreadableBody() from None
    if not isinstance(document, dict):
        raise _UnreadableBody()
    if isinstance(document.get("error"), (dict, str)):
        raise _ErrorBody(document)

    data = document.get("data")
    data = data if isinstance(data, list) else []
    if len(data) != sent:
        raise InvalidEmbeddings("count", received=len(data), sent=sent)
    vectors = []
    for item in _in_input_order(data):
        vectors.append(decode_vector(item.get("embedding") if isinstance(item, dict) else None))

    usage = document.get("usage")
    usage = usage if isinstance(usage, dict) else {}
    tokens = usage.get("prompt_tokens", usage.get("total_tokens"))
    prompt_tokens = tokens if isinstance(tokens, int) and not isinstance(tokens, bool) and tokens >= 0 else None
    return EmbeddingsPage(vectors, prompt_tokens)


def invalid_embeddings_error(problem: InvalidEmbeddings, model: str, language: str) -> Exception:
    """Build the Dify error for a 200 response whose vectors cannot be used."""
    templates = INVALID_RESPONSE_MESSAGES[problem.code]
    text = templates.get(language, templates["en_US"]).format(model=model, **problem.facts)
    return InvokeServerUnavailableError(text)


def _send_batch(settings: Settings, model: str, payload: dict) -> EmbeddingsPage:
    """POST one batch and decode it, raising the plugin's Dify error for every failure."""
    response = http.post_json(settings, EMBEDDINGS_PATH, payload, model=model)
    status_received()
    body = http.read_body(response, settings)

    try:
        return parse_embeddings_body(body, len(payload["input"]))
    except _UnreadableBody:
        failure = failure_from_response(response.status_code, response.headers, body, model=model)
        raise to_dify_error(failure, settings.language) from None
    except _ErrorBody as event:
        failure = failure_from_error_object(
            event.document, status=response.status_code, headers=response.headers, model=model
        )
        raise to_dify_error(failure, settings.language) from None
    except InvalidEmbeddings as problem:
        raise invalid_embeddings_error(problem, model, settings.language) from None


def embed_texts(
    settings: Settings,
    model: str,
    texts: Sequence[str],
    *,
    batch_size: int,
    input_type: str | None = None,
    user: str | None = None,
) -> EmbeddingsOutcome:
    """Embed texts in batches of batch_size, one paced request each, and sum their token counts.

    A batch whose response has no `usage` is counted with the offline estimate. The first
    failing batch raises, and the vectors of earlier batches are dropped with it.
    """
    vectors: list[list[float]] = []
    tokens = 0
    batches = split_batches(texts, batch_size)
    for batch in batches:
        payload = build_embeddings_payload(model, batch, input_type=input_type, user=user)
        page = send_paced(model, settings, partial(_send_batch, settings, model, payload))
        vectors.extend(page.vectors)
        if page.prompt_tokens is not None:
            tokens += page.prompt_tokens
        else:
            tokens += sum(estimate_text_tokens(text) for text in batch)

    lengths = sorted({len(vector) for vector in vectors})
    if len(lengths) > 1:
        lengths_text = ", ".join(str(length) for length in lengths)
        raise invalid_embeddings_error(InvalidEmbeddings("dimensions", lengths=lengths_text), model, settings.language)
    return EmbeddingsOutcome(vectors, tokens, len(batches))
