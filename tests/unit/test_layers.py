"""The shape of the code: the frame, the pages' addresses, one copy of each formula, short
functions, and a repository that stands alone. (The import layers themselves are checked by
import-linter in `make lint`: see [tool.importlinter] in pyproject.toml.)"""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

from presentation import theory
from presentation.formulas import FORMULAS
from ui import navigation

ROOT = Path(__file__).resolve().parents[2]
LONGEST_FUNCTION = 45  # lines, docstring included: "no function in s2s_core over ~40 lines"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


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


def test_no_function_in_the_core_is_long():
    for path in (ROOT / "s2s_core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                assert length <= LONGEST_FUNCTION, f"{path.name}: {node.name} has {length} lines"


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
