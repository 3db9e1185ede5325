"""Build the plugin's .difypkg, and stop before building one that Dify would reject.

    python -m tools.package [--root DIR] [--output DIR]

The package is a deflated ZIP of the files that `.difyignore` (gitignore syntax) does not
exclude, in sorted order with fixed timestamps, so two builds of the same files are
byte-identical. The checks run twice: on the source tree before the build and on the unpacked
package after it. They load the manifest, the provider YAMLs and every model YAML through the
dify_plugin entities that the plugin process uses at start-up, and they check that every file
those YAMLs name is present. Last, a child process loads the unpacked package with the SDK's
plugin registration, which also imports the provider and model classes. The checks are in
tools.package_checks.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

import pathspec

from tools.package_checks import MANIFEST, check_plugin_loads, check_tree

PROJECT_ROOT = Path(__file__).resolve().parent.parent
IGNORE_FILE = ".difyignore"
ALWAYS_EXCLUDED = (".git/",)

# dify-plugin-daemon rejects a package whose files add up to more than MAX_PLUGIN_PACKAGE_SIZE
# bytes (52428800 in Dify's Docker setup), and the Marketplace validator applies the same 50 MB.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024

# 1980-01-01 is the earliest time a ZIP entry can carry.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
ZIP_UNIX_SYSTEM = 3


class BuildError(Exception):
    """Problems that stop the build, one readable message each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def select_package_files(root: Path) -> list[str]:
    """Return the files to package as sorted POSIX paths relative to `root`."""
    ignore_file = root / IGNORE_FILE
    patterns = ignore_file.read_text(encoding="utf-8").splitlines() if ignore_file.is_file() else []
    spec = pathspec.GitIgnoreSpec.from_lines([*ALWAYS_EXCLUDED, *patterns])

    selected: list[str] = []
    for directory, subdirectories, files in os.walk(root):
        base = Path(directory).relative_to(root)
        # As in git, nothing under an excluded directory can be included again.
        subdirectories[:] = [
            name for name in subdirectories if not spec.match_file((base / name).as_posix() + "/")
        ]
        for name in files:
            relative = (base / name).as_posix()
            if not spec.match_file(relative):
                selected.append(relative)
    return sorted(selected)


def build_archive(root: Path, files: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for relative in files:
            entry = zipfile.ZipInfo(relative, date_time=ZIP_DATE_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = ZIP_UNIX_SYSTEM
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, (root / relative).read_bytes(), compresslevel=9)
    return buffer.getvalue()


def check_archive(archive_bytes: bytes) -> list[str]:
    """Check the built ZIP's layout and size, then unpack it and check the tree it contains."""
    problems = []
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as archive:
        entries = archive.infolist()
        names = [entry.filename for entry in entries]
        if MANIFEST not in names:
            problems.append(f"the package has no {MANIFEST} at its root")

        for entry in entries:
            path = PurePosixPath(entry.filename)
            if entry.is_dir():
                problems.append(f"the package has a directory entry: {entry.filename}")
            if "\\" in entry.filename or path.is_absolute() or ".." in path.parts:
                problems.append(f"the package has an unsafe path: {entry.filename}")

        unpacked_bytes = sum(entry.file_size for entry in entries)
        if unpacked_bytes > MAX_UNPACKED_BYTES:
            largest = sorted(entries, key=lambda entry: entry.file_size, reverse=True)[:5]
            listing = ", ".join(f"{entry.filename} ({entry.file_size} bytes)" for entry in largest)
            problems.append(
                f"the package unpacks to {unpacked_bytes} bytes, more than Dify's limit of "
                f"{MAX_UNPACKED_BYTES} bytes; largest files: {listing}. "
                f"Exclude what the plugin does not run with in {IGNORE_FILE}"
            )
        if problems:
            return problems

        with tempfile.TemporaryDirectory(prefix="difypkg-check-") as unpacked:
            archive.extractall(unpacked)
            problems = check_tree(Path(unpacked)).problems or check_plugin_loads(Path(unpacked))
            return [f"in the built package: {problem}" for problem in problems]


def build_package(root: Path, output_dir: Path) -> Path:
    """Check the plugin in `root`, write its .difypkg into `output_dir` and return its path.

    Raises BuildError listing every problem found, and then writes nothing.
    """
    if not root.is_dir():
        raise BuildError([f"the plugin directory {root} does not exist"])

    check = check_tree(root)
    files = select_package_files(root)
    problems = list(check.problems)
    for path in sorted(check.declared - set(files)):
        if (root / path).is_file():
            problems.append(
                f"{path} is declared by the plugin but excluded by {IGNORE_FILE}; "
                "remove the pattern that matches it"
            )
    if problems:
        raise BuildError(problems)

    archive_bytes = build_archive(root, files)
    problems = check_archive(archive_bytes)
    if problems:
        raise BuildError(problems)

    output_dir.mkdir(parents=True, exist_ok=True)
    target = output_dir / f"{check.manifest['name']}-{check.manifest['version']}.difypkg"
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(archive_bytes)
    partial.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.package",
        description="Check the plugin the way Dify will and build dist/<name>-<version>.difypkg.",
    )
    parser.add_argument(
        "--root", type=Path, default=PROJECT_ROOT, help="plugin directory to package (default: this project)"
    )
    parser.add_argument("--output", type=Path, help="directory to write the .difypkg to (default: ROOT/dist)")
    args = parser.parse_args(argv)

    root = args.root.resolve()
    output_dir = (args.output or root / "dist").resolve()
    try:
        target = build_package(root, output_dir)
    except BuildError as error:
        print(f"Package not built: {len(error.problems)} problem(s) in {root}:", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"Package not built: {error}", file=sys.stderr)
        return 1

    with zipfile.ZipFile(target) as archive:
        file_count = len(archive.infolist())
    print(f"Built {target} ({file_count} files, {target.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
