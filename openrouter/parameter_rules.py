"""Build the Dify parameter rules of a chat model from its entry in OpenRouter's models list.

Each parameter in the entry's `supported_parameters` gets a rule, with the model's recommended
value as the default where it is in range. The module is pure and uses only the standard library.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from openrouter.catalog_fields import max_output_tokens, require_str_list
from openrouter.rule_text import RULE_TEXT

# Default of the max_tokens rule, lowered to the model's own output limit when that is smaller.
DEFAULT_MAX_TOKENS = 4096

# Models-API parameters that turn on structured output and reasoning. Each adds a Dify feature in
# openrouter.catalog.model_features and its parameter rules here.
STRUCTURED_OUTPUT_PARAMETERS = ("response_format", "structured_outputs")
REASONING_PARAMETERS = ("reasoning", "include_reasoning")
REASONING_EFFORTS = ("minimal", "low", "medium", "high")


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
    supported = require_str_list(model, "supported_parameters")
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

    if any(name in supported for name in STRUCTURED_OUTPUT_PARAMETERS):
        # Not the SDK's response_format template: its JSON and XML values make the SDK wrap the
        # prompt in a code-block instruction instead of sending OpenRouter's response_format.
        formats = ["text", "json_object"]
        if "structured_outputs" in supported:
            formats.append("json_schema")
        rules.append(_rule("response_format", type="string", required=False, options=formats))
        rules.append(_rule("json_schema", "json_schema", type="text", required=False))

    if any(name in supported for name in REASONING_PARAMETERS):
        efforts = list(REASONING_EFFORTS)
        rules.append(_rule("reasoning_effort", type="string", required=False, options=efforts))
        rules.append(_rule("hide_reasoning", type="boolean", required=False, default=False))

    rules.append(_rule("fallback_models", type="text", required=False))
    return rules
