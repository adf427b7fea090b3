"""The registry's formulas (presentation/formulas.py) meet the code that computes them.

Each registry entry names its function as "module:qualified name", for instance
"s2s_core.model.attention:dot_score"; here that name becomes the function itself and its
source, for the Theory page ("The code" under each formula) and for the tests that check
every function against its formula.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any


def implementation(name: str) -> Callable[..., Any]:
    """The function `name` names: 's2s_core.model.attention:dot_score' -> dot_score."""
    module, _, qualname = name.partition(":")
    found: Any = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


def source(name: str) -> str:
    """The source of the function `name` names, with the formula comment right above it."""
    lines, start = inspect.getsourcelines(implementation(name))
    module_lines = inspect.getsourcelines(importlib.import_module(name.partition(":")[0]))[0]
    above = module_lines[start - 2] if start >= 2 else ""
    return "".join(([above] if above.lstrip().startswith("#") else []) + lines)
