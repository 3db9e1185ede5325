"""Dify's text-embedding interface for OpenRouter: thin glue over `openrouter.embeddings`."""

from __future__ import annotations

import time
from collections.abc import Mapping

from dify_plugin import TextEmbeddingModel
from dify_plugin.entities.model import AIModelEntity, EmbeddingInputType, PriceType
from dify_plugin.entities.model.text_embedding import EmbeddingUsage, TextEmbeddingResult
from dify_plugin.errors.model import CredentialsValidateFailedError

from openrouter import embeddings
from openrouter.catalog_fields import CatalogError
from openrouter.embedding_catalog import embedding_entity, fallback_embedding_entity
from openrouter.credentials import OverrideError, read_overrides, validate_provider_credentials
from openrouter.dify_errors import ReadableErrorsMixin, readable_error
from openrouter.log import get_logger
from openrouter.settings import CredentialsError, read_language, read_settings
from openrouter.tokens import estimate_text_tokens

logger = get_logger(__name__)


class OpenRouterFreeTextEmbeddingModel(ReadableErrorsMixin, TextEmbeddingModel):
    def _invoke(
        self,
        model: str,
        credentials: dict,
        texts: list[str],
        user: str | None = None,
        input_type: EmbeddingInputType = EmbeddingInputType.DOCUMENT,
    ) -> TextEmbeddingResult:
        language = read_language(credentials)
        self._language = language
        try:
            settings = read_settings(credentials)
            entry = embeddings.find_embedding_model(settings, model)
            outcome = embeddings.embed_texts(
                settings,
                model,
                texts,
                # The schema's max_chunks, which Dify also uses to size each call.
                batch_size=self._get_max_chunks(model, credentials),
                input_type=embeddings.input_type_value(input_type) if embeddings.supports_input_type(entry) else None,
                user=user,
            )
            usage = self._calc_response_usage(model, credentials, outcome.tokens)
        except Exception as error:
            raise readable_error(error, language) from None
        return TextEmbeddingResult(model=model, embeddings=outcome.vectors, usage=usage)

    def _calc_response_usage(self, model: str, credentials: dict, tokens: int) -> EmbeddingUsage:
        price = self.get_price(model, credentials, PriceType.INPUT, tokens)
        return EmbeddingUsage(
            tokens=tokens,
            total_tokens=tokens,
            unit_price=price.unit_price,
            price_unit=price.unit,
            total_price=price.total_amount,
            currency=price.currency,
            latency=time.perf_counter() - self.started_at,
        )

    def get_num_tokens(self, model: str, credentials: dict, texts: list[str]) -> list[int]:
        # The SDK's GPT-2 counter downloads its tokenizer files, which fails in an air-gapped Dify.
        return [estimate_text_tokens(text) for text in texts]


    def validate_credentials(self, model: str, credentials: Mapping) -> None:
        # Only the key is checked there, because openrouter.credentials checks ids against the
        # chat models list.
        validate_provider_credentials(credentials)
        try:
            read_overrides(credentials)
        except OverrideError as error:
            raise CredentialsValidateFailedError(error.render(read_language(credentials))) from None
        if all(schema.model != model for schema in self.predefined_models()):
            embeddings.check_embedding_model_id(read_settings(credentials), model)

    def get_customizable_model_schema(self, model: str, credentials: Mapping) -> AIModelEntity | None:
        """Build the schema of an embedding model added by id, with the model form's context size.

        The data comes from the model's embedding-models entry, else from conservative defaults. A
        list that cannot be read or a malformed key leads to the defaults rather than an error,
        because the SDK also builds this schema for every request to the model.
        """
        entity = None
        try:
            entry = embeddings.find_embedding_model(read_settings(credentials), model)
        except CredentialsError:
            entry = None
        if entry is not None:
            try:
                entity = embedding_entity(entry, "customizable-model")
            except CatalogError as error:
                logger.info("Embedding models entry of %s is unusable (%s), so its schema uses defaults", model, error)
        entity = entity or fallback_embedding_entity(model)

        context_size = read_overrides(credentials, strict=False).context_size
        if context_size is not None:
            entity["model_properties"]["context_size"] = context_size
        return AIModelEntity(**entity)
