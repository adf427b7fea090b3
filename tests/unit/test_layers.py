"""The shape of the code: the frame, the pages' addresses, one copy of each formula, short
files and functions in every layer, and a repository that stands alone. (The import layers
themselves are checked by import-linter in `make lint`: see [tool.importlinter] in
pyproject.toml.)"""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest

from presentation import theory
from presentation.formulas import FORMULAS
from ui import navigation

ROOT = Path(__file__).resolve().parents[2]
# Short rooms: every Python file of these layers (those that exist: `analysis` and `harness`
# are layers of their own once they are there) and app.py, after `ruff format`.
LAYERS = (
    "s2s_core",
    "analysis",
    "presentation",
    "s2s_lab",
    "ui",
    "pages",
    "lecture",
    "serving",
    "benchmarks",
    "harness",
)
LONGEST_FILE = 400  # lines
LONGEST_FUNCTION = 60  # lines, docstring included
LONGEST_CORE_FUNCTION = 45  # in s2s_core: "no function in s2s_core over ~40 lines"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def source_files() -> list[str]:
    """The files the size rules hold for, from the repository root."""
    found = [p for layer in LAYERS for p in sorted((ROOT / layer).rglob("*.py"))]
    return [str(p.relative_to(ROOT)) for p in [*found, ROOT / "app.py"]]


def function_lengths(path: str) -> list[tuple[str, str, int]]:
    """(path, qualified name, lines) of every function in `path`: "Run.loop", "outer.inner"."""
    found: list[tuple[str, str, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            named = isinstance(child, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            name = child.name if named else ""
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                found.append((path, prefix + name, child.end_lineno - child.lineno + 1))
            visit(child, prefix + name + "." if name else prefix)

    visit(ast.parse((ROOT / path).read_text(encoding="utf-8")), "")
    return found


SOURCES = source_files()
FUNCTIONS = [
    pytest.param(*f, id=f"{f[0]}::{f[1]}") for path in SOURCES for f in function_lengths(path)
]


def test_the_entrypoint_only_runs_the_frame():
    assert imported_modules(ROOT / "app.py") == {"__future__", "ui"}


def test_every_page_file_is_in_the_navigation_with_its_title():
    files = {str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py")} - {
        "pages/__init__.py"
    }
    assert {spec.path for spec in navigation.PAGES} == files
    assert [spec.title for spec in navigation.PAGES] == [
        "Home",
        "Attention explorer",
        "Bottleneck",
        "Train",
        "Theory",
    ]


def test_page_addresses_are_their_file_names_and_every_page_ensures_the_frame():
    """Streamlit still knows the legacy pages/ folder: on a server's first run it looks a page
    up by its file's name and may run it alone. So the address is the file's name (never
    "page not found"), and each page's first call draws the frame if it is missing."""
    for spec in navigation.PAGES:
        assert spec.url_path == Path(spec.path).stem
        assert "frame.ensure()" in (ROOT / spec.path).read_text(encoding="utf-8")


def test_theory_points_only_to_pages_that_exist():
    for section in theory.SECTIONS:
        for pointer in section.shown_on:
            assert pointer.page in navigation.BY_KEY


def test_every_formula_is_shown_and_every_shown_formula_is_registered():
    shown = {key for section in theory.SECTIONS for key in section.formulas}
    assert shown <= set(FORMULAS)
    assert set(FORMULAS) - shown == {"loss"}  # the Train page shows the loss


def test_no_second_copy_of_any_formula():
    """Each formula's LaTeX is written once, in the registry; pages and figures read it. (The
    core writes each formula as a plain-text comment above the function computing it.)"""
    sources = [
        p for folder in ("presentation", "ui", "pages") for p in (ROOT / folder).rglob("*.py")
    ] + [ROOT / "app.py"]
    for path in sources:
        if path.name == "formulas.py" and path.parent.name == "presentation":
            continue
        text = path.read_text(encoding="utf-8")
        for f in FORMULAS.values():
            assert f.latex not in text, f"{path.relative_to(ROOT)} copies formula {f.key!r}"


@pytest.mark.parametrize("path", SOURCES, ids=str)
def test_no_file_is_long(path: str):
    lines = len((ROOT / path).read_text(encoding="utf-8").splitlines())
    assert lines <= LONGEST_FILE, f"{path} has {lines} lines"


@pytest.mark.parametrize(("path", "name", "length"), FUNCTIONS)
def test_no_function_is_long(path: str, name: str, length: int):
    """Every function, method and inner function, docstring included (its `def` line to its
    last line): 60 lines at most; in s2s_core 45, the core being what students read first."""
    limit = LONGEST_CORE_FUNCTION if path.startswith("s2s_core/") else LONGEST_FUNCTION
    assert length <= limit, f"{path}: {name} has {length} lines (at most {limit})"


def test_the_size_rules_see_every_layer():
    folders = {Path(path).parts[0] for path in SOURCES}
    assert {"s2s_core", "presentation", "ui", "pages", "benchmarks", "app.py"} <= folders
    assert "s2s_core/training/loop.py" in SOURCES and len(FUNCTIONS) > 300


def test_the_repository_stands_alone():
    """Nothing a clone holds may point to the design folder beside the repository."""
    outside = "../" + "shared"  # written in two parts, so that this file does not match
    found = subprocess.run(
        ["git", "grep", "-n", "-F", outside, "--", "*.py", "*.md", "*.toml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert found.stdout == ""
