"""Read and check the fields of one entry of OpenRouter's models lists.

Each reader raises CatalogError, naming the model and the field, when the field is missing or
malformed. The module is pure and uses only the standard library.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

FREE_SUFFIX = ":free"


class CatalogError(ValueError):
    """A models list, or one of its entries, that cannot become a catalog entry."""


def parse_price(value: object) -> Decimal | None:
    """Parse a price given as a string or a number, or return None for any other value."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def require_field(model: Mapping, path: str) -> Any:
    """Return the value at a dotted path, or raise CatalogError naming the model and the field."""
    value: Any = model
    for key in path.split("."):
        if not isinstance(value, Mapping) or value.get(key) is None:
            raise CatalogError(f"model {model.get('id')!r}: field {path!r} is missing or null")
        value = value[key]
    return value


def require_positive_int(model: Mapping, path: str) -> int:
    value = require_field(model, path)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise CatalogError(
            f"model {model.get('id')!r}: field {path!r} must be a positive integer, got {value!r}"
        )
    return value


def require_str_list(model: Mapping, path: str) -> list[str]:
    value = require_field(model, path)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise CatalogError(
            f"model {model.get('id')!r}: field {path!r} must be a list of strings, got {value!r}"
        )
    return value


def max_output_tokens(model: Mapping) -> int:
    """Return top_provider.max_completion_tokens, or the context size when that is null."""
    context_size = require_positive_int(model, "context_length")
    top_provider = require_field(model, "top_provider")
    if not isinstance(top_provider, Mapping):
        raise CatalogError(f"model {model.get('id')!r}: field 'top_provider' must be an object")
    if top_provider.get("max_completion_tokens") is None:
        return context_size
    return require_positive_int(model, "top_provider.max_completion_tokens")


def model_label(model: Mapping) -> str:
    """Return the model's `name` with runs of whitespace collapsed (some names contain two spaces)."""
    name = require_field(model, "name")
    if not isinstance(name, str) or not name.strip():
        raise CatalogError(f"model {model.get('id')!r}: field 'name' must be a non-empty string")
    return " ".join(name.split())


def free_entries(
    models_list: object, *, list_name: str, price_paths: tuple[str, ...], is_free: Callable[[Mapping], bool]
) -> list[Mapping]:
    """Return the entries of a decoded models-list body that `is_free` accepts, in source order.

    Raises CatalogError for a body without a `data` list, an entry without a string id, or a
    `:free` id whose prices at `price_paths` cannot be read: that is an error, not a paid
    model to skip.
    """
    if not isinstance(models_list, Mapping) or not isinstance(models_list.get("data"), list):
        raise CatalogError(f"the {list_name} must be a JSON object with a 'data' list")

    free = []
    for index, model in enumerate(models_list["data"]):
        if not isinstance(model, Mapping) or not isinstance(model.get("id"), str):
            raise CatalogError(f"entry {index} of 'data' is not a model object with a string 'id'")
        if not model["id"].endswith(FREE_SUFFIX):
            continue

        for path in price_paths:
            if parse_price(require_field(model, path)) is None:
                raise CatalogError(f"model {model['id']!r}: field {path!r} is not a number")
        if is_free(model):
            free.append(model)
    return free
