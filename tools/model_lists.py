"""Read a saved OpenRouter models list, or fetch every page of one from the API.

It serves both `GET /api/v1/models` and `GET /api/v1/embeddings/models`.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urljoin

# dify_plugin patches the standard library with gevent on import. It stays above requests, which
# imports ssl, because gevent warns when ssl was imported before the patch.
import dify_plugin  # noqa: F401
import requests

from openrouter.catalog import CatalogError

FETCH_TIMEOUT_S = 30
MAX_PAGES = 100


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
