"""Turn entries of OpenRouter's `GET /api/v1/models` list into Dify model entities.

`model_entity` returns the plain dict that `dify_plugin.entities.model.AIModelEntity(**dict)`
accepts. `python -m tools.catalog` writes these dicts to `models/llm/*.yaml`, and the plugin can
build one at run time for a customizable model. `embedding_entity` does the same for entries of
`GET /api/v1/embeddings/models`, which `/models` leaves out, and `models/text_embedding/*.yaml`.
The module is pure and uses only the standard library.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

FREE_SUFFIX = ":free"

# Default of the max_tokens rule, lowered to the model's own output limit when that is smaller.
DEFAULT_MAX_TOKENS = 4096

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
_STRUCTURED_OUTPUT_PARAMETERS = ("response_format", "structured_outputs")
_REASONING_PARAMETERS = ("reasoning", "include_reasoning")
REASONING_EFFORTS = ("minimal", "low", "medium", "high")

# Characters allowed in a model id that becomes a file name. Every `:free` id in the recorded
# models lists uses only these, and none is reserved on Windows, macOS or Linux once '/' and ':'
# are replaced.
_ID_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/:")

# Dify reads input and output as prices per `unit` tokens, here per million.
FREE_PRICING = {"input": "0", "output": "0", "unit": "0.000001", "currency": "USD"}


class CatalogError(ValueError):
    """A models list, or one of its entries, that cannot become a catalog entry."""


class _SamplingRule(NamedTuple):
    template: str | None
    type: str
    min: float
    max: float
    default: float
    precision: int


# Ranges and defaults as documented at https://openrouter.ai/docs/parameters, except the top_k
# maximum: OpenRouter accepts any integer from 0 (which turns top_k off), and 100 is the SDK
# template's maximum, above every recommended top_k in the 2026 models lists (at most 64).
# top_k has no use_template because, for customizable models, SDK 0.10.2 replaces a template
# rule's falsy min and default with the template's (1 and 50), which would hide top_k = 0.
_SAMPLING_RULES = {
    "temperature": _SamplingRule("temperature", "float", 0.0, 2.0, 1.0, 2),
    "top_p": _SamplingRule("top_p", "float", 0.0, 1.0, 1.0, 2),
    "top_k": _SamplingRule(None, "int", 0, 100, 0, 0),
    "presence_penalty": _SamplingRule("presence_penalty", "float", -2.0, 2.0, 0.0, 2),
    "frequency_penalty": _SamplingRule("frequency_penalty", "float", -2.0, 2.0, 0.0, 2),
    "repetition_penalty": _SamplingRule(None, "float", 0.0, 2.0, 1.0, 2),
}


def _text(label_en: str, label_zh: str, help_en: str, help_zh: str) -> dict:
    return {
        "label": {"en_US": label_en, "zh_Hans": label_zh},
        "help": {"en_US": help_en, "zh_Hans": help_zh},
    }


# Label and help of every parameter rule in both languages, so that no rule depends on the SDK
# template's wording (the json_schema template, for one, has no Chinese label).
RULE_TEXT = {
    "temperature": _text(
        "Temperature", "温度",
        "Controls randomness, from 0 to 2. Lower values give steadier, more predictable replies, "
        "and higher values give more varied ones.",
        "控制输出的随机性，取值 0 到 2。值越低，回答越稳定、越可预测；值越高，回答越多样。",
    ),
    "top_p": _text(
        "Top P", "Top P",
        "Nucleus sampling, from 0 to 1: the model picks only from the most likely tokens whose "
        "probabilities add up to P. Lower values make replies more focused.",
        "核采样，取值 0 到 1：模型只在累计概率达到 P 的高概率 token 中选词。"
        "值越低，回答越集中。",
    ),
    "top_k": _text(
        "Top K", "Top K",
        "At each step the model picks only from the K most likely tokens. 0 turns the limit off.",
        "每一步只在概率最高的 K 个 token 中选词。设为 0 表示不限制。",
    ),
    "presence_penalty": _text(
        "Presence penalty", "存在惩罚",
        "From -2 to 2. Positive values penalize every token that has already appeared, which "
        "pushes the model toward new topics. Negative values encourage repetition.",
        "取值 -2 到 2。正值会压低已出现过的 token 的概率，促使模型转向新话题；"
        "负值则鼓励重复。",
    ),
    "frequency_penalty": _text(
        "Frequency penalty", "频率惩罚",
        "From -2 to 2. Positive values penalize tokens in proportion to how often they have "
        "appeared, which reduces word-for-word repetition. Negative values encourage it.",
        "取值 -2 到 2。正值按 token 已出现的次数施加惩罚，出现越多惩罚越重，可减少逐字重复；"
        "负值则鼓励重复。",
    ),
    "repetition_penalty": _text(
        "Repetition penalty", "重复惩罚",
        "From 0 to 2. 1 leaves the output unchanged. Values above 1 make tokens from the input "
        "and earlier output less likely to repeat, and values below 1 make repeats more likely.",
        "取值 0 到 2。1 表示不干预；大于 1 时，模型更少重复输入和前文中的内容；"
        "小于 1 则更容易重复。",
    ),
    "max_tokens": _text(
        "Max tokens", "最大 token 数",
        "Maximum number of tokens the model may generate in one reply. Raise it if replies are "
        "cut off.",
        "单次回复最多可生成的 token 数。回复被截断时可调大此值。",
    ),
    "seed": _text(
        "Seed", "随机种子",
        "Integer seed for sampling. The same seed and parameters should give the same reply, but "
        "not every provider guarantees it.",
        "采样用的整数种子。种子和其他参数都相同时，模型应给出相同的回答，"
        "但并非所有服务商都保证这一点。",
    ),
    "response_format": _text(
        "Response format", "回复格式",
        "text: plain text. json_object: the reply is a valid JSON object. json_schema: the reply "
        "is JSON that matches the JSON Schema below.",
        "text：普通文本。json_object：回复为合法的 JSON 对象。"
        "json_schema：回复为符合下方 JSON Schema 的 JSON。",
    ),
    "json_schema": _text(
        "JSON Schema", "JSON Schema",
        "JSON Schema that the reply must follow. Dify's structured output fills this in.",
        "回复必须遵循的 JSON Schema。使用 Dify 的结构化输出时会自动填写。",
    ),
    "reasoning_effort": _text(
        "Reasoning effort", "推理强度",
        "How much the model thinks before it answers, from minimal to high. More reasoning is "
        "slower and uses more tokens. Leave empty for the model's default.",
        "模型作答前思考的多少，从 minimal（最少）到 high（最多）。思考越多，速度越慢，"
        "消耗的 token 也越多。留空则使用模型的默认设置。",
    ),
    "hide_reasoning": _text(
        "Hide reasoning", "隐藏思考过程",
        "Leave the model's reasoning text out of the reply. The model still reasons before it "
        "answers.",
        "回复中不显示模型的思考内容，但模型仍会先推理再作答。",
    ),
    "fallback_models": _text(
        "Fallback models", "备用模型",
        "Up to two other free model ids (ending in :free, or openrouter/free), separated by "
        "commas. OpenRouter tries them in order when this model fails. Paid model ids are "
        "rejected.",
        "最多两个其他免费模型的 ID（以 :free 结尾，或 openrouter/free），用英文逗号分隔。"
        "本模型调用失败时，OpenRouter 会按顺序改用这些模型。不接受付费模型 ID。",
    ),
}


def _price(value: object) -> Decimal | None:
    """Parse a price given as a string or a number, or return None for any other value."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def is_free_variant(model: Mapping) -> bool:
    """Tell whether a models-list entry is a free variant: a `:free` id with both prices zero."""
    model_id = model.get("id")
    pricing = model.get("pricing")
    if not isinstance(model_id, str) or not model_id.endswith(FREE_SUFFIX):
        return False
    if not isinstance(pricing, Mapping):
        return False
    return _price(pricing.get("prompt")) == 0 and _price(pricing.get("completion")) == 0


def _require(model: Mapping, path: str) -> Any:
    """Return the value at a dotted path, or raise CatalogError naming the model and the field."""
    value: Any = model
    for key in path.split("."):
        if not isinstance(value, Mapping) or value.get(key) is None:
            raise CatalogError(f"model {model.get('id')!r}: field {path!r} is missing or null")
        value = value[key]
    return value


def _require_positive_int(model: Mapping, path: str) -> int:
    value = _require(model, path)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise CatalogError(
            f"model {model.get('id')!r}: field {path!r} must be a positive integer, got {value!r}"
        )
    return value


def _require_str_list(model: Mapping, path: str) -> list[str]:
    value = _require(model, path)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise CatalogError(
            f"model {model.get('id')!r}: field {path!r} must be a list of strings, got {value!r}"
        )
    return value


def max_output_tokens(model: Mapping) -> int:
    """Return top_provider.max_completion_tokens, or the context size when that is null."""
    context_size = _require_positive_int(model, "context_length")
    top_provider = _require(model, "top_provider")
    if not isinstance(top_provider, Mapping):
        raise CatalogError(f"model {model.get('id')!r}: field 'top_provider' must be an object")
    if top_provider.get("max_completion_tokens") is None:
        return context_size
    return _require_positive_int(model, "top_provider.max_completion_tokens")


def model_features(supported_parameters: list[str], input_modalities: list[str]) -> list[str]:
    """Return the Dify features that the supported parameters and input modalities imply."""
    features = set()
    if "tools" in supported_parameters:
        features.update(_TOOL_FEATURES)
    if any(name in supported_parameters for name in _STRUCTURED_OUTPUT_PARAMETERS):
        features.add("structured-output")
    if any(name in supported_parameters for name in _REASONING_PARAMETERS):
        features.add("agent-thought")
    for modality in input_modalities:
        if modality in _MODALITY_FEATURES:
            features.add(_MODALITY_FEATURES[modality])
    return [feature for feature in _FEATURE_ORDER if feature in features]


def _sampling_default(name: str, rule: _SamplingRule, recommended: Mapping) -> float | int:
    """Return the model's recommended value from `default_parameters` if it is in range."""
    value = recommended.get(name)
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not is_number or not rule.min <= value <= rule.max:
        value = rule.default
    if rule.type == "int":
        return int(value)
    return round(float(value), rule.precision)


def _rule(name: str, template: str | None = None, **fields: Any) -> dict:
    rule: dict = {"name": name}
    if template:
        rule["use_template"] = template
    rule.update(RULE_TEXT[name])
    rule.update(fields)
    return rule


def parameter_rules(model: Mapping) -> list[dict]:
    """Build a parameter rule for each parameter in the model's `supported_parameters`.

    max_tokens and fallback_models are the exceptions: every model gets both.
    """
    supported = _require_str_list(model, "supported_parameters")
    recommended = model.get("default_parameters")
    if not isinstance(recommended, Mapping):
        recommended = {}
    rules = []

    for name, sampling in _SAMPLING_RULES.items():
        if name in supported:
            rules.append(_rule(
                name, sampling.template, type=sampling.type, required=False,
                default=_sampling_default(name, sampling, recommended),
                min=sampling.min, max=sampling.max, precision=sampling.precision,
            ))

    # OpenRouter accepts max_tokens for every chat model, so the rule is there even when a
    # model's supported_parameters leaves it out.
    max_tokens = max_output_tokens(model)
    rules.append(_rule(
        "max_tokens", "max_tokens", type="int", required=False,
        default=min(DEFAULT_MAX_TOKENS, max_tokens), min=1, max=max_tokens, precision=0,
    ))

    if "seed" in supported:
        rules.append(_rule("seed", type="int", required=False))

    if any(name in supported for name in _STRUCTURED_OUTPUT_PARAMETERS):
        # Not the SDK's response_format template: its JSON and XML values make the SDK wrap the
        # prompt in a code-block instruction instead of sending OpenRouter's response_format.
        formats = ["text", "json_object"]
        if "structured_outputs" in supported:
            formats.append("json_schema")
        rules.append(_rule("response_format", type="string", required=False, options=formats))
        rules.append(_rule("json_schema", "json_schema", type="text", required=False))

    if any(name in supported for name in _REASONING_PARAMETERS):
        efforts = list(REASONING_EFFORTS)
        rules.append(_rule("reasoning_effort", type="string", required=False, options=efforts))
        rules.append(_rule("hide_reasoning", type="boolean", required=False, default=False))

    rules.append(_rule("fallback_models", type="text", required=False))
    return rules


def model_label(model: Mapping) -> str:
    """Return the model's `name` with runs of whitespace collapsed (some names contain two spaces)."""
    name = _require(model, "name")
    if not isinstance(name, str) or not name.strip():
        raise CatalogError(f"model {model.get('id')!r}: field 'name' must be a non-empty string")
    return " ".join(name.split())


def model_entity(model: Mapping, fetch_from: str = "predefined-model") -> dict:
    """Build the AIModelEntity dict of one free models-list entry.

    Raises CatalogError when a field is missing or malformed, and when a price is not zero,
    because the entity always declares zero pricing.
    """
    model_id = _require(model, "id")
    if not isinstance(model_id, str):
        raise CatalogError(f"model id must be a string, got {model_id!r}")
    prices = (_require(model, "pricing.prompt"), _require(model, "pricing.completion"))
    if any(_price(price) != 0 for price in prices):
        raise CatalogError(f"model {model_id!r} is not free: prompt and completion prices are {prices!r}")

    supported = _require_str_list(model, "supported_parameters")
    input_modalities = _require_str_list(model, "architecture.input_modalities")
    context_size = _require_positive_int(model, "context_length")

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
    if not isinstance(models_list, Mapping) or not isinstance(models_list.get("data"), list):
        raise CatalogError("the models list must be a JSON object with a 'data' list")

    free = []
    for index, model in enumerate(models_list["data"]):
        if not isinstance(model, Mapping) or not isinstance(model.get("id"), str):
            raise CatalogError(f"entry {index} of 'data' is not a model object with a string 'id'")
        if not model["id"].endswith(FREE_SUFFIX):
            continue

        # A `:free` id whose prices cannot be read is an error, not a paid model to skip.
        for path in ("pricing.prompt", "pricing.completion"):
            if _price(_require(model, path)) is None:
                raise CatalogError(f"model {model['id']!r}: field {path!r} is not a number")
        if is_free_variant(model):
            free.append(model)
    return free


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


# --- embedding models: entries of `GET /api/v1/embeddings/models` ------------------------------

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
    return isinstance(pricing, Mapping) and _price(pricing.get("prompt")) == 0


def free_embedding_variants(models_list: object) -> list[Mapping]:
    """Return the free variants of a decoded `GET /api/v1/embeddings/models` body, in source order."""
    if not isinstance(models_list, Mapping) or not isinstance(models_list.get("data"), list):
        raise CatalogError("the embedding models list must be a JSON object with a 'data' list")

    free = []
    for index, model in enumerate(models_list["data"]):
        if not isinstance(model, Mapping) or not isinstance(model.get("id"), str):
            raise CatalogError(f"entry {index} of 'data' is not a model object with a string 'id'")
        if not model["id"].endswith(FREE_SUFFIX):
            continue

        # A `:free` id whose price cannot be read is an error, not a paid model to skip.
        if _price(_require(model, "pricing.prompt")) is None:
            raise CatalogError(f"model {model['id']!r}: field 'pricing.prompt' is not a number")
        if is_free_embedding_variant(model):
            free.append(model)
    return free


def embedding_pricing(model: Mapping) -> dict:
    """Return Dify's pricing of an embedding model from its prompt price in USD per token.

    Raises CatalogError when the price is missing, not a number or negative (routers list -1).
    """
    price = _price(_require(model, "pricing.prompt"))
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
    model_id = _require(model, "id")
    if not isinstance(model_id, str):
        raise CatalogError(f"model id must be a string, got {model_id!r}")

    return {
        "model": model_id,
        "label": {"en_US": model_label(model)},
        "model_type": "text-embedding",
        "fetch_from": fetch_from,
        "model_properties": {
            "context_size": _require_positive_int(model, "context_length"),
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
