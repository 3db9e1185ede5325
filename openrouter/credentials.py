"""Credential checks and customizable-model schemas, without spending a chat request.

The key is checked with `GET /key` (openrouter.key_status) and a model id against the public
models list (openrouter.model_lookup), so validation uses none of the free daily requests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

from dify_plugin.entities.model import AIModelEntity
from dify_plugin.errors.model import CredentialsValidateFailedError, InvokeError

from openrouter.catalog import CatalogError, model_entity
from openrouter.dify_errors import readable_error
from openrouter.key_status import validate_key
from openrouter.log import get_logger
from openrouter.model_lookup import MODELS_PATH, cached_list, find_model, shipped_entry, suggest_ids
from openrouter.model_overrides import ModelOverrides, OverrideError, apply_overrides, read_overrides
from openrouter.settings import (
    DEFAULT_MAX_WAIT_S,
    CredentialsError,
    Settings,
    clean_endpoint_url,
    read_language,
    read_settings,
)

logger = get_logger(__name__)

# A model found neither in the models API nor in the shipped catalogue still gets a schema, so
# that Dify can call it (validation is where unknown ids are rejected). Without overrides it is a
# text-only chat model with 32768 tokens of context, 4096 output tokens, and temperature and top_p,
# which 281 of the 337 models in OpenRouter's list of 2026-06-16 accept. It has no pricing, because
# the price is unknown.
GENERIC_CONTEXT_SIZE = 32768
GENERIC_MAX_OUTPUT_TOKENS = 4096
_GENERIC_PARAMETERS = ["temperature", "top_p", "max_tokens"]

# Dify's `unit` for prices per million tokens. OpenRouter's prices are per token.
_PRICE_UNIT = Decimal("0.000001")

MODEL_MESSAGES = {
    "unknown_model_suggestions": {
        "en_US": "OpenRouter has no model with the ID \"{model}\". The closest current IDs are: {suggestions}. Check the ID at https://openrouter.ai/models.",
        "zh_Hans": "OpenRouter 上没有 ID 为“{model}”的模型。最接近的现有 ID：{suggestions}。请到 https://openrouter.ai/models 核对 ID。",
    },
    "unknown_model": {
        "en_US": "OpenRouter has no model with the ID \"{model}\". Check the ID at https://openrouter.ai/models.",
        "zh_Hans": "OpenRouter 上没有 ID 为“{model}”的模型。请到 https://openrouter.ai/models 核对 ID。",
    },
}
_LIST_JOINERS = {"en_US": ", ", "zh_Hans": "、"}


def _message(code: str, language: str, **fields: object) -> str:
    templates = MODEL_MESSAGES[code]
    return templates.get(language, templates["en_US"]).format(**fields)


def generic_entry(model: str) -> dict:
    """Return the models-API entry of a model that no source describes (see GENERIC_CONTEXT_SIZE)."""
    return {
        "id": model,
        "name": model,
        "context_length": GENERIC_CONTEXT_SIZE,
        "architecture": {"input_modalities": ["text"]},
        "top_provider": {"max_completion_tokens": GENERIC_MAX_OUTPUT_TOKENS},
        "supported_parameters": list(_GENERIC_PARAMETERS),
        "pricing": {},
    }


def _price_per_million(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        price = Decimal(str(value))
    except InvalidOperation:
        return None
    if not price.is_finite() or price < 0:
        return None
    # Fixed-point, so that zero is 0 rather than 0E+6 and a thousand is 1000 rather than 1E+3.
    return Decimal(format((price / _PRICE_UNIT).normalize(), "f"))


def dify_pricing(pricing: object) -> dict | None:
    """Convert OpenRouter's per-token prices to Dify's pricing, or None when they are unknown.

    Routers such as openrouter/auto send "-1", because their price depends on the model chosen.
    """
    if not isinstance(pricing, Mapping):
        return None
    prompt = _price_per_million(pricing.get("prompt"))
    completion = _price_per_million(pricing.get("completion"))
    if prompt is None or completion is None:
        return None
    return {"input": prompt, "output": completion, "unit": _PRICE_UNIT, "currency": "USD"}


def build_schema(model: str, entry: Mapping, overrides: ModelOverrides) -> AIModelEntity:
    """Build the customizable-model schema of `model` from an entry, overrides applied.

    Raises CatalogError when the entry lacks a field that catalog.model_entity needs.
    """
    changed = apply_overrides({**entry, "id": model}, overrides)
    # model_entity declares zero pricing and rejects paid entries, so it gets zero prices here
    # and the entry's real prices replace them afterwards.
    entity = model_entity({**changed, "pricing": {"prompt": "0", "completion": "0"}}, fetch_from="customizable-model")
    entity["pricing"] = dify_pricing(entry.get("pricing"))
    return AIModelEntity(**entity)


def _lookup_settings(credentials: Mapping) -> Settings | None:
    """Return settings for the public models list: only a valid endpoint_url is needed, not a key."""
    try:
        return read_settings(credentials)
    except CredentialsError:
        pass
    try:
        endpoint_url = clean_endpoint_url(credentials.get("endpoint_url"))
    except CredentialsError:
        return None
    return Settings(api_key="", endpoint_url=endpoint_url, language=read_language(credentials), max_wait_s=DEFAULT_MAX_WAIT_S)


def _lookup_entry(model: str, credentials: Mapping) -> Mapping | None:
    """Find model in the models API, or in the shipped catalogue when the list cannot be fetched."""
    settings = _lookup_settings(credentials)
    if settings is not None:
        try:
            entry = find_model(settings, model)
        except InvokeError as error:
            logger.warning("models list unavailable for %s, using the shipped catalogue: %s", model, type(error).__name__)
        else:
            if entry is not None:
                return entry
    return shipped_entry(model)


def customizable_model_schema(model: str, credentials: Mapping) -> AIModelEntity:
    """Build the schema of a model added by id: OpenRouter's data, then the user's overrides.

    The data comes from the first source that has the id: the models API (cached for an hour),
    the shipped catalogue, or GENERIC_CONTEXT_SIZE's generic model. An unreachable OpenRouter or
    an unusable entry leads to the next source instead of an error, because the SDK also calls
    this for every chat request to a customizable model.
    """
    overrides = read_overrides(credentials, strict=False)
    entry = _lookup_entry(model, credentials)
    if entry is not None:
        try:
            return build_schema(model, entry, overrides)
        except CatalogError as error:
            logger.warning("models-API entry of %s is unusable, using a generic schema: %s", model, error)
    return build_schema(model, generic_entry(model), overrides)


def validate_provider_credentials(credentials: Mapping) -> None:
    """Raise CredentialsValidateFailedError with a readable reason unless the key works."""
    language = read_language(credentials)
    try:
        validate_key(read_settings(credentials))
    except Exception as error:
        raise readable_error(error, language, validating=True) from None


def _check_model_id(settings: Settings, model: str) -> None:
    """Raise CredentialsValidateFailedError unless the models API lists `model`.

    When the list cannot be fetched, a model in the shipped catalogue passes and any other
    raises the fetch's error.
    """
    try:
        entry = find_model(settings, model)
    except InvokeError:
        if shipped_entry(model) is not None:
            logger.warning("models list unavailable, %s accepted from the shipped catalogue", model)
            return
        raise
    if entry is not None:
        return

    suggestions = suggest_ids(model, cached_list(settings, MODELS_PATH))
    if suggestions:
        joined = _LIST_JOINERS.get(settings.language, ", ").join(suggestions)
        text = _message("unknown_model_suggestions", settings.language, model=model[:200], suggestions=joined)
    else:
        text = _message("unknown_model", settings.language, model=model[:200])
    raise CredentialsValidateFailedError(text)


def validate_model_credentials(model: str, credentials: Mapping, predefined: Sequence[AIModelEntity]) -> None:
    """Check the key, the override fields and, for a model added by id, the id itself.

    Predefined models skip the id check. Raises CredentialsValidateFailedError with a readable
    reason in the chosen error language.
    """
    language = read_language(credentials)
    try:
        settings = read_settings(credentials)
        read_overrides(credentials)
        validate_key(settings)
        if model not in {entity.model for entity in predefined}:
            _check_model_id(settings, model)
    except OverrideError as error:
        raise CredentialsValidateFailedError(error.render(language)) from None
    except Exception as error:
        raise readable_error(error, language, validating=True) from None
