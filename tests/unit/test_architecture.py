"""The tree's shape: the core package imports nothing else of Pulse, nothing imports a
layer above its own, consumer and producer never import each other, and no module of the
core, the consumer or the producer grows past 300 lines."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# Lower layers never import higher ones; packages of one layer never import each other.
# The API reads the stack's settings (READER_DATABASE_URL, API_HOST/PORT) and its port
# diagnostics; the stack starts the API as a process and never imports it.
LAYERS = {"pulse": 0, "consumer": 1, "producer": 1, "stack": 2, "api": 3, "bench": 3, "tests": 4}
SIZE_CHECKED = ("pulse", "consumer", "producer")
MAX_LINES = 300


def _modules() -> Iterator[tuple[str, Path]]:
    for package in LAYERS:
        for path in sorted((REPO / package).rglob("*.py")):
            yield package, path


def _imported_packages(path: Path) -> Iterator[tuple[int, str]]:
    """(line, top-level package) of every absolute import, deferred ones included."""
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.partition(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.partition(".")[0]


def _violations() -> list[str]:
    found = []
    for package, path in _modules():
        for line, imported in _imported_packages(path):
            if imported == package or imported not in LAYERS:
                continue
            if LAYERS[imported] >= LAYERS[package]:
                where = path.relative_to(REPO)
                found.append(f"{where}:{line} ({package}) imports {imported}")
    return found


def test_no_import_runs_upward_or_sideways() -> None:
    assert _violations() == []


def test_the_layer_check_sees_a_violation(tmp_path: Path) -> None:
    # The check above passes on an empty list, so show it finds an upward import at all.
    module = tmp_path / "probe.py"
    module.write_text("def f():\n    from consumer.cli import main\n    return main\n", "utf-8")
    assert list(_imported_packages(module)) == [(2, "consumer")]


@pytest.mark.parametrize("package", SIZE_CHECKED)
def test_modules_stay_small(package: str) -> None:
    sizes = {
        str(path.relative_to(REPO)): len(path.read_text("utf-8").splitlines())
        for path in (REPO / package).rglob("*.py")
    }
    assert sizes, f"no modules found under {package}/"
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


def test_the_image_and_the_package_carry_every_runtime_package() -> None:
    # A package left out of either would import fine here and fail only in the image.
    dockerfile = (REPO / "Dockerfile").read_text("utf-8")
    pyproject = (REPO / "pyproject.toml").read_text("utf-8")
    for package in ("pulse", "consumer", "producer", "stack", "api"):
        assert f"COPY {package} ./{package}" in dockerfile, package
        assert f'"{package}*"' in pyproject, package
