"""Offline token estimates, for counts Dify requests before sending and for responses without usage.

The SDK's default counter loads the GPT-2 tokenizer files from the internet on first use,
which fails in an air-gapped Dify. OpenRouter's free models use many different tokenizers
anyway, so an estimate is as good as any single tokenizer: about 4 characters per token for
Latin text and 1 token per CJK character. The real counts come from the response's usage.
"""

from __future__ import annotations

from collections.abc import Iterable

CHARACTERS_PER_TOKEN = 4
# Per-message overhead (role and separators) in OpenAI-style chat formats.
TOKENS_PER_MESSAGE = 4


def _is_wide(character: str) -> bool:
    code = ord(character)
    return (
        0x3000 <= code <= 0x9FFF  # CJK punctuation, kana, unified ideographs
        or 0xAC00 <= code <= 0xD7AF  # Hangul syllables
        or 0xF900 <= code <= 0xFAFF  # CJK compatibility ideographs
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x20000 <= code <= 0x2FFFF  # CJK extensions
    )


def estimate_text_tokens(text: str) -> int:
    """Estimate the tokens of `text`: wide (CJK) characters count one each, the rest a quarter."""
    if not text:
        return 0
    wide = sum(1 for character in text if ord(character) >= 0x3000 and _is_wide(character))
    narrow = len(text) - wide
    return wide + -(-narrow // CHARACTERS_PER_TOKEN)


def estimate_messages_tokens(texts: Iterable[str]) -> int:
    """Estimate the prompt tokens of chat messages given as their text contents."""
    total = 0
    for text in texts:
        total += TOKENS_PER_MESSAGE + estimate_text_tokens(text)
    return total
