"""The benchmarks stand on their own: they share the app server and Chromium helpers with the
tests through harness/, never by importing tests/. (Their files are held to the size rule with
every other layer in test_layers.py.)"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("benchmarks", "harness")


def sources() -> list[Path]:
    files = sorted(p for folder in FOLDERS for p in (ROOT / folder).rglob("*.py"))
    assert {p.parent.name for p in files} == set(FOLDERS)  # both folders found
    return files


def top_modules(tree: ast.AST) -> set[str]:
    """The first part of every absolute module name the file imports."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_benchmarks_and_the_harness_import_nothing_from_the_tests():
    for path in sources():
        imported = top_modules(ast.parse(path.read_text(encoding="utf-8")))
        assert "tests" not in imported, f"{path.relative_to(ROOT)} imports from tests/"


def test_the_harness_imports_no_benchmark():
    for path in (ROOT / "harness").rglob("*.py"):
        imported = top_modules(ast.parse(path.read_text(encoding="utf-8")))
        assert "benchmarks" not in imported, f"{path.relative_to(ROOT)} imports a benchmark"


def test_the_import_check_sees_an_import_from_the_tests():
    tree = ast.parse("import json\nfrom tests.support.jobs import start_run\nfrom . import core\n")
    assert top_modules(tree) == {"json", "tests"}
