"""Check a plugin directory the way Dify's plugin runtime and the Dify Marketplace do.

check_tree loads the manifest, the provider YAMLs and every model YAML through the dify_plugin
entities that the plugin process uses at start-up, and checks that every file those YAMLs name is
present. check_plugin_loads loads the plugin with the SDK's plugin registration in a child process,
which also imports the provider and model classes.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pydantic
import yaml
from dify_plugin.core.entities.plugin.setup import PluginConfiguration
from dify_plugin.entities.model import AIModelEntity
from dify_plugin.entities.model.provider import ModelProviderConfiguration

MANIFEST = "manifest.yaml"
ASSETS_DIR = "_assets"
PROVIDER_ICON_FIELDS = ("icon_small", "icon_large", "icon_small_dark", "icon_large_dark")

# The child process that loads the plugin runs with the package as its working directory, as the
# plugin daemon does. The SDK's registration reads the YAMLs, imports the classes and reads _assets/.
LOAD_PLUGIN_SCRIPT = (
    "from dify_plugin.config.config import DifyPluginEnv\n"
    "from dify_plugin.core.plugin_registration import PluginRegistration\n"
    "PluginRegistration(DifyPluginEnv())\n"
)
LOAD_TIMEOUT_S = 120

# The Marketplace rejects plugins whose author contains these words. Its check is case-sensitive,
# but this one is not, so "Dify" fails here too.
RESERVED_AUTHOR_WORDS = ("langgenius", "dify")


class TreeCheck:
    """Problems found in one plugin directory and the files its YAMLs declare."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[str] = []
        self.declared: set[str] = set()
        self.manifest: dict | None = None

    def require_file(self, relative: object, declared_by: str) -> bool:
        """Record `relative` as a declared path, and report a problem unless it is a file under the root."""
        if not isinstance(relative, str) or not relative:
            self.problems.append(f"{declared_by}: expected a file path, got {relative!r}")
            return False

        path = PurePosixPath(relative)
        if path.is_absolute() or ".." in path.parts:
            self.problems.append(f"{declared_by}: {relative} must be a relative path inside the plugin")
            return False

        self.declared.add(path.as_posix())
        if not (self.root / path).is_file():
            self.problems.append(f"{declared_by} names {path.as_posix()}, which is missing")
            return False
        return True

    def require_root_file(self, name: str, reason: str) -> bool:
        self.declared.add(name)
        if not (self.root / name).is_file():
            self.problems.append(f"{name} is missing from the plugin root; {reason}")
            return False
        return True

    def load_mapping(self, relative: str) -> dict | None:
        try:
            data = yaml.safe_load((self.root / relative).read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            self.problems.append(f"{relative}: invalid YAML: {one_line(error)}")
            return None
        if not isinstance(data, dict):
            kind = type(data).__name__
            self.problems.append(f"{relative}: expected a YAML mapping at the top level, got {kind}")
            return None
        return data

    def validate(self, entity: type, data: dict, source: str) -> bool:
        """Construct `entity` from `data`, reporting each validation error against `source`."""
        try:
            with contextlib.chdir(self.root):
                entity(**data)
        except pydantic.ValidationError as error:
            for item in error.errors():
                location = ".".join(str(part) for part in item["loc"]) or "(top level)"
                self.problems.append(f"{source} rejected by {entity.__name__}: {location}: {item['msg']}")
            return False
        except (TypeError, ValueError, yaml.YAMLError) as error:
            self.problems.append(f"{source} rejected by {entity.__name__}: {one_line(error)}")
            return False
        return True


def one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


def nested(data: object, *keys: str) -> object:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def check_tree(root: Path) -> TreeCheck:
    """Check the plugin files under `root` the way the plugin runtime and the Marketplace do."""
    check = TreeCheck(root)
    if not check.require_root_file(MANIFEST, "Dify reads the plugin's metadata from it"):
        return check
    manifest = check.load_mapping(MANIFEST)
    if manifest is None:
        return check
    if check.validate(PluginConfiguration, manifest, MANIFEST):
        check.manifest = manifest

    author = manifest.get("author")
    for word in RESERVED_AUTHOR_WORDS:
        if isinstance(author, str) and word in author.lower():
            check.problems.append(
                f"{MANIFEST}: author {author!r} contains {word!r}, which the Dify Marketplace rejects; "
                "choose another author"
            )

    for field in ("icon", "icon_dark"):
        if manifest.get(field) is not None:
            check.require_file(f"{ASSETS_DIR}/{manifest[field]}", f"{MANIFEST} {field}")

    privacy = manifest.get("privacy")
    if not privacy:
        check.problems.append(f"{MANIFEST}: privacy is not set; the Dify Marketplace requires a privacy policy")
    elif not str(privacy).startswith(("https://", "http://")):
        check.require_file(privacy, f"{MANIFEST} privacy")

    entrypoint = nested(manifest, "meta", "runner", "entrypoint")
    if isinstance(entrypoint, str) and entrypoint:
        check.require_file(entrypoint.replace(".", "/") + ".py", f"{MANIFEST} meta.runner.entrypoint")
    check.require_root_file("requirements.txt", "the Python runner installs the dependencies from it")

    providers = nested(manifest, "plugins", "models")
    for provider_file in providers if isinstance(providers, list) else []:
        if check.require_file(provider_file, f"{MANIFEST} plugins.models"):
            check_provider(check, provider_file)
    return check


def check_provider(check: TreeCheck, provider_file: str) -> None:
    provider = check.load_mapping(provider_file)
    if provider is None:
        return

    for field in PROVIDER_ICON_FIELDS:
        icons = provider.get(field)
        for language, name in sorted(icons.items()) if isinstance(icons, dict) else []:
            check.require_file(f"{ASSETS_DIR}/{name}", f"{provider_file} {field}.{language}")

    python = nested(provider, "extra", "python")
    if isinstance(python, dict):
        if "provider_source" in python:
            check.require_file(python["provider_source"], f"{provider_file} extra.python.provider_source")
        model_sources = python.get("model_sources")
        for source in model_sources if isinstance(model_sources, list) else []:
            check.require_file(source, f"{provider_file} extra.python.model_sources")

    # The entity also loads every model YAML, but its error would not say which file failed. So
    # each model YAML is checked on its own first, and the provider without its models when any
    # of them fails.
    models_valid = check_model_yamls(check, provider_file, provider.get("models", {}))
    entity_data = provider if models_valid else {**provider, "models": {}}
    check.validate(ModelProviderConfiguration, entity_data, provider_file)


def check_model_yamls(check: TreeCheck, provider_file: str, models: object) -> bool:
    """Check every model YAML that the provider's predefined globs match; False if any fails."""
    if not isinstance(models, dict):
        check.problems.append(f"{provider_file}: models must map each model type to its predefined globs")
        return False

    all_valid = True
    for model_type, section in models.items():
        patterns = nested(section, "predefined")
        for pattern in patterns if isinstance(patterns, list) else []:
            where = f"{provider_file}: models.{model_type}.predefined {pattern!r}"
            # The SDK globs these patterns relative to the working directory, the plugin root.
            try:
                matches = sorted(path for path in check.root.glob(str(pattern)) if path.is_file())
            except ValueError as error:
                check.problems.append(f"{where}: {one_line(error)}")
                all_valid = False
                continue

            model_files = [path for path in matches if not path.name.endswith("_position.yaml")]
            # The catalogue command writes `[]` to _position.yaml when a model type has no free
            # variant. The SDK accepts such a glob and loads no model of that type.
            empty_catalog = any(
                path.name == "_position.yaml" and yaml.safe_load(path.read_text(encoding="utf-8")) == []
                for path in matches
            )
            if not model_files and not empty_catalog:
                check.problems.append(f"{where} matches no model YAML")
                all_valid = False

            for path in matches:
                relative = path.relative_to(check.root).as_posix()
                check.declared.add(relative)
                if path in model_files:
                    model = check.load_mapping(relative)
                    valid = model is not None and check.validate(AIModelEntity, model, relative)
                    all_valid = all_valid and valid
    return all_valid


def check_plugin_loads(root: Path) -> list[str]:
    """Load the plugin in `root` the way the plugin process does at start-up, in a child process.

    This imports the provider and model classes, so a module the package lacks is reported here.
    """
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    try:
        result = subprocess.run(
            [sys.executable, "-c", LOAD_PLUGIN_SCRIPT],
            cwd=root,
            env=environment,
            capture_output=True,
            text=True,
            timeout=LOAD_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        return [f"loading the plugin timed out after {LOAD_TIMEOUT_S} s"]
    if result.returncode == 0:
        return []

    error_lines = [line for line in result.stderr.splitlines() if line.strip()]
    last_line = error_lines[-1].strip() if error_lines else f"exit status {result.returncode}"
    return [f"the plugin failed to load with {sys.executable}: {last_line}"]
