"""Credential checks and customizable-model schemas, without spending a chat request.

A key is checked with `GET /key`, which costs none of the free daily requests and works for
accounts that never bought credits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dify_plugin.entities.model import AIModelEntity
from dify_plugin.errors.model import CredentialsValidateFailedError, InvokeError

from openrouter import http
from openrouter.dify_errors import readable_error
from openrouter.settings import Settings, read_language, read_settings


def fetch_key_info(settings: Settings, *, validating: bool) -> dict:
    """Return the `data` object of `GET /key`, falling back to `/auth/key` where `/key` is missing."""
    try:
        document = http.get_json(settings, "/key", validating=validating)
    except (InvokeError, CredentialsValidateFailedError) as error:
        failure = getattr(error, "failure", None)
        if failure is None or failure.status != 404:
            raise
        document = http.get_json(settings, "/auth/key", validating=validating)
    data = document.get("data") if isinstance(document, dict) else None
    return data if isinstance(data, dict) else {}


def validate_provider_credentials(credentials: Mapping) -> None:
    """Raise CredentialsValidateFailedError with a readable reason unless the key works."""
    language = read_language(credentials)
    try:
        settings = read_settings(credentials)
        fetch_key_info(settings, validating=True)
    except Exception as error:
        raise readable_error(error, language, validating=True) from None


def validate_model_credentials(model: str, credentials: Mapping, predefined: Sequence[AIModelEntity]) -> None:
    """Check the key of a model added by id; the id itself is checked when its schema is built."""
    del model, predefined
    validate_provider_credentials(credentials)


def customizable_model_schema(model: str, credentials: Mapping) -> AIModelEntity | None:
    """Return the schema of a model added by id (filled in from the models API)."""
    del model, credentials
    return None
