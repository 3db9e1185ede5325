"""Label and help text of every parameter rule, in English and Simplified Chinese."""

from __future__ import annotations


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
