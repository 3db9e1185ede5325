"""Tests for tools.package: the .difypkg built from this project, and the problems that stop a build."""

import contextlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from dify_plugin.core.entities.plugin.setup import PluginConfiguration
from dify_plugin.entities.model import AIModelEntity
from dify_plugin.entities.model.provider import ModelProviderConfiguration

from tools.package import MAX_UNPACKED_BYTES, build_package

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NOT_COPIED = shutil.ignore_patterns(".venv", ".git", "dist", "__pycache__", ".pytest_cache", "*.difypkg")
DEVELOPMENT_DIRS = ("tests", "bench", "tools", "dist", ".venv", ".git")


def read_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def write_yaml(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def project_model_yamls() -> list[Path]:
    return [path for path in (PROJECT_ROOT / "models" / "llm").glob("*.yaml") if path.name != "_position.yaml"]


def run_package(root: Path, output: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tools.package", "--root", str(root), "--output", str(output)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def assert_build_fails(root: Path, output: Path, *expected_messages: str) -> None:
    result = run_package(root, output)
    printed = result.stdout + result.stderr

    assert result.returncode != 0, printed
    for message in expected_messages:
        assert message in printed
    assert "Traceback" not in printed
    assert not list(output.glob("*.difypkg")), "a failed build must not leave a package behind"


@pytest.fixture(scope="module")
def built_package(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("dist")
    result = run_package(PROJECT_ROOT, output)
    assert result.returncode == 0, result.stdout + result.stderr

    manifest = read_yaml(PROJECT_ROOT / "manifest.yaml")
    package = output / f"{manifest['name']}-{manifest['version']}.difypkg"
    assert package.is_file(), f"expected {package.name}, found {[p.name for p in output.iterdir()]}"
    return package


@pytest.fixture(scope="module")
def unpacked_package(built_package, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("unpacked")
    with zipfile.ZipFile(built_package) as archive:
        archive.extractall(target)
    return target


@pytest.fixture
def plugin_copy(tmp_path) -> Path:
    root = tmp_path / "plugin"
    shutil.copytree(PROJECT_ROOT, root, ignore=NOT_COPIED)
    return root


# The package built from the project


def test_package_manifest_at_root(built_package):
    with zipfile.ZipFile(built_package) as archive:
        names = archive.namelist()

    assert "manifest.yaml" in names


def test_package_has_no_directory_entries(built_package):
    with zipfile.ZipFile(built_package) as archive:
        directories = [entry.filename for entry in archive.infolist() if entry.is_dir()]

    assert directories == []


def test_package_paths_use_forward_slashes(built_package):
    with zipfile.ZipFile(built_package) as archive:
        names = archive.namelist()

    assert [name for name in names if "\\" in name] == []
    assert [name for name in names if name.startswith("/")] == []


def test_package_entries_sorted_and_deflated(built_package):
    with zipfile.ZipFile(built_package) as archive:
        entries = archive.infolist()

    assert [entry.filename for entry in entries] == sorted(entry.filename for entry in entries)
    assert {entry.compress_type for entry in entries} == {zipfile.ZIP_DEFLATED}


def test_package_timestamps_fixed(built_package):
    with zipfile.ZipFile(built_package) as archive:
        timestamps = {entry.date_time for entry in archive.infolist()}

    assert timestamps == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.parametrize("directory", DEVELOPMENT_DIRS)
def test_package_excludes_development_dir(built_package, directory):
    with zipfile.ZipFile(built_package) as archive:
        names = archive.namelist()

    assert [name for name in names if name.split("/")[0] == directory] == []


def test_package_excludes_bytecode(built_package):
    with zipfile.ZipFile(built_package) as archive:
        names = archive.namelist()

    assert [name for name in names if "__pycache__" in name.split("/")] == []
    assert [name for name in names if name.endswith(".pyc")] == []


def test_package_within_size_limit(built_package):
    with zipfile.ZipFile(built_package) as archive:
        unpacked_bytes = sum(entry.file_size for entry in archive.infolist())

    assert unpacked_bytes <= MAX_UNPACKED_BYTES


def test_package_loads_through_sdk_entities(unpacked_package):
    manifest = PluginConfiguration(**read_yaml(unpacked_package / "manifest.yaml"))
    assert manifest.plugins.models, "the manifest declares no model provider"

    for provider_file in manifest.plugins.models:
        with contextlib.chdir(unpacked_package):
            provider = ModelProviderConfiguration(**read_yaml(unpacked_package / provider_file))

        assert len(provider.models) == len(project_model_yamls())


def test_package_model_yamls_each_load(unpacked_package):
    packaged = sorted(path for path in (unpacked_package / "models" / "llm").glob("*.yaml"))
    packaged_models = [path for path in packaged if path.name != "_position.yaml"]

    assert len(packaged_models) == len(project_model_yamls())
    for path in packaged_models:
        entity = AIModelEntity(**read_yaml(path))
        assert entity.model, f"{path.name} has an empty model id"


def test_builds_are_reproducible(plugin_copy, tmp_path):
    first = build_package(plugin_copy, tmp_path / "first")

    # Different modification times must not change the archive.
    for path in plugin_copy.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))
    second = build_package(plugin_copy, tmp_path / "second")

    assert first.read_bytes() == second.read_bytes()


def test_git_dir_always_excluded(plugin_copy, tmp_path):
    (plugin_copy / ".git").mkdir()
    (plugin_copy / ".git" / "config").write_text("[core]\n", encoding="utf-8")
    ignore_file = plugin_copy / ".difyignore"
    ignore_lines = ignore_file.read_text(encoding="utf-8").splitlines()
    ignore_file.write_text("\n".join(line for line in ignore_lines if line.strip() != ".git/") + "\n", encoding="utf-8")

    package = build_package(plugin_copy, tmp_path / "out")

    with zipfile.ZipFile(package) as archive:
        assert [name for name in archive.namelist() if name.startswith(".git/")] == []


# Problems that must stop the build


def test_missing_manifest_fails(plugin_copy, tmp_path):
    (plugin_copy / "manifest.yaml").unlink()

    assert_build_fails(plugin_copy, tmp_path / "out", "manifest.yaml is missing")


def test_manifest_invalid_yaml_fails(plugin_copy, tmp_path):
    (plugin_copy / "manifest.yaml").write_text("version: [0.1.0\nname: broken\n", encoding="utf-8")

    assert_build_fails(plugin_copy, tmp_path / "out", "manifest.yaml: invalid YAML")


def test_manifest_without_runner_fails(plugin_copy, tmp_path):
    manifest = read_yaml(plugin_copy / "manifest.yaml")
    del manifest["meta"]["runner"]
    write_yaml(plugin_copy / "manifest.yaml", manifest)

    assert_build_fails(
        plugin_copy, tmp_path / "out", "manifest.yaml rejected by PluginConfiguration: meta.runner: Field required"
    )


@pytest.mark.parametrize(("author", "word"), [("difyfan", "dify"), ("Dify-tools", "dify"), ("langgenius2", "langgenius")])
def test_reserved_author_fails(plugin_copy, tmp_path, author, word):
    manifest = read_yaml(plugin_copy / "manifest.yaml")
    manifest["author"] = author
    write_yaml(plugin_copy / "manifest.yaml", manifest)

    assert_build_fails(plugin_copy, tmp_path / "out", f"author {author!r} contains {word!r}")


def test_missing_provider_icon_fails(plugin_copy, tmp_path):
    icon = read_yaml(plugin_copy / "provider" / "openrouter_free.yaml")["icon_small"]["en_US"]
    (plugin_copy / "_assets" / icon).unlink()

    assert_build_fails(
        plugin_copy, tmp_path / "out", f"icon_small.en_US names _assets/{icon}, which is missing"
    )


def test_missing_plugin_icon_fails(plugin_copy, tmp_path):
    icon = read_yaml(plugin_copy / "manifest.yaml")["icon"]
    (plugin_copy / "_assets" / icon).unlink()

    assert_build_fails(plugin_copy, tmp_path / "out", f"manifest.yaml icon names _assets/{icon}, which is missing")


def test_missing_provider_source_fails(plugin_copy, tmp_path):
    source = read_yaml(plugin_copy / "provider" / "openrouter_free.yaml")["extra"]["python"]["provider_source"]
    (plugin_copy / source).unlink(missing_ok=True)

    assert_build_fails(plugin_copy, tmp_path / "out", f"extra.python.provider_source names {source}, which is missing")


def test_missing_privacy_policy_fails(plugin_copy, tmp_path):
    (plugin_copy / "PRIVACY.md").unlink(missing_ok=True)

    assert_build_fails(plugin_copy, tmp_path / "out", "manifest.yaml privacy names PRIVACY.md, which is missing")


def test_missing_requirements_fails(plugin_copy, tmp_path):
    (plugin_copy / "requirements.txt").unlink()

    assert_build_fails(plugin_copy, tmp_path / "out", "requirements.txt is missing")


def test_rejected_model_yaml_fails(plugin_copy, tmp_path):
    broken = {
        "model": "example/broken:free",
        "label": {"en_US": "Broken"},
        "model_type": "not-a-model-type",
        "fetch_from": "predefined-model",
        "model_properties": {"mode": "chat", "context_size": 8192},
    }
    write_yaml(plugin_copy / "models" / "llm" / "zz-broken.yaml", broken)

    assert_build_fails(
        plugin_copy, tmp_path / "out", "models/llm/zz-broken.yaml rejected by AIModelEntity: model_type"
    )


def test_model_glob_without_matches_fails(plugin_copy, tmp_path):
    for path in (plugin_copy / "models" / "llm").glob("*.yaml"):
        path.unlink()

    assert_build_fails(plugin_copy, tmp_path / "out", "'models/llm/*.yaml' matches no model YAML")


@pytest.mark.parametrize(("pattern", "declared_file"), [("PRIVACY.md", "PRIVACY.md"), ("_assets/", "_assets/icon.svg")])
def test_declared_file_ignored_fails(plugin_copy, tmp_path, pattern, declared_file):
    with (plugin_copy / ".difyignore").open("a", encoding="utf-8") as ignore_file:
        ignore_file.write(f"\n{pattern}\n")

    assert_build_fails(
        plugin_copy, tmp_path / "out", f"{declared_file} is declared by the plugin but excluded by .difyignore"
    )


def test_module_missing_from_package_fails(plugin_copy, tmp_path):
    # The module exists in the source tree, so only loading the unpacked package finds it missing.
    source = read_yaml(plugin_copy / "provider" / "openrouter_free.yaml")["extra"]["python"]["provider_source"]
    with (plugin_copy / source).open("a", encoding="utf-8") as provider_source:
        provider_source.write("\nimport packaging_probe  # noqa: E402,F401\n")
    (plugin_copy / "packaging_probe.py").write_text("PROBE = True\n", encoding="utf-8")
    with (plugin_copy / ".difyignore").open("a", encoding="utf-8") as ignore_file:
        ignore_file.write("\npackaging_probe.py\n")

    assert_build_fails(
        plugin_copy, tmp_path / "out", "the plugin failed to load", "No module named 'packaging_probe'"
    )


def test_unpacked_size_limit_fails(plugin_copy, tmp_path):
    # Zeros compress to a few kilobytes, so only the unpacked size is over the limit.
    with (plugin_copy / "_assets" / "padding.bin").open("wb") as padding:
        padding.truncate(MAX_UNPACKED_BYTES + 1)

    assert_build_fails(plugin_copy, tmp_path / "out", "the package unpacks to", "_assets/padding.bin")


def test_every_problem_listed(plugin_copy, tmp_path):
    manifest = read_yaml(plugin_copy / "manifest.yaml")
    manifest["author"] = "difyfan"
    write_yaml(plugin_copy / "manifest.yaml", manifest)
    (plugin_copy / "requirements.txt").unlink()
    (plugin_copy / "_assets" / manifest["icon"]).unlink()

    assert_build_fails(
        plugin_copy,
        tmp_path / "out",
        "contains 'dify'",
        "requirements.txt is missing",
        f"names _assets/{manifest['icon']}, which is missing",
    )
