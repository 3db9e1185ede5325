"""Turn entries of OpenRouter's `GET /api/v1/embeddings/models` list into Dify model entities.

`/models` leaves embedding models out, so they have a list of their own. `embedding_entity`
returns the plain dict that `dify_plugin.entities.model.AIModelEntity(**dict)` accepts.
`python -m tools.catalog --embeddings` writes these dicts to `models/text_embedding/*.yaml`, and
the plugin builds one at run time for an embedding model added by id. The module is pure and uses
only the standard library.
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
)

# Texts per POST /embeddings request, and the `max_chunks` of every embedding schema. Dify's
# knowledge-base indexing passes at most max_chunks texts to each call of the plugin.
# NOTE: an estimate. OpenRouter documents no limit on the inputs of one request, but providers do:
# Cohere takes at most 96 texts per call, and OpenAI at most 300,000 tokens summed over the inputs.
# 64 segments of Dify's default maximum segment length (4000 tokens) come to 256,000 tokens.
DEFAULT_MAX_CHUNKS = 64

# Dify reads `input` as the price per `unit` tokens, here per million. Embeddings have no output.
FREE_EMBEDDING_PRICING = {"input": "0", "unit": "0.000001", "currency": "USD"}
_TOKENS_PER_PRICE_UNIT = 1_000_000


def is_free_embedding_variant(model: Mapping) -> bool:
    """Tell whether an embedding-models entry is a free variant: a `:free` id with prompt price zero."""
    model_id = model.get("id")
    pricing = model.get("pricing")
    if not isinstance(model_id, str) or not model_id.endswith(FREE_SUFFIX):
        return False
    return isinstance(pricing, Mapping) and parse_price(pricing.get("prompt")) == 0


def free_embedding_variants(models_list: object) -> list[Mapping]:
    """Return the free variants of a decoded `GET /api/v1/embeddings/models` body, in source order."""
    return free_entries(
        models_list,
        list_name="embedding models list",
        price_paths=("pricing.prompt",),
        is_free=is_free_embedding_variant,
    )


def embedding_pricing(model: Mapping) -> dict:
    """Return Dify's pricing of an embedding model from its prompt price in USD per token.

    Raises CatalogError when the price is missing, not a number or negative (routers list -1).
    """
    price = parse_price(require_field(model, "pricing.prompt"))
    if price is None or price < 0:
        raise CatalogError(f"model {model.get('id')!r}: field 'pricing.prompt' is not a price")
    if price == 0:
        return dict(FREE_EMBEDDING_PRICING)
    per_unit = (price * _TOKENS_PER_PRICE_UNIT).normalize()
    return {**FREE_EMBEDDING_PRICING, "input": format(per_unit, "f")}


def embedding_entity(model: Mapping, fetch_from: str = "predefined-model") -> dict:
    """Build the AIModelEntity dict of one embedding-models entry, free or paid.

    Raises CatalogError when the id, name, context length or prompt price is missing or malformed.
    """
    model_id = require_field(model, "id")
    if not isinstance(model_id, str):
        raise CatalogError(f"model id must be a string, got {model_id!r}")

    return {
        "model": model_id,
        "label": {"en_US": model_label(model)},
        "model_type": "text-embedding",
        "fetch_from": fetch_from,
        "model_properties": {
            "context_size": require_positive_int(model, "context_length"),
            "max_chunks": DEFAULT_MAX_CHUNKS,
        },
        "pricing": embedding_pricing(model),
    }


# Context size assumed for an embedding model that the embedding models list does not describe. It
# is the smallest in the 2025-12 list (BERT-sized models such as baai/bge-base-en-v1.5), a
# conservative guess.
FALLBACK_EMBEDDING_CONTEXT_SIZE = 512


def fallback_embedding_entity(model_id: str) -> dict:
    """Build the AIModelEntity dict of an embedding model added by id that no list entry describes.

    The price is unknown, so Dify shows its cost as zero.
    """
    return {
        "model": model_id,
        "label": {"en_US": model_id},
        "model_type": "text-embedding",
        "fetch_from": "customizable-model",
        "model_properties": {
            "context_size": FALLBACK_EMBEDDING_CONTEXT_SIZE,
            "max_chunks": DEFAULT_MAX_CHUNKS,
        },
        "pricing": dict(FREE_EMBEDDING_PRICING),
    }
