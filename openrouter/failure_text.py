"""English and Simplified Chinese messages for OpenRouter failures.

Each message is a sequence of sentence slots in reading order: what happened, the limit
and its reset, what to do. A slot is one template or a tuple of alternatives, and the
first alternative whose fields are all known is used, so a slot with no usable
alternative drops out. OpenRouter's own sentence, when there is one, goes last.

Catalogue keys are ``FailureKind`` values. ``failure_render`` fills in the templates.
"""

from __future__ import annotations

from collections.abc import Mapping

Slot = str | tuple[str, ...]
Message = tuple[Slot, ...]

LANGUAGES = ("en_US", "zh_Hans")
DEFAULT_LANGUAGE = "en_US"

# Slots that follow every kind's own message. The pacing code sets these facts when a
# limit's reset is further away than it is allowed to wait.
SHARED_SLOTS: Mapping[str, Message] = {
    "en_US": (
        ("The plugin did not send this request, because the next free slot is "
         "{unsent_wait_s} s away, longer than its maximum wait of {max_wait_s} s.",
         "The plugin did not retry, because the wait of {retry_wait_s} s is longer than its "
         "maximum wait of {max_wait_s} s."),
    ),
    "zh_Hans": (
        ("下一个空闲名额还需约 {unsent_wait_s} 秒，超过了插件允许的最长等待时间 {max_wait_s} 秒，"
         "因此这次请求没有发送。",
         "需要等待约 {retry_wait_s} 秒，超过了插件允许的最长等待时间 {max_wait_s} 秒，"
         "因此没有自动重试。"),
    ),
}

_CREDITS_URL = "https://openrouter.ai/settings/credits"
_KEYS_URL = "https://openrouter.ai/settings/keys"
_PRIVACY_URL = "https://openrouter.ai/settings/privacy"
_DEFAULT_BASE_URL = "https://openrouter.ai/api/v1"

CATALOGUE: Mapping[str, Mapping[str, Message]] = {
    "daily_quota": {
        "en_US": (
            "The daily free-model quota of this OpenRouter account is used up.",
            ("{used} of the {limit} free-model requests allowed per day have been used.",
             "The account allows {limit} free-model requests per day."),
            "It resets at {reset_clock} ({reset_in}).",
            "All :free models share this quota, so switching to another free model will not "
            "help before then.",
            "Buying {credits_to_unlock} credits on OpenRouter raises the limit to "
            "{unlocked_limit} requests per day.",
        ),
        "zh_Hans": (
            "OpenRouter 账户今日免费额度已用完。",
            ("今日已用 {used}/{limit} 次免费模型请求。", "该账户每天可发送 {limit} 次免费模型请求。"),
            "额度将于 {reset_clock}（{reset_in}）重置。",
            "所有 :free 模型共用这一额度，重置前换用其他免费模型也无法调用。",
            "在 OpenRouter 累计购买 {credits_to_unlock} credits（{credits_to_unlock} 美元）后，"
            "每日上限将提升至 {unlocked_limit} 次。",
        ),
    },
    "minute_limit": {
        "en_US": (
            ("OpenRouter's per-minute limit for free models was reached ({limit} requests "
             "per minute).",
             "OpenRouter's per-minute limit for free models was reached."),
            "It resets {reset_in}.",
            "Wait and retry, or send requests less often.",
        ),
        "zh_Hans": (
            ("已达到 OpenRouter 免费模型的每分钟请求上限（每分钟 {limit} 次）。",
             "已达到 OpenRouter 免费模型的每分钟请求上限。"),
            "限额{reset_in}重置。",
            "请稍后重试，或降低请求频率。",
        ),
    },
    "model_demand_limit": {
        "en_US": (
            ("{model} is in high demand, so OpenRouter limits it to {limit} requests per minute.",
             "This model is in high demand, so OpenRouter limits it to {limit} requests per "
             "minute.",
             "This model is in high demand, so OpenRouter limits how often it can be called."),
            "The limit resets {reset_in}.",
            "Retry shortly, or choose another free model.",
        ),
        "zh_Hans": (
            ("{model} 当前需求量过大，OpenRouter 将其限制为每分钟 {limit} 次请求。",
             "该模型当前需求量过大，OpenRouter 将其限制为每分钟 {limit} 次请求。",
             "该模型当前需求量过大，OpenRouter 限制了调用频率。"),
            "限额{reset_in}重置。",
            "请稍后重试，或换用其他免费模型。",
        ),
    },
    "upstream_busy": {
        "en_US": (
            ("{provider}, the provider serving {model} on OpenRouter, is temporarily "
             "rate-limiting requests.",
             "{provider}, the provider behind OpenRouter for this model, is temporarily "
             "rate-limiting requests.",
             "The provider serving this model on OpenRouter is temporarily rate-limiting "
             "requests."),
            "This is capacity shared by everyone using this free model, not your account's "
            "quota.",
            ("Retry {retry_in}, or choose another free model.",
             "Retry shortly, or choose another free model."),
        ),
        "zh_Hans": (
            ("OpenRouter 上提供 {model} 的服务商 {provider} 暂时限流。",
             "OpenRouter 上该模型的服务商 {provider} 暂时限流。",
             "OpenRouter 上该模型的服务商暂时限流。"),
            "这是该免费模型所有用户共用的上游容量，并非你账户的额度用完了。",
            ("请在 {retry_in}重试，或换用其他免费模型。", "请稍后重试，或换用其他免费模型。"),
        ),
    },
    "capacity": {
        "en_US": (
            ("All providers serving {model} on OpenRouter are at capacity right now.",
             "All providers serving this model on OpenRouter are at capacity right now."),
            ("Retry {retry_in}.", "Retry shortly."),
            "OpenRouter suggests these models instead: {fallback_models}.",
        ),
        "zh_Hans": (
            ("OpenRouter 上提供 {model} 的服务商目前全部满载。",
             "OpenRouter 上该模型的服务商目前全部满载。"),
            ("请在 {retry_in}重试。", "请稍后重试。"),
            "也可以改用 OpenRouter 建议的模型：{fallback_models}。",
        ),
    },
    "rate_limited": {
        "en_US": (
            "OpenRouter rejected the request because a rate limit was exceeded.",
            ("Retry {retry_in}.", "The limit resets {reset_in}.", "Wait a moment and retry."),
        ),
        "zh_Hans": (
            "请求超出了 OpenRouter 的速率限制，已被拒绝。",
            ("请在 {retry_in}重试。", "限额{reset_in}重置。", "请稍等片刻再试。"),
        ),
    },
    "no_credits": {
        "en_US": (
            "OpenRouter rejected the request because this account has never bought credits.",
            "Check that the API key belongs to the intended account or organization. If it "
            f"does, add credits at {_CREDITS_URL}.",
        ),
        "zh_Hans": (
            "OpenRouter 拒绝了请求：该账户从未购买过 credits。",
            f"请确认 API Key 属于正确的账户或组织；如果无误，请到 {_CREDITS_URL} 充值。",
        ),
    },
    "insufficient_credits": {
        "en_US": (
            "OpenRouter rejected the request because the account's credit balance is too low "
            "or negative.",
            "A negative balance blocks free models too.",
            f"Add credits at {_CREDITS_URL} to bring the balance above zero.",
        ),
        "zh_Hans": (
            "OpenRouter 拒绝了请求：账户 credits 余额不足或为负数。",
            "余额为负时，免费模型同样无法使用。",
            f"请到 {_CREDITS_URL} 充值，使余额大于零。",
        ),
    },
    "max_tokens_unaffordable": {
        "en_US": (
            ("This request may generate up to {requested_tokens} tokens, but the OpenRouter "
             "account or key can only pay for {affordable_tokens}.",
             "The OpenRouter account or key cannot pay for as many output tokens as this "
             "request allows."),
            ("Lower Max tokens in the model parameters to {affordable_tokens} or less. "
             "Otherwise, add credits or raise the key's limit on OpenRouter.",
             "Lower Max tokens in the model parameters. Otherwise, add credits or raise the "
             "key's limit on OpenRouter."),
        ),
        "zh_Hans": (
            ("本次请求最多可生成 {requested_tokens} 个 token，但 OpenRouter 账户或 Key 的余额"
             "只够支付 {affordable_tokens} 个。",
             "OpenRouter 账户或 Key 的余额不足以支付本次请求允许的输出 token 数。"),
            ("请在模型参数中把「最大 token 数」（Max tokens）调低到 {affordable_tokens} 以内，"
             "或在 OpenRouter 充值、提高 Key 的额度上限。",
             "请调低模型参数中的「最大 token 数」（Max tokens），或在 OpenRouter 充值、"
             "提高 Key 的额度上限。"),
        ),
    },
    "in_flight_budget": {
        "en_US": (
            "OpenRouter held this request back because, together with the requests still "
            "running, it would exceed the account's available credits.",
            ("Retry {retry_in}, once those requests finish, or add credits.",
             "Retry once the running requests finish, or add credits."),
        ),
        "zh_Hans": (
            "OpenRouter 暂缓了本次请求：加上仍在进行中的请求，费用会超出账户可用的 credits。",
            ("请等进行中的请求结束后再试（建议 {retry_in}），或充值。",
             "请等进行中的请求结束后再试，或充值。"),
        ),
    },
    "key_spending_limit": {
        "en_US": (
            "This OpenRouter API key has reached its spending limit.",
            "The key itself is valid, but a quota set on it is used up.",
            f"Raise or remove the limit at {_KEYS_URL}, or use another key.",
        ),
        "zh_Hans": (
            "此 OpenRouter API Key 已达到消费上限。",
            "Key 本身有效，这是为该 Key 设置的额度限制。",
            f"请到 {_KEYS_URL} 提高或取消该上限，或换用其他 Key。",
        ),
    },
    "moderation": {
        "en_US": (
            ("{provider} moderates {model} on OpenRouter and flagged the input for: {reasons}.",
             "The provider of this model on OpenRouter flagged the input for: {reasons}.",
             "The moderation of this model on OpenRouter flagged the input."),
            "Rephrase the input, or choose a model without moderation.",
        ),
        "zh_Hans": (
            ("OpenRouter 上 {model} 由 {provider} 进行内容审核，输入被判定为：{reasons}。",
             "OpenRouter 上该模型的服务商审核后认为输入涉及：{reasons}。",
             "OpenRouter 上该模型的内容审核拦截了本次输入。"),
            "请修改输入内容，或换用不做内容审核的模型。",
        ),
    },
    "guardrail": {
        "en_US": (
            "A guardrail configured on OpenRouter for this account or key blocked the request.",
            "Change the input, or review the guardrail settings on OpenRouter.",
        ),
        "zh_Hans": (
            "OpenRouter 上为该账户或 Key 配置的防护规则（guardrail）拦截了本次请求。",
            "请修改输入内容，或检查 OpenRouter 上的防护规则设置。",
        ),
    },
    "region": {
        "en_US": (
            ("{model} is not available in your region through OpenRouter, because its "
             "provider restricts where it can be used.",
             "This model is not available in your region through OpenRouter, because its "
             "provider restricts where it can be used."),
            "The region is judged by the address the request comes from, which is the server "
            "running Dify.",
            "Choose another model.",
        ),
        "zh_Hans": (
            ("{model} 在你所在的地区无法通过 OpenRouter 使用，服务商限制了可用地区。",
             "该模型在你所在的地区无法通过 OpenRouter 使用，服务商限制了可用地区。"),
            "地区按请求来源 IP 判断，也就是运行 Dify 的服务器所在的网络。",
            "请换用其他模型。",
        ),
    },
    "forbidden": {
        "en_US": (
            ("OpenRouter rejected the request (HTTP {status}).", "OpenRouter rejected the request."),
            "Check the API key's permissions and the account settings on OpenRouter.",
        ),
        "zh_Hans": (
            ("OpenRouter 拒绝了本次请求（HTTP {status}）。", "OpenRouter 拒绝了本次请求。"),
            "请检查 API Key 的权限和 OpenRouter 账户设置。",
        ),
    },
    "invalid_key": {
        "en_US": (
            "OpenRouter did not accept the API key: it is invalid, revoked, or belongs to a "
            "deleted account.",
            f"Create a key at {_KEYS_URL} and update the API Key in the model provider "
            "settings.",
        ),
        "zh_Hans": (
            "OpenRouter 不接受该 API Key：Key 无效、已被撤销，或所属账户已删除。",
            f"请到 {_KEYS_URL} 创建新 Key，并在模型供应商设置中更新 API Key。",
        ),
    },
    "missing_key": {
        "en_US": (
            "The request reached OpenRouter without an API key.",
            "Enter the key in the model provider settings. If it is already set, a proxy "
            "between Dify and OpenRouter may be dropping the Authorization header.",
        ),
        "zh_Hans": (
            "请求到达 OpenRouter 时没有携带 API Key。",
            "请在模型供应商设置中填写 API Key；如果已经填写，可能是 Dify 与 OpenRouter "
            "之间的代理丢弃了 Authorization 请求头。",
        ),
    },
    "data_policy": {
        "en_US": (
            ("The privacy settings of this OpenRouter account ({data_policy}) exclude every "
             "provider of {model}.",
             "The privacy settings of this OpenRouter account exclude every provider of "
             "{model}.",
             "The privacy settings of this OpenRouter account exclude every provider of this "
             "model."),
            (f"Enable \"{{data_policy}}\" at {_PRIVACY_URL}, or relax the related settings.",
             f"Adjust the privacy settings at {_PRIVACY_URL} to allow this model's providers."),
        ),
        "zh_Hans": (
            ("OpenRouter 账户的隐私设置（{data_policy}）排除了 {model} 的所有服务商。",
             "OpenRouter 账户的隐私设置排除了 {model} 的所有服务商。",
             "OpenRouter 账户的隐私设置排除了该模型的所有服务商。"),
            (f"请到 {_PRIVACY_URL} 开启「{{data_policy}}」，或放宽相关设置。",
             f"请到 {_PRIVACY_URL} 调整隐私设置，允许该模型的服务商。"),
        ),
    },
    "free_variant_ended": {
        "en_US": (
            ("OpenRouter no longer offers {model} for free.",
             "OpenRouter no longer offers this model for free."),
            ("Switch to the paid version {paid_slug}, which uses credits, or choose another "
             "free model.",
             "Choose another free model."),
            "Free models you can use instead: {alternatives}.",
        ),
        "zh_Hans": (
            ("OpenRouter 已停止免费提供 {model}。", "OpenRouter 已停止免费提供该模型。"),
            ("付费版本为 {paid_slug}（会消耗 credits），可以改用它，或换用其他免费模型。",
             "请换用其他免费模型。"),
            "目前可改用的免费模型：{alternatives}。",
        ),
    },
    "free_model_deprecated": {
        "en_US": (
            ("OpenRouter has retired the free model {model}.",
             "OpenRouter has retired this free model."),
            ("Switch to the paid model {suggested_model}, which OpenRouter suggests, or choose "
             "another free model.",
             "Choose another free model."),
            "Free models you can use instead: {alternatives}.",
        ),
        "zh_Hans": (
            ("OpenRouter 已下线免费模型 {model}。", "OpenRouter 已下线该免费模型。"),
            ("OpenRouter 建议改用付费模型 {suggested_model}，也可以换用其他免费模型。",
             "请换用其他免费模型。"),
            "目前可改用的免费模型：{alternatives}。",
        ),
    },
    "no_tool_endpoint": {
        "en_US": (
            ("No OpenRouter provider of {model} supports tool calling.",
             "No OpenRouter provider of this model supports tool calling."),
            "Remove the tools from this app, or choose a model that supports tool calling.",
        ),
        "zh_Hans": (
            ("OpenRouter 上 {model} 的服务商都不支持工具调用。",
             "OpenRouter 上该模型的服务商都不支持工具调用。"),
            "请在应用中移除工具，或换用支持工具调用的模型。",
        ),
    },
    "no_image_endpoint": {
        "en_US": (
            ("No OpenRouter provider of {model} accepts image input.",
             "No OpenRouter provider of this model accepts image input."),
            "Remove the images, or choose a model with vision support.",
        ),
        "zh_Hans": (
            ("OpenRouter 上 {model} 的服务商都不支持图片输入。",
             "OpenRouter 上该模型的服务商都不支持图片输入。"),
            "请移除图片，或换用支持视觉（图片输入）的模型。",
        ),
    },
    "no_parameter_endpoint": {
        "en_US": (
            ("No OpenRouter provider of {model} supports every parameter in this request.",
             "No OpenRouter provider of this model supports every parameter in this request."),
            "Remove parameters the model may not support, such as response format, tools or "
            "reasoning settings, and retry.",
        ),
        "zh_Hans": (
            ("OpenRouter 上 {model} 的服务商都无法支持本次请求中的全部参数。",
             "OpenRouter 上该模型的服务商都无法支持本次请求中的全部参数。"),
            "请去掉该模型可能不支持的参数（如响应格式、工具或推理设置）后重试。",
        ),
    },
    "no_endpoints": {
        "en_US": (
            ("OpenRouter has no available provider for {model} right now.",
             "OpenRouter has no available provider for this model right now."),
            "The model may be offline or retired, so choose another model or retry later.",
            "Free models you can use instead: {alternatives}.",
        ),
        "zh_Hans": (
            ("OpenRouter 目前没有可用的 {model} 服务商。", "OpenRouter 目前没有该模型的可用服务商。"),
            "该模型可能已下线或暂时不可用，请换用其他模型或稍后重试。",
            "目前可改用的免费模型：{alternatives}。",
        ),
    },
    "endpoint_not_found": {
        "en_US": (
            "OpenRouter answered \"Not Found\" for the address the plugin called, so the API "
            "Base URL is probably wrong.",
            "Check the API Base URL in the model provider settings. It is normally "
            f"{_DEFAULT_BASE_URL}.",
        ),
        "zh_Hans": (
            "OpenRouter 对插件请求的地址返回了“Not Found”，「API 地址」很可能填写有误。",
            f"请检查模型供应商设置中的「API 地址」，通常应为 {_DEFAULT_BASE_URL}。",
        ),
    },
    "not_found": {
        "en_US": (
            ("OpenRouter could not find what the request asked for (HTTP {status}).",
             "OpenRouter could not find what the request asked for."),
            "Check the model ID and the API Base URL.",
        ),
        "zh_Hans": (
            ("OpenRouter 找不到请求的资源（HTTP {status}）。", "OpenRouter 找不到请求的资源。"),
            "请检查模型 ID 和「API 地址」。",
        ),
    },
    "unknown_model": {
        "en_US": (
            ("OpenRouter has no model with the ID {model}.",
             "OpenRouter has no model with the requested ID."),
            "Check the spelling, or choose a model from OpenRouter's list. Free model IDs end "
            "in :free.",
        ),
        "zh_Hans": (
            ("OpenRouter 上不存在 ID 为 {model} 的模型。", "OpenRouter 上不存在所请求的模型 ID。"),
            "请检查拼写，或从 OpenRouter 的模型列表中选择（免费模型的 ID 以 :free 结尾）。",
        ),
    },
    "context_too_long": {
        "en_US": (
            ("The request is too long for {model}: its context length is {context_limit} "
             "tokens, and this request needs about {requested_tokens}.",
             "The request is too long: the model's context length is {context_limit} tokens, "
             "and this request needs about {requested_tokens}.",
             "The request is longer than the model's context length."),
            "Shorten the prompt or the conversation history, or lower Max tokens.",
        ),
        "zh_Hans": (
            ("请求超出了 {model} 的上下文长度：上限为 {context_limit} 个 token，本次请求约需 "
             "{requested_tokens} 个。",
             "请求超出了模型的上下文长度：上限为 {context_limit} 个 token，本次请求约需 "
             "{requested_tokens} 个。",
             "请求超出了模型的上下文长度。"),
            "请缩短提示词或对话历史，或调低「最大 token 数」（Max tokens）。",
        ),
    },
    "too_many_fallbacks": {
        "en_US": (
            ("OpenRouter accepts at most {max_models} models in the fallback list, and this "
             "request sent more.",
             "The request's fallback model list is longer than OpenRouter accepts."),
            "Remove some fallback models.",
        ),
        "zh_Hans": (
            ("OpenRouter 的备用模型列表最多只能包含 {max_models} 个模型，本次请求超出了上限。",
             "本次请求的备用模型列表超出了 OpenRouter 允许的长度。"),
            "请删减备用模型。",
        ),
    },
    "token_limit_reached": {
        "en_US": (
            ("OpenRouter stopped {model} because the reply reached the token limit of this request.",
             "OpenRouter stopped the model because the reply reached the token limit of this request."),
            "Raise Max tokens in the model parameters, or ask for a shorter reply.",
        ),
        "zh_Hans": (
            ("回复达到了本次请求的 token 上限，OpenRouter 已让 {model} 停止生成。",
             "回复达到了本次请求的 token 上限，OpenRouter 已让模型停止生成。"),
            "请调高模型参数中的「最大 token 数」（Max tokens），或要求更简短的回答。",
        ),
    },
    "invalid_request": {
        "en_US": (
            ("OpenRouter rejected the request as invalid (HTTP {status}).",
             "OpenRouter rejected the request as invalid."),
            "The error came from the provider {provider}.",
            "Check the model parameters and the input.",
        ),
        "zh_Hans": (
            ("OpenRouter 认为请求无效，已拒绝（HTTP {status}）。", "OpenRouter 认为请求无效，已拒绝。"),
            "错误来自服务商 {provider}。",
            "请检查模型参数和输入内容。",
        ),
    },
    "request_too_large": {
        "en_US": (
            ("The request is too large for OpenRouter (HTTP {status}).",
             "The request is too large for OpenRouter."),
            "Shorten the input, or send fewer or smaller files and images.",
        ),
        "zh_Hans": (
            ("请求体过大，OpenRouter 拒绝接收（HTTP {status}）。", "请求体过大，OpenRouter 拒绝接收。"),
            "请缩短输入，或减少、压缩文件和图片。",
        ),
    },
    "request_timeout": {
        "en_US": (
            ("OpenRouter timed out waiting for the request (HTTP {status}).",
             "OpenRouter timed out waiting for the request."),
            "Retry, and shorten the input if it keeps happening.",
        ),
        "zh_Hans": (
            ("OpenRouter 等待请求超时（HTTP {status}）。", "OpenRouter 等待请求超时。"),
            "请重试；如果反复出现，请缩短输入。",
        ),
    },
    "server_error": {
        "en_US": (
            ("OpenRouter reported an internal error (HTTP {status}).",
             "OpenRouter reported an internal error."),
            "The provider involved was {provider}.",
            "Retry in a moment.",
        ),
        "zh_Hans": (
            ("OpenRouter 报告内部错误（HTTP {status}）。", "OpenRouter 报告内部错误。"),
            "涉及的服务商：{provider}。",
            "请稍后重试。",
        ),
    },
    "provider_error": {
        "en_US": (
            ("{provider}, the provider serving {model}, returned an error to OpenRouter "
             "(HTTP {status}).",
             "{provider}, the provider behind OpenRouter, returned an error (HTTP {status}).",
             "The provider behind OpenRouter returned an error (HTTP {status}).",
             "The provider behind OpenRouter returned an error."),
            "Retry, or choose another model.",
        ),
        "zh_Hans": (
            ("OpenRouter 上提供 {model} 的服务商 {provider} 返回了错误（HTTP {status}）。",
             "OpenRouter 的上游服务商 {provider} 返回了错误（HTTP {status}）。",
             "OpenRouter 的上游服务商返回了错误（HTTP {status}）。",
             "OpenRouter 的上游服务商返回了错误。"),
            "请重试，或换用其他模型。",
        ),
    },
    "service_unavailable": {
        "en_US": (
            ("OpenRouter or its provider {provider} is temporarily unavailable (HTTP {status}).",
             "OpenRouter or its provider is temporarily unavailable (HTTP {status}).",
             "OpenRouter or its provider is temporarily unavailable."),
            "Retry in a moment, or choose another model.",
        ),
        "zh_Hans": (
            ("OpenRouter 或其服务商 {provider} 暂时不可用（HTTP {status}）。",
             "OpenRouter 或其上游服务商暂时不可用（HTTP {status}）。",
             "OpenRouter 或其上游服务商暂时不可用。"),
            "请稍后重试，或换用其他模型。",
        ),
    },
    "gateway_timeout": {
        "en_US": (
            ("{provider} did not answer OpenRouter in time (HTTP {status}).",
             "The provider did not answer OpenRouter in time (HTTP {status}).",
             "The provider did not answer OpenRouter in time."),
            "Retry, or choose a faster model.",
        ),
        "zh_Hans": (
            ("服务商 {provider} 未能及时响应 OpenRouter（HTTP {status}）。",
             "上游服务商未能及时响应 OpenRouter（HTTP {status}）。",
             "上游服务商未能及时响应 OpenRouter。"),
            "请重试，或换用响应更快的模型。",
        ),
    },
    "overloaded": {
        "en_US": (
            ("{provider}, the provider behind OpenRouter, is overloaded (HTTP {status}).",
             "The provider behind OpenRouter is overloaded (HTTP {status}).",
             "The provider behind OpenRouter is overloaded."),
            "Retry in a moment, or choose another model.",
        ),
        "zh_Hans": (
            ("OpenRouter 的上游服务商 {provider} 负载过高（HTTP {status}）。",
             "OpenRouter 的上游服务商负载过高（HTTP {status}）。",
             "OpenRouter 的上游服务商负载过高。"),
            "请稍后重试，或换用其他模型。",
        ),
    },
    "html_response": {
        "en_US": (
            ("OpenRouter answered with an HTML page instead of an API response (HTTP {status}).",
             "OpenRouter answered with an HTML page instead of an API response."),
            "This happens during outages, or when the API Base URL points to a web page rather "
            f"than the API, which is normally {_DEFAULT_BASE_URL}.",
            "Check the API Base URL, then retry later.",
        ),
        "zh_Hans": (
            ("OpenRouter 返回了 HTML 网页，而不是 API 响应（HTTP {status}）。",
             "OpenRouter 返回了 HTML 网页，而不是 API 响应。"),
            "这通常发生在服务故障期间，或「API 地址」指向了网页而不是 API（通常应为 "
            f"{_DEFAULT_BASE_URL}）。",
            "请检查「API 地址」，稍后再试。",
        ),
    },
    "unreadable_response": {
        "en_US": (
            ("OpenRouter answered with a body that is not JSON and could not be read "
             "(HTTP {status}).",
             "OpenRouter answered with a body that is not JSON and could not be read."),
            "An outage, or a proxy between Dify and OpenRouter, usually causes this. Check the "
            "API Base URL and retry later.",
        ),
        "zh_Hans": (
            ("OpenRouter 返回的内容不是 JSON，无法解析（HTTP {status}）。",
             "OpenRouter 返回的内容不是 JSON，无法解析。"),
            "这通常由服务故障或 Dify 与 OpenRouter 之间的代理引起，请检查「API 地址」并稍后再试。",
        ),
    },
    "connection_refused": {
        "en_US": (
            "Could not connect to {endpoint_url}: the connection was refused.",
            "Check the API Base URL and the proxy settings of the Dify server.",
        ),
        "zh_Hans": (
            "无法连接 {endpoint_url}：连接被拒绝。",
            "请检查「API 地址」以及 Dify 服务器的代理设置。",
        ),
    },
    "dns_failure": {
        "en_US": (
            "Could not resolve the host name in {endpoint_url}.",
            "Check the API Base URL and the DNS settings of the Dify server.",
        ),
        "zh_Hans": (
            "无法解析 {endpoint_url} 的域名。",
            "请检查「API 地址」和 Dify 服务器的 DNS 设置。",
        ),
    },
    "tls_failure": {
        "en_US": (
            "The secure (TLS) connection to {endpoint_url} failed.",
            "A proxy or firewall that intercepts HTTPS, or an outdated certificate store on the "
            "Dify server, usually causes this.",
        ),
        "zh_Hans": (
            "与 {endpoint_url} 建立 TLS 安全连接失败。",
            "通常是拦截 HTTPS 的代理或防火墙，或 Dify 服务器上的证书库过旧所致。",
        ),
    },
    "proxy_failure": {
        "en_US": (
            "Could not reach {endpoint_url} through the proxy configured for the Dify server.",
            "Check that the proxy is running and allows connections to OpenRouter.",
        ),
        "zh_Hans": (
            "无法通过 Dify 服务器配置的代理访问 {endpoint_url}。",
            "请确认代理正在运行，并允许连接 OpenRouter。",
        ),
    },
    "connect_timeout": {
        "en_US": (
            "Connecting to {endpoint_url} timed out.",
            "Check the network and proxy of the Dify server, then retry.",
        ),
        "zh_Hans": (
            "连接 {endpoint_url} 超时。",
            "请检查 Dify 服务器的网络和代理后重试。",
        ),
    },
    "read_timeout": {
        "en_US": (
            "OpenRouter did not answer in time ({endpoint_url}).",
            "Free models can be slow under load, so retry or choose another model.",
        ),
        "zh_Hans": (
            "OpenRouter 响应超时（{endpoint_url}）。",
            "免费模型在高峰期可能响应较慢，请重试或换用其他模型。",
        ),
    },
    "connection_reset": {
        "en_US": (
            "The connection to {endpoint_url} was closed before the response was complete.",
            "Retry. If it keeps happening, check proxies or firewalls between the Dify server "
            "and OpenRouter.",
        ),
        "zh_Hans": (
            "与 {endpoint_url} 的连接在响应完成前被断开。",
            "请重试；如果反复出现，请检查 Dify 服务器与 OpenRouter 之间的代理或防火墙。",
        ),
    },
    "connection_failed": {
        "en_US": (
            "Could not reach {endpoint_url}.",
            "Check the API Base URL and the network of the Dify server.",
        ),
        "zh_Hans": (
            "无法访问 {endpoint_url}。",
            "请检查「API 地址」和 Dify 服务器的网络。",
        ),
    },
    "invalid_base_url": {
        "en_US": (
            "The API Base URL {endpoint_url} is not a valid HTTP or HTTPS address.",
            f"Correct it in the model provider settings. It is normally {_DEFAULT_BASE_URL}.",
        ),
        "zh_Hans": (
            "「API 地址」{endpoint_url} 不是有效的 HTTP 或 HTTPS 地址。",
            f"请在模型供应商设置中更正，通常应为 {_DEFAULT_BASE_URL}。",
        ),
    },
    "stream_cut": {
        "en_US": (
            ("The streamed reply of {model} from OpenRouter ended without a finish reason, so "
             "it may be incomplete.",
             "The streamed reply from OpenRouter ended without a finish reason, so it may be "
             "incomplete."),
            "Retry the request.",
        ),
        "zh_Hans": (
            ("OpenRouter 返回的 {model} 流式回复在没有结束标记（finish reason）的情况下中断，"
             "内容可能不完整。",
             "OpenRouter 返回的流式回复在没有结束标记（finish reason）的情况下中断，"
             "内容可能不完整。"),
            "请重试。",
        ),
    },
}
