"""Plan and write the catalog of one model type: the models added, changed and retired.

A plan reads the catalog directory, builds every entity and validates it with the SDK's
AIModelEntity before anything is written. Writing then changes only the files whose text differs.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from dify_plugin.entities.model import AIModelEntity
from pydantic import ValidationError

from openrouter.catalog import CatalogError, file_name, free_variants, model_entity
from openrouter.embedding_catalog import embedding_entity, free_embedding_variants
from tools.catalog_files import (
    ENTITY_KEYS,
    POSITION_FILE,
    check_file_names,
    dump_yaml,
    embedding_catalog_header,
    llm_catalog_header,
    ordered_entity,
    read_catalog,
    write_if_changed,
)


@dataclass
class CatalogUpdate:
    """Model ids that one run added, changed, retired or left alone, each list sorted by id."""

    added: list[str] = field(default_factory=list)
    # Subset of `added`: models that were retired and are free again, so they lose `deprecated`.
    returned: list[str] = field(default_factory=list)
    # Id -> one phrase per changed field, as `describe_changes` returns them.
    changed: dict[str, list[str]] = field(default_factory=dict)
    retired: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # Ids in _position.yaml: every free model in the list.
    current: list[str] = field(default_factory=list)
    newest_created: str = "unknown"


def newest_created_date(models_list: dict) -> str:
    """Return the UTC date (YYYY-MM-DD) of the newest `created` in the list, or 'unknown'."""
    timestamps = [
        model["created"] for model in models_list.get("data", [])
        if isinstance(model, dict) and isinstance(model.get("created"), (int, float))
    ]
    if not timestamps:
        return "unknown"
    return datetime.fromtimestamp(max(timestamps), tz=timezone.utc).date().isoformat()


def _validate(entity: dict) -> None:
    try:
        AIModelEntity(**copy.deepcopy(entity))
    except (ValidationError, TypeError, ValueError) as exc:
        raise CatalogError(f"entry for {entity.get('model')!r} is not a valid AIModelEntity: {exc}") from None


def describe_changes(old: dict, new: dict) -> list[str]:
    """List what differs between two entities, one short phrase per field or parameter rule."""
    changes = []
    for key in ENTITY_KEYS:
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if key == "features":
            before, after = before or [], after or []
            changes += [f"feature +{name}" for name in after if name not in before]
            changes += [f"feature -{name}" for name in before if name not in after]
        elif key == "model_properties":
            for prop in sorted(set(before or {}) | set(after or {})):
                if (before or {}).get(prop) != (after or {}).get(prop):
                    changes.append(f"{prop} {(before or {}).get(prop)} -> {(after or {}).get(prop)}")
        elif key == "parameter_rules":
            changes += _describe_rule_changes(before or [], after or [])
        else:
            changes.append(_describe_value_change(key, before, after))
    return changes


def _describe_value_change(name: str, before: object, after: object) -> str:
    """Show both values when they are short, else only the name (help texts, for example)."""
    if len(repr(before)) + len(repr(after)) > 80:
        return f"{name} changed"
    return f"{name} {before!r} -> {after!r}"


def _describe_rule_changes(before: list[dict], after: list[dict]) -> list[str]:
    old_rules = {rule.get("name"): rule for rule in before}
    new_rules = {rule.get("name"): rule for rule in after}
    changes = [f"rule +{name}" for name in new_rules if name not in old_rules]
    changes += [f"rule -{name}" for name in old_rules if name not in new_rules]
    for name, rule in new_rules.items():
        old_rule = old_rules.get(name)
        if old_rule is None or old_rule == rule:
            continue
        for key in sorted(set(old_rule) | set(rule)):
            if old_rule.get(key) != rule.get(key):
                changes.append(_describe_value_change(f"{name}.{key}", old_rule.get(key), rule.get(key)))
    if not changes:
        changes.append("rule order")
    return changes


@dataclass
class CatalogPlan:
    """The files one catalog directory should contain after a run, built and validated, not yet written."""

    out_dir: Path
    update: CatalogUpdate
    # Model id -> entity, for every file: current models and retired ones.
    files: dict[str, dict]
    header: str


def _entities_by_id(free_models: list, build_entity) -> dict[str, dict]:
    entities: dict[str, dict] = {}
    for model in free_models:
        if model["id"] in entities:
            raise CatalogError(f"model {model['id']!r} appears twice in the models list")
        entities[model["id"]] = build_entity(model)
    return entities


def plan_catalog(entities: dict[str, dict], models_list: dict, out_dir: Path, header_for) -> CatalogPlan:
    """Compare the entities of the free models with the catalog in out_dir and plan the new files.

    Raises CatalogError, before anything is written, for a catalog file that cannot be read or an
    entity that the SDK rejects. `header_for` turns the newest creation date into the file header.
    """
    catalog = read_catalog(out_dir) if out_dir.is_dir() else {}
    check_file_names(set(entities) | set(catalog))

    update = CatalogUpdate(newest_created=newest_created_date(models_list))
    files: dict[str, dict] = {}
    for model_id, entity in entities.items():
        old = catalog.get(model_id, (None, None))[1]
        if old is None:
            update.added.append(model_id)
        elif old.get("deprecated"):
            update.added.append(model_id)
            update.returned.append(model_id)
        elif changes := describe_changes(old, entity):
            update.changed[model_id] = changes
        else:
            update.unchanged.append(model_id)
        files[model_id] = entity

    for model_id, (_, old) in catalog.items():
        if model_id in entities:
            continue
        if not old.get("deprecated"):
            update.retired.append(model_id)
        files[model_id] = ordered_entity({**old, "deprecated": True})

    for entity in files.values():
        _validate(entity)

    # Position order: by id, which groups models by provider and does not move when OpenRouter
    # reorders its list.
    update.current = sorted(entities)
    for ids in (update.added, update.returned, update.retired, update.unchanged):
        ids.sort()
    update.changed = dict(sorted(update.changed.items()))
    return CatalogPlan(out_dir, update, files, header_for(update.newest_created))


def write_catalog(plan: CatalogPlan) -> None:
    """Write _position.yaml and every planned file whose text differs from the one on disk."""
    try:
        plan.out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CatalogError(f"cannot create {plan.out_dir}: {exc.strerror or exc}") from None
    write_if_changed(plan.out_dir / POSITION_FILE, dump_yaml(plan.update.current, plan.header))
    for model_id, entity in plan.files.items():
        write_if_changed(plan.out_dir / file_name(model_id), dump_yaml(entity, plan.header))


def plan_llm_catalog(models_list: object, out_dir: Path) -> CatalogPlan:
    """Plan the LLM catalog from a decoded `GET /api/v1/models` body."""
    entities = _entities_by_id(free_variants(models_list), model_entity)
    return plan_catalog(entities, models_list, out_dir, llm_catalog_header)


def plan_embedding_catalog(models_list: object, out_dir: Path) -> CatalogPlan:
    """Plan the text-embedding catalog from a decoded `GET /api/v1/embeddings/models` body."""
    entities = _entities_by_id(free_embedding_variants(models_list), embedding_entity)
    return plan_catalog(entities, models_list, out_dir, embedding_catalog_header)


def update_catalog(models_list: object, out_dir: Path) -> CatalogUpdate:
    """Rewrite the LLM catalog in out_dir to match a decoded models list and return what changed.

    Every file is built and validated before the first one is written, so a CatalogError caused
    by the input leaves every file in out_dir as it was.
    """
    plan = plan_llm_catalog(models_list, out_dir)
    write_catalog(plan)
    return plan.update


def update_embedding_catalog(models_list: object, out_dir: Path) -> CatalogUpdate:
    """Rewrite the text-embedding catalog in out_dir to match a decoded embedding models list."""
    plan = plan_embedding_catalog(models_list, out_dir)
    write_catalog(plan)
    return plan.update
