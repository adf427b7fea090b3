"""The step view's ES modules as one script: the same code, to run outside the app.

The app serves the step view's modules as files (ui/stepview.py); an offline HTML file and
a notebook widget get them as one text instead. The modules are plain: named imports from
"./x.js" at their top, `export function`, `export const` and one `export default`. Each
becomes a function scope that returns what it exports, in the order of their imports:

    import { a, b as c } from "./dom.js"   ->  const { a, b: c } = modules["dom"]
    export function f() {...}              ->  function f() {...}       (f returned)
    export default function mount() {...}  ->  function mount() {...}   (as "default")

so every module keeps its own names, and nothing but the modules' text is needed: no
bundler from npm (tests/unit/test_bundle.py runs the result in Node against the files).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import presentation

MODULES = Path(presentation.__file__).parent / "stepview"  # the app's step view, as files
ENTRY = "index"

_IMPORT = re.compile(r'^import\s*\{([^}]*)\}\s*from\s*"\./([\w-]+)\.js"\s*;?\s*$', re.M)
_EXPORT = re.compile(
    r"^export\s+(default\s+)?(async\s+function|function|const|let|class)\s+(\w+)", re.M
)


@dataclass(frozen=True)
class Module:
    """One module's text, the modules it imports and the names it exports."""

    name: str
    text: str
    imports: tuple[str, ...]
    exports: tuple[str, ...]  # "default" for the default export's own name
    default: str | None


def read(path: Path) -> Module:
    """A module file, parsed. Refuses what the bundle cannot rewrite (a side-effect import,
    an `export { ... }` list) rather than bundling it wrong."""
    text = path.read_text(encoding="utf-8")
    if re.search(r"^export\s*\{|^import\s+['\"]|^import\s+\w", text, re.M):
        raise ValueError(f"{path.name}: only named imports and declared exports are bundled")
    imports = tuple(m.group(2) for m in _IMPORT.finditer(text))
    exports, default = [], None
    for m in _EXPORT.finditer(text):
        if m.group(1):
            default = m.group(3)
        else:
            exports.append(m.group(3))
    return Module(path.stem, text, imports, tuple(exports), default)


def _order(modules: dict[str, Module], entry: str) -> list[Module]:
    """`entry` and what it imports, each after the modules it imports (no cycles)."""
    done: list[Module] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if any(m.name == name for m in done):
            return
        if name in visiting:
            raise ValueError(f"an import cycle through {name}.js")
        visiting.add(name)
        for dep in modules[name].imports:
            visit(dep)
        done.append(modules[name])

    visit(entry)
    return done


def _destructure(names: str) -> str:
    """`a, b as c` -> `a, b: c` (an import list as an object pattern)."""
    parts = [p.strip() for p in names.replace("\n", " ").split(",") if p.strip()]
    return ", ".join(re.sub(r"^(\w+)\s+as\s+(\w+)$", r"\1: \2", p) for p in parts)


def _scope(module: Module) -> str:
    """One module as a function scope that returns its exports."""
    body = _IMPORT.sub(
        lambda m: f'const {{ {_destructure(m.group(1))} }} = modules["{m.group(2)}"]', module.text
    )
    body = re.sub(r"^export\s+(default\s+)?", "", body, flags=re.M)
    returned = [*module.exports] + ([f"default: {module.default}"] if module.default else [])
    return (
        f'modules["{module.name}"] = (() => {{\n"use strict"\n{body}\n'
        f"return {{ {', '.join(returned)} }}\n}})()\n"
    )


def bundle(folder: Path = MODULES, entry: str = ENTRY) -> str:
    """The modules of `folder` that `entry` needs, as one script body. It defines
    `modules` (name -> exports) and leaves the entry's in `stepview` (its `default` is
    the view's mount)."""
    modules = {p.stem: read(p) for p in sorted(folder.glob("*.js"))}
    ordered = _order(modules, entry)
    return (
        "const modules = {}\n"
        + "".join(_scope(m) for m in ordered)
        + f'const stepview = modules["{entry}"]\n'
    )


def css(folder: Path = MODULES) -> str:
    """The step view's style sheet."""
    return (folder / "stepview.css").read_text(encoding="utf-8")
