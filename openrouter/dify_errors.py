"""Make every error that leaves the plugin a Dify error with a readable description.

OpenRouter's own failures are translated by `openrouter.failures`. This module covers the
rest: malformed credentials, model parameters the SDK or the plugin reject, and unexpected
exceptions, which must reach Dify as a sentence and never as a traceback or raw JSON.
"""

from __future__ import annotations

from dify_plugin.errors.model import (
    CredentialsValidateFailedError,
    InvokeAuthorizationError,
    InvokeBadRequestError,
    InvokeConnectionError,
    InvokeError,
    InvokeRateLimitError,
    InvokeServerUnavailableError,
)

from openrouter.chat_request import ParameterError
from openrouter.settings import CredentialsError

PARAMETER_MESSAGES = {
    "json_schema_missing": {
        "en_US": "Response format is set to JSON Schema, but no JSON Schema was given. Fill in the JSON Schema parameter or choose another response format.",
        "zh_Hans": "回复格式选择了 JSON Schema，但没有填写 JSON Schema。请填写 JSON Schema 参数，或改选其他回复格式。",
    },
    "json_schema_invalid": {
        "en_US": "The JSON Schema parameter is not a valid JSON object. Check its syntax. It starts with: {value}",
        "zh_Hans": "JSON Schema 参数不是合法的 JSON 对象，请检查语法。其开头为：{value}",
    },
    "fallback_invalid": {
        "en_US": "The fallback models parameter must be model ids separated by commas, for example: qwen/qwen3-coder:free, openrouter/free",
        "zh_Hans": "备用模型参数应为以逗号分隔的模型 ID，例如：qwen/qwen3-coder:free, openrouter/free",
    },
    "fallback_paid": {
        "en_US": "Fallback model \"{value}\" is not free. Only ids ending in :free, or openrouter/free, can be fallbacks, so no request is billed by surprise. Remove it or pick a free model.",
        "zh_Hans": "备用模型“{value}”不是免费模型。为避免意外扣费，备用模型只能是以 :free 结尾的 ID 或 openrouter/free。请删除它或换成免费模型。",
    },
    "fallback_too_many": {
        "en_US": "At most two fallback models can be given (OpenRouter accepts 3 models per request, the chosen model included). Got: {value}",
        "zh_Hans": "备用模型最多填两个（OpenRouter 每次请求最多接受 3 个模型，含当前模型）。当前填写：{value}",
    },
    "parameter_rejected": {
        "en_US": "A model parameter is out of range or of the wrong type, so the request was not sent to OpenRouter. Check the model parameters in Dify. Detail: {value}",
        "zh_Hans": "有模型参数超出范围或类型不对，请求未发送到 OpenRouter。请检查 Dify 中的模型参数。详情：{value}",
    },
}

INTERNAL_MESSAGES = {
    "en_US": "The OpenRouter Free plugin failed unexpectedly ({value}). The request may not have reached OpenRouter. Try again; if it keeps happening, report it with the plugin log.",
    "zh_Hans": "OpenRouter Free 插件出现意外错误（{value}），请求可能未到达 OpenRouter。请重试；如果反复出现，请附上插件日志反馈问题。",
}


def _pick(templates: dict[str, str], language: str) -> str:
    return templates.get(language, templates["en_US"])


def parameter_error(code: str, value: str, language: str) -> InvokeBadRequestError:
    template = _pick(PARAMETER_MESSAGES[code], language)
    return InvokeBadRequestError(template.format(value=value[:300]))


def readable_error(error: BaseException, language: str, *, validating: bool = False) -> Exception:
    """Return the Dify error to raise for `error`; a Dify error passes through unchanged."""
    if isinstance(error, (InvokeError, CredentialsValidateFailedError)):
        if validating and isinstance(error, InvokeError):
            converted = CredentialsValidateFailedError(error.description or str(error))
            converted.failure = getattr(error, "failure", None)
            return converted
        return error
    if isinstance(error, CredentialsError):
        text = error.render(language)
        return CredentialsValidateFailedError(text) if validating else InvokeBadRequestError(text)
    if isinstance(error, ParameterError):
        converted = parameter_error(error.code, error.value, language)
        return CredentialsValidateFailedError(converted.description) if validating else converted
    # Only the exception's type: its text may hold a request body or a header.
    text = _pick(INTERNAL_MESSAGES, language).format(value=type(error).__name__)
    return CredentialsValidateFailedError(text) if validating else InvokeServerUnavailableError(text)


class ReadableErrorsMixin:
    """Error hooks for the plugin's model classes: Dify errors leave them unchanged.

    The SDK's `_transform_invoke_error` prefixes "[models]" (from the module path) and replaces
    every authorization message with one fixed English sentence. The plugin translates every
    error before it leaves `_invoke`, so the transform only passes them through. Model
    instances are created per request, so `_language` is the language of this request.
    """

    _language = "en_US"

    def _transform_invoke_error(self, error: Exception) -> InvokeError:
        if isinstance(error, InvokeError):
            return error
        return readable_error(error, self._language)

    @property
    def _invoke_error_mapping(self) -> dict[type[InvokeError], list[type[Exception]]]:
        return {
            InvokeConnectionError: [InvokeConnectionError],
            InvokeServerUnavailableError: [InvokeServerUnavailableError],
            InvokeRateLimitError: [InvokeRateLimitError],
            InvokeAuthorizationError: [InvokeAuthorizationError],
            InvokeBadRequestError: [InvokeBadRequestError],
        }
