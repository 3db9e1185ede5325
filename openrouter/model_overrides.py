"""Read the override fields of the model form and write them into a models-API entry.

A user who adds a model by id can replace OpenRouter's context size, maximum output and feature
support with their own values. Each field left empty, or set to Auto, keeps OpenRouter's value.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass

# Models-API parameters that turn on each feature of the catalogue (see openrouter.catalog).
_FEATURE_PARAMETERS = {
    "tool_call": ("tools", "tool_choice"),
    "reasoning": ("reasoning", "include_reasoning"),
    "structured_output": ("response_format", "structured_outputs"),
}

# The values that the select fields of the model form offer. "auto" keeps OpenRouter's data.
_SWITCH_VALUES = {"auto": None, "yes": True, "no": False}

# Model-form fields that override the data from OpenRouter, by attribute of ModelOverrides.
OVERRIDE_FIELDS = {
    "context_size": "context_size",
    "max_output_tokens": "max_output_tokens",
    "vision": "vision_support",
    "tool_call": "tool_call_support",
    "reasoning": "reasoning_support",
    "structured_output": "structured_output_support",
}

_COUNT_OVERRIDES = ("context_size", "max_output_tokens")

_FIELD_NAMES = {
    "context_size": {"en_US": "Context size", "zh_Hans": "上下文长度"},
    "max_output_tokens": {"en_US": "Max output tokens", "zh_Hans": "最大输出 token 数"},
    "vision": {"en_US": "Vision (image input)", "zh_Hans": "视觉（图片输入）"},
    "tool_call": {"en_US": "Tool calling", "zh_Hans": "工具调用"},
    "reasoning": {"en_US": "Reasoning", "zh_Hans": "推理（思考）"},
    "structured_output": {"en_US": "Structured output", "zh_Hans": "结构化输出"},
}

OVERRIDE_MESSAGES = {
    "count_invalid": {
        "en_US": "{field} \"{value}\" is not a whole number of tokens greater than 0. Leave it empty to use the value from OpenRouter.",
        "zh_Hans": "{field}“{value}”不是大于 0 的整数（单位：token）。留空则使用 OpenRouter 提供的值。",
    },
    "switch_invalid": {
        "en_US": "{field} \"{value}\" is not one of auto, yes or no. Choose Auto to use the value from OpenRouter.",
        "zh_Hans": "{field}的取值“{value}”无效，只能是 auto、yes 或 no。选择“自动”即可使用 OpenRouter 提供的值。",
    },
}


class OverrideError(ValueError):
    """A model-form override with an invalid value. `name` is the ModelOverrides attribute."""

    def __init__(self, name: str, value: object) -> None:
        super().__init__(name)
        self.name = name
        self.value = str(value)[:100]

    def render(self, language: str) -> str:
        code = "count_invalid" if self.name in _COUNT_OVERRIDES else "switch_invalid"
        field_names = _FIELD_NAMES[self.name]
        templates = OVERRIDE_MESSAGES[code]
        field = field_names.get(language, field_names["en_US"])
        return templates.get(language, templates["en_US"]).format(field=field, value=self.value)


@dataclass(frozen=True)
class ModelOverrides:
    """Values from the model form that replace OpenRouter's data. None keeps OpenRouter's value."""

    context_size: int | None = None
    max_output_tokens: int | None = None
    vision: bool | None = None
    tool_call: bool | None = None
    reasoning: bool | None = None
    structured_output: bool | None = None


def _parse_override(name: str, raw: object) -> int | bool | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if name in _COUNT_OVERRIDES:
        text = str(raw).strip().replace(",", "").replace("_", "")
        if isinstance(raw, bool) or not text.isdigit() or int(text) <= 0:
            raise OverrideError(name, raw)
        return int(text)
    if isinstance(raw, bool):
        return raw
    value = str(raw).strip().lower()
    if value not in _SWITCH_VALUES:
        raise OverrideError(name, raw)
    return _SWITCH_VALUES[value]


def read_overrides(credentials: Mapping, *, strict: bool = True) -> ModelOverrides:
    """Read the override fields of the model form.

    With strict=True an invalid value raises OverrideError. Otherwise it is ignored, as if left
    empty, because schema building must not fail and validation has already rejected it.
    """
    values = {}
    for name, variable in OVERRIDE_FIELDS.items():
        try:
            values[name] = _parse_override(name, credentials.get(variable))
        except OverrideError:
            if strict:
                raise
            values[name] = None
    return ModelOverrides(**values)


def apply_overrides(entry: Mapping, overrides: ModelOverrides) -> dict:
    """Return a copy of a models-API entry with the overrides written into its fields."""
    changed = copy.deepcopy(dict(entry))
    top_provider = changed.get("top_provider")
    top_provider = dict(top_provider) if isinstance(top_provider, Mapping) else {}
    looked_up_max_output = top_provider.get("max_completion_tokens")

    if overrides.context_size is not None:
        changed["context_length"] = overrides.context_size
        # A smaller context set by the user also bounds the output that OpenRouter's data allows.
        if isinstance(looked_up_max_output, int) and looked_up_max_output > overrides.context_size:
            top_provider["max_completion_tokens"] = overrides.context_size
    if overrides.max_output_tokens is not None:
        top_provider["max_completion_tokens"] = overrides.max_output_tokens
    if top_provider or "top_provider" in changed:
        changed["top_provider"] = top_provider

    supported = list(changed.get("supported_parameters") or [])
    for name, parameters in _FEATURE_PARAMETERS.items():
        switch = getattr(overrides, name)
        if switch is True:
            supported += [parameter for parameter in parameters if parameter not in supported]
        elif switch is False:
            supported = [parameter for parameter in supported if parameter not in parameters]
    changed["supported_parameters"] = supported

    if overrides.vision is not None:
        architecture = dict(changed.get("architecture") or {})
        modalities = [modality for modality in architecture.get("input_modalities") or ["text"] if modality != "image"]
        architecture["input_modalities"] = modalities + ["image"] if overrides.vision else modalities
        changed["architecture"] = architecture
    return changed
