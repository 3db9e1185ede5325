"""Complete a failure with what the plugin can look up before the user reads it.

A spent day gets the day's used / limit counts from `GET /key`, and a free variant that
OpenRouter no longer serves gets current free alternatives from the cached models list. Both
look-ups happen only on these failures, never for a request that succeeds.
"""

from __future__ import annotations

import dataclasses

from openrouter.budget import is_free_model
from openrouter.failures import FailureKind, to_dify_error
from openrouter.key_status import daily_quota_facts
from openrouter.model_lookup import free_alternatives
from openrouter.settings import Settings

ALTERNATIVE_KINDS = frozenset({FailureKind.FREE_VARIANT_ENDED, FailureKind.FREE_MODEL_DEPRECATED, FailureKind.NO_ENDPOINTS})


def with_known_facts(error: Exception, settings: Settings, model: str) -> Exception:
    """Return `error`, re-rendered with looked-up facts when its failure calls for them."""
    failure = getattr(error, "failure", None)
    if failure is None:
        return error

    if failure.kind is FailureKind.DAILY_QUOTA:
        counts = daily_quota_facts(settings)
        if "used" not in counts:
            return error
        failure = dataclasses.replace(failure, facts={**failure.facts, "used": counts["used"]}, limit=failure.limit or counts.get("limit"))
    elif failure.kind in ALTERNATIVE_KINDS and is_free_model(model):
        alternatives = free_alternatives(settings, model)
        if not alternatives:
            return error
        failure = dataclasses.replace(failure, facts={**failure.facts, "alternatives": alternatives})
    else:
        return error

    completed = to_dify_error(failure, settings.language)
    completed.text_sent = getattr(error, "text_sent", False)
    return completed
