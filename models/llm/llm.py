"""Dify's LLM interface for OpenRouter: thin glue over the `openrouter` package."""

from __future__ import annotations

import functools
from collections.abc import Generator, Mapping

from dify_plugin import LargeLanguageModel
from dify_plugin.entities.model import AIModelEntity
from dify_plugin.entities.model.llm import LLMResult, LLMResultChunk, LLMUsage
from dify_plugin.entities.model.message import PromptMessage, PromptMessageTool

from openrouter import chat
from openrouter.chat_request import parse_fallback_models
from openrouter.dify_errors import ReadableErrorsMixin, parameter_error, readable_error
from openrouter.settings import read_language, read_settings
from openrouter.tokens import estimate_messages_tokens, estimate_text_tokens


class OpenRouterFreeLargeLanguageModel(ReadableErrorsMixin, LargeLanguageModel):
    def _invoke(
        self,
        model: str,
        credentials: dict,
        prompt_messages: list[PromptMessage],
        model_parameters: dict,
        tools: list[PromptMessageTool] | None = None,
        stop: list[str] | None = None,
        stream: bool = True,
        user: str | None = None,
    ) -> LLMResult | Generator[LLMResultChunk, None, None]:
        language = read_language(credentials)
        self._language = language
        try:
            settings = read_settings(credentials)
            parameters = dict(model_parameters)
            fallback_models = parse_fallback_models(parameters.pop("fallback_models", None))
            result = chat.complete(
                settings,
                model,
                prompt_messages,
                parameters,
                tools,
                stop,
                stream,
                user,
                usage_factory=functools.partial(self._usage, model, credentials, prompt_messages, tools),
                fallback_models=fallback_models,
            )
        except Exception as error:
            raise readable_error(error, language) from None
        if isinstance(result, LLMResult):
            return result
        return self._readable_stream(result, language)

    def _usage(
        self,
        model: str,
        credentials: dict,
        prompt_messages: list[PromptMessage],
        tools: list[PromptMessageTool] | None,
        prompt_tokens: int,
        completion_tokens: int,
    ) -> LLMUsage:
        # A reply without usage (a stream cut before its usage chunk) reports 0 prompt tokens,
        # which the offline estimate replaces.
        if prompt_tokens == 0 and prompt_messages:
            prompt_tokens = self.get_num_tokens(model, credentials, prompt_messages, tools)
        return self._calc_response_usage(model, credentials, prompt_tokens, completion_tokens)

    @staticmethod
    def _readable_stream(
        chunks: Generator[LLMResultChunk, None, None], language: str
    ) -> Generator[LLMResultChunk, None, None]:
        # Errors raised while Dify consumes the stream bypass the SDK's error transform.
        try:
            yield from chunks
        except Exception as error:
            raise readable_error(error, language) from None

    def _validate_and_filter_model_parameters(self, model: str, model_parameters: dict, credentials: dict) -> dict:
        # The SDK checks parameters outside its error handling, so a bad value would reach
        # Dify as a bare ValueError.
        try:
            filtered = super()._validate_and_filter_model_parameters(model, model_parameters, credentials)
        except ValueError as error:
            raise parameter_error("parameter_rejected", str(error), read_language(credentials)) from None
        return filtered


    def get_num_tokens(
        self,
        model: str,
        credentials: dict,
        prompt_messages: list[PromptMessage],
        tools: list[PromptMessageTool] | None = None,
    ) -> int:
        texts = [message.get_text_content() for message in prompt_messages]
        total = estimate_messages_tokens(texts)
        for tool in tools or ():
            total += estimate_text_tokens(tool.name + tool.description + str(tool.parameters))
        return total

    def validate_credentials(self, model: str, credentials: Mapping) -> None:
        from openrouter.credentials import validate_model_credentials

        validate_model_credentials(model, credentials, self.predefined_models())

    def get_customizable_model_schema(self, model: str, credentials: Mapping) -> AIModelEntity | None:
        from openrouter.credentials import customizable_model_schema

        return customizable_model_schema(model, credentials)
