"""The OpenRouter Free model provider: checks provider credentials without spending a request."""

from __future__ import annotations

from collections.abc import Mapping

from dify_plugin import ModelProvider

from openrouter.credentials import validate_provider_credentials


class OpenRouterFreeProvider(ModelProvider):
    def validate_provider_credentials(self, credentials: Mapping) -> None:
        validate_provider_credentials(credentials)
