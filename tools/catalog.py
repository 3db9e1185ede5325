"""Regenerate the predefined models (models/llm and models/text_embedding) from OpenRouter's model lists.

    python -m tools.catalog SOURCE [--embeddings SOURCE2] [--out-dir DIR] [--embeddings-out-dir DIR2]

SOURCE is a saved `GET /api/v1/models` response or an http(s) URL of that endpoint. A URL is
fetched page by page while the response's `links.next` is set. Every free variant in the list
gets a YAML file. A catalog file whose model has left the list stays, marked `deprecated: true`,
and leaves _position.yaml. The command prints the ids it added, changed and retired, and exits
with status 1 and a one-line error for input it cannot use.

SOURCE2, a `GET /api/v1/embeddings/models` response or URL, gets the same treatment for the
text-embedding catalog, because `/models` lists no embedding models. Both lists are read and
checked before either catalog is written.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin

# dify_plugin patches the standard library with gevent on import. It stays above requests, which
# imports ssl, because gevent warns when ssl was imported before the patch.
from dify_plugin.entities.model import AIModelEntity
from pydantic import ValidationError
import requests
import yaml

from openrouter.catalog import (
    CatalogError,
    embedding_entity,
    file_name,
    free_embedding_variants,
    free_variants,
    model_entity,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT_DIR = PROJECT_ROOT / "models" / "llm"
# The text-embedding catalog is written beside the LLM catalog unless --embeddings-out-dir is given.
EMBEDDINGS_DIR_NAME = "text_embedding"
POSITION_FILE = "_position.yaml"
FETCH_TIMEOUT_S = 30
MAX_PAGES = 100

# Key order of every catalog file. Only retired models have the `deprecated` key.
ENTITY_KEYS = (
    "model", "label", "model_type", "features", "fetch_from", "model_properties",
    "deprecated", "parameter_rules", "pricing",
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


def _fetch_page(session: requests.Session, url: str) -> object:
    try:
        response = session.get(url, timeout=FETCH_TIMEOUT_S, headers={"Accept": "application/json"})
    except requests.RequestException as exc:
        raise CatalogError(f"fetching {url} failed: {exc}") from None
    if response.status_code != 200:
        raise CatalogError(f"fetching {url} failed with HTTP {response.status_code}: {response.text[:200]}")
    try:
        return response.json()
    except ValueError:
        raise CatalogError(f"{url} did not return JSON: {response.text[:200]!r}") from None


def _next_page_url(page: dict, current_url: str) -> str | None:
    links = page.get("links")
    next_link = links.get("next") if isinstance(links, dict) else None
    if next_link in (None, ""):
        return None
    if not isinstance(next_link, str):
        raise CatalogError(f"{current_url}: links.next must be a URL string, got {next_link!r}")
    return urljoin(current_url, next_link)


def fetch_models_list(url: str, session: requests.Session | None = None) -> dict:
    """Fetch every page of a models list and return one body with all pages' `data` joined."""
    session = session or requests.Session()
    models: list = []
    total_count = None
    fetched: set[str] = set()
    page_url: str | None = url

    while page_url:
        if page_url in fetched:
            raise CatalogError(f"links.next points back to {page_url}, which was already fetched")
        if len(fetched) == MAX_PAGES:
            raise CatalogError(f"{url} still has a links.next after {MAX_PAGES} pages")
        fetched.add(page_url)

        page = _fetch_page(session, page_url)
        if not isinstance(page, dict) or not isinstance(page.get("data"), list):
            raise CatalogError(f"{page_url} did not return a JSON object with a 'data' list")
        models.extend(page["data"])
        total_count = page.get("total_count", total_count)
        page_url = _next_page_url(page, page_url)

    models_list: dict = {"data": models}
    if total_count is not None:
        models_list["total_count"] = total_count
    return models_list


def read_models_file(path: Path) -> dict:
    """Read a saved models list. A saved page that has a links.next is rejected as incomplete."""
    try:
        models_list = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogError(f"{path} is not a JSON file: {exc}") from None

    if isinstance(models_list, dict) and _next_page_url(models_list, str(path)):
        raise CatalogError(
            f"{path} is one page of a paginated models list (links.next is set); "
            "pass the API URL instead so that every page is read"
        )
    return models_list


def read_source(source: str) -> dict:
    if source.startswith(("http://", "https://")):
        return fetch_models_list(source)
    return read_models_file(Path(source))


def newest_created_date(models_list: dict) -> str:
    """Return the UTC date (YYYY-MM-DD) of the newest `created` in the list, or 'unknown'."""
    timestamps = [
        model["created"] for model in models_list.get("data", [])
        if isinstance(model, dict) and isinstance(model.get("created"), (int, float))
    ]
    if not timestamps:
        return "unknown"
    return datetime.fromtimestamp(max(timestamps), tz=timezone.utc).date().isoformat()


def _header(newest_created: str) -> str:
    return (
        "# Generated by `make catalog SOURCE=...` (python -m tools.catalog) from OpenRouter's models\n"
        f"# list whose newest model was created on {newest_created}. Rerun the command instead of editing.\n"
    )


def _embeddings_header(newest_created: str) -> str:
    return (
        "# Generated by `make catalog SOURCE=... EMBEDDINGS_SOURCE=...` (python -m tools.catalog) from\n"
        f"# OpenRouter's embedding models list whose newest model was created on {newest_created}. Rerun the\n"
        "# command instead of editing.\n"
    )


def _dump(data: object, header: str) -> str:
    # A wide line limit keeps each help text on one line, which is easier to diff and read.
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=4096)
    return header + body


def read_catalog(out_dir: Path) -> dict[str, tuple[Path, dict]]:
    """Read the catalog files in out_dir, keyed by model id (every *.yaml but _position.yaml)."""
    catalog: dict[str, tuple[Path, dict]] = {}

    for path in sorted(out_dir.glob("*.yaml")):
        if path.name == POSITION_FILE:
            continue
        try:
            entity = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise CatalogError(f"cannot read catalog file {path}: {exc}") from None
        if not isinstance(entity, dict) or not isinstance(entity.get("model"), str):
            raise CatalogError(f"catalog file {path} has no 'model' id. Fix it or move it out of {out_dir}")

        model_id = entity["model"]
        if model_id in catalog:
            raise CatalogError(f"{path} and {catalog[model_id][0]} both describe {model_id!r}. Delete one")
        if path.name != file_name(model_id):
            raise CatalogError(f"{path} describes {model_id!r}. Rename it to {file_name(model_id)}")
        catalog[model_id] = (path, entity)
    return catalog


def _check_file_names(model_ids: set[str]) -> None:
    """Raise CatalogError when two ids map to the same file name, ignoring case as macOS and Windows do."""
    owners: dict[str, str] = {}
    for model_id in sorted(model_ids):
        name = file_name(model_id).lower()
        if name in owners:
            raise CatalogError(
                f"model ids {owners[name]!r} and {model_id!r} both map to file {name}. "
                "Extend openrouter.catalog.file_name so that they differ"
            )
        owners[name] = model_id


def _ordered(entity: dict) -> dict:
    extra = [key for key in entity if key not in ENTITY_KEYS]
    return {key: entity[key] for key in (*ENTITY_KEYS, *extra) if key in entity}


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
    _check_file_names(set(entities) | set(catalog))

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
        files[model_id] = _ordered({**old, "deprecated": True})

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
    _write_if_changed(plan.out_dir / POSITION_FILE, _dump(plan.update.current, plan.header))
    for model_id, entity in plan.files.items():
        _write_if_changed(plan.out_dir / file_name(model_id), _dump(entity, plan.header))


def plan_llm_catalog(models_list: object, out_dir: Path) -> CatalogPlan:
    """Plan the LLM catalog from a decoded `GET /api/v1/models` body."""
    entities = _entities_by_id(free_variants(models_list), model_entity)
    return plan_catalog(entities, models_list, out_dir, _header)


def plan_embedding_catalog(models_list: object, out_dir: Path) -> CatalogPlan:
    """Plan the text-embedding catalog from a decoded `GET /api/v1/embeddings/models` body."""
    entities = _entities_by_id(free_embedding_variants(models_list), embedding_entity)
    return plan_catalog(entities, models_list, out_dir, _embeddings_header)


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


def _write_if_changed(path: Path, text: str) -> None:
    try:
        if path.exists() and path.read_text(encoding="utf-8") == text:
            return
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CatalogError(
            f"cannot write {path}: {exc.strerror or exc}. Files written before it are already updated"
        ) from None


def print_report(update: CatalogUpdate, out_dir: Path, kind: str = "free models") -> None:
    print(f"{len(update.current)} {kind}. The newest model in the list was created on {update.newest_created}.")
    if update.added:
        print(f"Added {len(update.added)}:")
        for model_id in update.added:
            note = " (back from retirement, deprecated flag removed)" if model_id in update.returned else ""
            print(f"  + {model_id}{note}")
    if update.changed:
        print(f"Changed {len(update.changed)}:")
        for model_id, changes in update.changed.items():
            print(f"  ~ {model_id}: {', '.join(changes)}")
    if update.retired:
        print(f"Retired {len(update.retired)} (kept with deprecated: true, removed from {POSITION_FILE}):")
        for model_id in update.retired:
            print(f"  - {model_id}")
    print(f"Unchanged {len(update.unchanged)}. Catalog written to {out_dir}.")


def _warn_total_count(models_list: dict, source: str) -> None:
    data = models_list["data"]
    total_count = models_list.get("total_count")
    if isinstance(total_count, int) and total_count != len(data):
        # NOTE: total_count is new in 2026 and its exact meaning is undocumented, so a mismatch
        # is reported but does not stop the run.
        print(f"catalog: warning: {source} has {len(data)} models but total_count is {total_count}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.catalog", description=__doc__.split("\n")[0])
    parser.add_argument("source", help="GET /api/v1/models response: a JSON file or an http(s) URL")
    parser.add_argument(
        "--embeddings", metavar="SOURCE2",
        help="GET /api/v1/embeddings/models response: a JSON file or an http(s) URL",
    )
    parser.add_argument(
        "--out-dir", type=Path, default=DEFAULT_OUT_DIR,
        help=f"directory of the LLM catalog (default: {DEFAULT_OUT_DIR.relative_to(PROJECT_ROOT)})",
    )
    parser.add_argument(
        "--embeddings-out-dir", type=Path, metavar="DIR2",
        help=f"directory of the text-embedding catalog (default: {EMBEDDINGS_DIR_NAME}/ beside the LLM catalog)",
    )
    args = parser.parse_args(argv)
    embeddings_out_dir = args.embeddings_out_dir or args.out_dir.parent / EMBEDDINGS_DIR_NAME

    try:
        models_list = read_source(args.source)
        embeddings_list = read_source(args.embeddings) if args.embeddings else None
        llm_plan = plan_llm_catalog(models_list, args.out_dir)
        embeddings_plan = None
        if embeddings_list is not None:
            embeddings_plan = plan_embedding_catalog(embeddings_list, embeddings_out_dir)
        write_catalog(llm_plan)
        if embeddings_plan is not None:
            write_catalog(embeddings_plan)
    except CatalogError as exc:
        print(f"catalog: error: {exc}", file=sys.stderr)
        return 1

    _warn_total_count(models_list, "the list")
    print_report(llm_plan.update, args.out_dir)
    if embeddings_plan is not None:
        _warn_total_count(embeddings_list, "the embedding models list")
        print_report(embeddings_plan.update, embeddings_out_dir, "free embedding models")
    return 0


if __name__ == "__main__":
    sys.exit(main())
