"""Turn entries of OpenRouter's `GET /api/v1/models` list into Dify model entities.

`model_entity` returns the plain dict that `dify_plugin.entities.model.AIModelEntity(**dict)`
accepts. `python -m tools.catalog` writes these dicts to `models/llm/*.yaml`, and the plugin can
build one at run time for a customizable model. The parameter rules are built in
openrouter.parameter_rules, and entries of `GET /api/v1/embeddings/models` become entities in
openrouter.embedding_catalog. The module is pure and uses only the standard library.
"""

from __future__ import annotations

from collections.abc import Mapping

from openrouter.catalog_fields import (
    free_entries,
    FREE_SUFFIX,
    CatalogError,
    model_label,
    parse_price,
    require_field,
    require_positive_int,
    require_str_list,
)
from openrouter.parameter_rules import REASONING_PARAMETERS, STRUCTURED_OUTPUT_PARAMETERS, parameter_rules

__all__ = [
    "FREE_PRICING",
    "FREE_SUFFIX",
    "CatalogError",
    "file_name",
    "free_variants",
    "is_free_variant",
    "model_entity",
    "model_features",
]

# Feature order in the YAML. Each input modality other than text maps to the Dify feature of the
# same content type: image -> vision, file -> document, audio -> audio, video -> video.
_FEATURE_ORDER = (
    "tool-call",
    "multi-tool-call",
    "stream-tool-call",
    "structured-output",
    "agent-thought",
    "vision",
    "document",
    "audio",
    "video",
)
_MODALITY_FEATURES = {"image": "vision", "file": "document", "audio": "audio", "video": "video"}
_TOOL_FEATURES = ("tool-call", "multi-tool-call", "stream-tool-call")

# Characters allowed in a model id that becomes a file name. Every `:free` id in the recorded
# models lists uses only these, and none is reserved on Windows, macOS or Linux once '/' and ':'
# are replaced.
_ID_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/:")

# Dify reads input and output as prices per `unit` tokens, here per million.
FREE_PRICING = {"input": "0", "output": "0", "unit": "0.000001", "currency": "USD"}


def is_free_variant(model: Mapping) -> bool:
    """Tell whether a models-list entry is a free variant: a `:free` id with both prices zero."""
    model_id = model.get("id")
    pricing = model.get("pricing")
    if not isinstance(model_id, str) or not model_id.endswith(FREE_SUFFIX):
        return False
    if not isinstance(pricing, Mapping):
        return False
    return parse_price(pricing.get("prompt")) == 0 and parse_price(pricing.get("completion")) == 0


def model_features(supported_parameters: list[str], input_modalities: list[str]) -> list[str]:
    """Return the Dify features that the supported parameters and input modalities imply."""
    features = set()
    if "tools" in supported_parameters:
        features.update(_TOOL_FEATURES)
    if any(name in supported_parameters for name in STRUCTURED_OUTPUT_PARAMETERS):
        features.add("structured-output")
    if any(name in supported_parameters for name in REASONING_PARAMETERS):
        features.add("agent-thought")
    for modality in input_modalities:
        if modality in _MODALITY_FEATURES:
            features.add(_MODALITY_FEATURES[modality])
    return [feature for feature in _FEATURE_ORDER if feature in features]


def model_entity(model: Mapping, fetch_from: str = "predefined-model") -> dict:
    """Build the AIModelEntity dict of one free models-list entry.

    Raises CatalogError when a field is missing or malformed, and when a price is not zero,
    because the entity always declares zero pricing.
    """
    model_id = require_field(model, "id")
    if not isinstance(model_id, str):
        raise CatalogError(f"model id must be a string, got {model_id!r}")
    prices = (require_field(model, "pricing.prompt"), require_field(model, "pricing.completion"))
    if any(parse_price(price) != 0 for price in prices):
        raise CatalogError(f"model {model_id!r} is not free: prompt and completion prices are {prices!r}")

    supported = require_str_list(model, "supported_parameters")
    input_modalities = require_str_list(model, "architecture.input_modalities")
    context_size = require_positive_int(model, "context_length")

    return {
        "model": model_id,
        "label": {"en_US": model_label(model)},
        "model_type": "llm",
        "features": model_features(supported, input_modalities),
        "fetch_from": fetch_from,
        "model_properties": {"mode": "chat", "context_size": context_size},
        "parameter_rules": parameter_rules(model),
        "pricing": dict(FREE_PRICING),
    }


def free_variants(models_list: object) -> list[Mapping]:
    """Return the free variants of a decoded `GET /api/v1/models` body, in source order."""
    return free_entries(
        models_list,
        list_name="models list",
        price_paths=("pricing.prompt", "pricing.completion"),
        is_free=is_free_variant,
    )


def file_name(model_id: str) -> str:
    """Return the catalog file name of a model id: '/' becomes '__' and ':' becomes '--'.

    Raises CatalogError for an id with characters outside letters, digits and `._-/:`.
    """
    unsafe = sorted(set(model_id) - _ID_CHARACTERS)
    if unsafe or not model_id or model_id.startswith("."):
        raise CatalogError(
            f"model id {model_id!r} cannot become a file name: it is empty, starts with '.', "
            f"or contains {unsafe!r}"
        )
    return model_id.replace("/", "__").replace(":", "--") + ".yaml"
