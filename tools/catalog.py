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
import sys
from pathlib import Path

from openrouter.catalog import CatalogError
from tools.catalog_update import (
    POSITION_FILE,
    CatalogUpdate,
    plan_embedding_catalog,
    plan_llm_catalog,
    write_catalog,
)
from tools.model_lists import read_source

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT_DIR = PROJECT_ROOT / "models" / "llm"
# The text-embedding catalog is written beside the LLM catalog unless --embeddings-out-dir is given.
EMBEDDINGS_DIR_NAME = "text_embedding"


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
