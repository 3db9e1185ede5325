"""Find models by id in OpenRouter's public model lists, cached in memory.

`GET /models` and `GET /embeddings/models` need no API key, so they are fetched without it, and
one copy per (endpoint_url, path) serves every account for an hour. A refresh that fails falls
back to the stale copy. A failure with no copy to fall back on is remembered for
FAILURE_TTL_S, so that chat requests, whose schema lookups land here, do not each wait for an
unreachable server.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml
from dify_plugin.errors.model import InvokeError, InvokeServerUnavailableError

from openrouter import http
from openrouter.catalog import FREE_SUFFIX, is_free_variant
from openrouter.failures import Failure, to_dify_error
from openrouter.log import get_logger
from openrouter.not_openrouter import display_url, not_openrouter_body, not_openrouter_text
from openrouter.settings import Settings
from openrouter.timed_cache import TimedCache

MODELS_PATH = "/models"
LIST_TTL_S = 3600.0
FAILURE_TTL_S = 30.0
# A lookup that misses refetches a list older than this, so a model released within the hour
# is found without waiting for the cached copy to expire.
MISS_REFRESH_AGE_S = 300.0

# Suffixes that OpenRouter accepts on any model id at request time without listing them in the
# models API (its "routing variants": provider sorting, and the older web-search shortcut). The
# model's data is its base model's.
ROUTING_SUFFIXES = (":nitro", ":floor", ":exacto", ":online")

SHIPPED_MODELS_DIR = Path(__file__).resolve().parent.parent / "models" / "llm"

logger = get_logger(__name__)

# The process-wide cache of model lists. Tests replace its clock or call clear().
model_lists = TimedCache(LIST_TTL_S, failure_ttl_s=FAILURE_TTL_S)


class ListUnavailable(Exception):
    """A model list that could not be fetched, kept without language so the cache can store it."""

    def __init__(self, url: str, *, failure: Failure | None = None, body: str | None = None) -> None:
        super().__init__(display_url(url))
        self.url = url
        self.failure = failure
        self.body = body

    def to_dify_error(self, language: str) -> InvokeError:
        if self.body is not None:
            text = not_openrouter_text(self.body, self.url, language)
            error = InvokeServerUnavailableError(text)
            error.description = text
            error.failure = self.failure
            return error
        return to_dify_error(self.failure, language)


def _fetch_list(settings: Settings, path: str) -> list[dict]:
    url = settings.endpoint_url + path
    try:
        document = http.get_json(settings, path, authorized=False)
    except InvokeError as error:
        failure = getattr(error, "failure", None)
        raise ListUnavailable(url, failure=failure, body=not_openrouter_body(failure)) from None

    entries = document.get("data") if isinstance(document, Mapping) else None
    if not isinstance(entries, list):
        raise ListUnavailable(url, body="json")
    links = document.get("links")
    if isinstance(links, Mapping) and links.get("next"):
        # NOTE: pages after the first are not fetched. Responses seen up to 2026-08 carry
        # `links.next` as null, with every model on the one page.
        logger.warning("%s has more pages (links.next is set); only the first page is used", display_url(url))
    return [entry for entry in entries if isinstance(entry, dict) and isinstance(entry.get("id"), str)]


def cached_list(settings: Settings, path: str, *, max_age_s: float | None = None) -> list[dict]:
    """Return the entries of `GET endpoint_url + path`, cached per (endpoint_url, path) for an hour.

    The request carries no API key. Raises the Dify error of the failed fetch, in the settings'
    language, when no copy is cached. The entries are shared between callers, so copy one before
    changing it.
    """
    try:
        return model_lists.get(
            (settings.endpoint_url, path), lambda: _fetch_list(settings, path), max_age_s=max_age_s
        )
    except ListUnavailable as error:
        raise error.to_dify_error(settings.language) from None


def candidate_ids(model_id: str) -> list[str]:
    """Return model_id, then its base id when it ends in a routing suffix such as :nitro."""
    for suffix in ROUTING_SUFFIXES:
        if model_id.endswith(suffix) and len(model_id) > len(suffix):
            return [model_id, model_id[: -len(suffix)]]
    return [model_id]


def find_in(entries: Sequence[Mapping], model_id: str) -> Mapping | None:
    """Return the entry of model_id, or of its base model for a routing variant, or None."""
    by_id = {entry["id"]: entry for entry in entries}
    for candidate in candidate_ids(model_id):
        if candidate in by_id:
            return by_id[candidate]
    return None


def find_model(settings: Settings, model_id: str, path: str = MODELS_PATH) -> dict | None:
    """Return the list entry of model_id, or None when the list has no such model.

    A routing variant (`vendor/model:nitro`) returns its base model's entry unchanged. A miss
    refetches a list older than MISS_REFRESH_AGE_S once. Raises the Dify error of the failed
    fetch when the list cannot be had.
    """
    entry = find_in(cached_list(settings, path), model_id)
    age_s = model_lists.age_s((settings.endpoint_url, path))
    if entry is None and age_s is not None and age_s >= MISS_REFRESH_AGE_S:
        entry = find_in(cached_list(settings, path, max_age_s=MISS_REFRESH_AGE_S), model_id)
    return entry


def _similarity(model_id: str, candidate: str) -> float:
    """Compare ids case-insensitively, and by the part after the vendor when model_id has none."""
    requested, offered = model_id.lower(), candidate.lower()
    score = difflib.SequenceMatcher(None, requested, offered).ratio()
    if "/" not in requested:
        score = max(score, difflib.SequenceMatcher(None, requested, offered.split("/", 1)[-1]).ratio())
    return score


def suggest_ids(model_id: str, entries: Sequence[Mapping], limit: int = 3) -> list[str]:
    """Return up to `limit` current ids closest to model_id, the free variants among them first.

    The closest ids are picked by difflib similarity (at least 0.6), and then the free ones are
    moved ahead of the paid ones.
    """
    scored = []
    for entry in entries:
        score = _similarity(model_id, entry["id"])
        if score >= 0.6 and entry["id"] != model_id:
            scored.append((score, entry))
    closest = sorted(scored, key=lambda pair: pair[0], reverse=True)[:limit]
    closest.sort(key=lambda pair: not is_free_variant(pair[1]))
    return [entry["id"] for _, entry in closest]


def free_alternatives(settings: Settings, model_id: str, *, limit: int = 3) -> list[str]:
    """Return up to `limit` current free variants in place of model_id, most similar id first.

    Uses the cached models list, and returns [] instead of raising when the list cannot be had.
    """
    try:
        entries = cached_list(settings, MODELS_PATH)
    except Exception as error:  # noqa: BLE001 - an error message is being built; it must not fail too
        logger.warning("no free alternatives for %s: the models list is unavailable (%s)", model_id, type(error).__name__)
        return []

    base_id = model_id.removesuffix(FREE_SUFFIX)
    free = [entry for entry in entries if is_free_variant(entry) and entry["id"] != model_id]
    free.sort(key=lambda entry: _similarity(base_id, entry["id"].removesuffix(FREE_SUFFIX)), reverse=True)
    return [entry["id"] for entry in free[:limit]]


# Dify features that stand for an input modality in the catalogue (see openrouter.catalog).
_FEATURE_MODALITIES = {"vision": "image", "document": "file", "audio": "audio", "video": "video"}
_SAMPLING_PARAMETERS = ("temperature", "top_p", "top_k", "presence_penalty", "frequency_penalty", "repetition_penalty")


def entry_from_entity(entity: Mapping) -> dict:
    """Rebuild a models-API entry from a catalogue entity, so that catalog.model_entity returns it.

    Recommended sampling values come back from the rule defaults, and the maximum output from the
    max_tokens rule's maximum. Prices are zero because the shipped catalogue is free models only.
    """
    rules = {rule["name"]: rule for rule in entity.get("parameter_rules") or ()}
    features = set(entity.get("features") or ())

    supported = [name for name in _SAMPLING_PARAMETERS if name in rules]
    supported.append("max_tokens")
    if "seed" in rules:
        supported.append("seed")
    if "tool-call" in features:
        supported.append("tools")
    if "response_format" in rules:
        supported.append("response_format")
        if "json_schema" in (rules["response_format"].get("options") or ()):
            supported.append("structured_outputs")
    if "reasoning_effort" in rules:
        supported.append("reasoning")

    modalities = ["text"] + [modality for feature, modality in _FEATURE_MODALITIES.items() if feature in features]
    return {
        "id": entity["model"],
        "name": entity["label"]["en_US"],
        "context_length": entity["model_properties"]["context_size"],
        "pricing": {"prompt": "0", "completion": "0"},
        "architecture": {"input_modalities": modalities},
        "top_provider": {"max_completion_tokens": rules["max_tokens"]["max"]},
        "supported_parameters": supported,
        "default_parameters": {name: rules[name]["default"] for name in _SAMPLING_PARAMETERS if name in rules},
    }


@functools.cache
def _shipped_entries() -> tuple[dict, ...]:
    entries = []
    for path in sorted(SHIPPED_MODELS_DIR.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        entity = yaml.safe_load(path.read_text(encoding="utf-8"))
        entries.append(entry_from_entity(entity))
    return tuple(entries)


def shipped_entry(model_id: str) -> dict | None:
    """Return the shipped catalogue's entry of model_id (or of its routing variant's base), or None."""
    return find_in(_shipped_entries(), model_id)
