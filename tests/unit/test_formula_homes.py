"""One formula, one home: each registry entry (presentation/formulas.py) is one short function
with its formula right above it; its LaTeX is written nowhere else (the live lines of a
formula once, in presentation/step_formulas.py); docs/theory.md is written from the registry.
(That each function computes its formula: tests/unit/test_formulas_registry.py.)"""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from analysis import examples
from analysis import formulas as code
from presentation import theory_doc
from presentation import theory_latex as written
from presentation.formulas import FORMULAS
from presentation.step_formulas import step_formulas
from tests.support.models import trace_of

ROOT = Path(__file__).resolve().parents[2]
SHORT = 15  # lines, from `def` to the end, docstring included
LAYERS = ("analysis", "presentation", "ui", "pages")  # where the app writes LaTeX


def app_sources() -> dict[str, str]:
    """Every Python file of the layers above the core, by path, and app.py."""
    paths = [p for folder in LAYERS for p in (ROOT / folder).rglob("*.py")] + [ROOT / "app.py"]
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in paths}


@pytest.mark.parametrize("key", list(FORMULAS))
def test_each_formula_is_one_short_function_with_the_formula_right_above_it(key):
    f = FORMULAS[key]
    lines, start = inspect.getsourcelines(code.implementation(f.implementation))
    assert len(lines) <= SHORT, f"{f.where} has {len(lines)} lines"
    module = inspect.getsourcelines(inspect.getmodule(code.implementation(f.implementation)))[0]
    assert module[start - 2].lstrip().startswith("# "), f"{f.where}: no formula comment above it"
    assert code.source(f.implementation).startswith(module[start - 2])  # Theory shows it


def test_each_formula_names_its_own_function():
    """No two formulas share a function (once input x gradient and integrated gradients did),
    and the deviation Theory shows under a formula is about the code shown with it."""
    names = [f.implementation for f in FORMULAS.values()]
    assert len(set(names)) == len(names)
    ig = FORMULAS["attribution"]
    assert ig.implementation == "s2s_core.attribution:integrated_gradients"
    assert "4x more" in (ig.deviation or "") and "4 * " in code.source(ig.implementation)
    assert FORMULAS["input_x_gradient"].implementation == "s2s_core.attribution:input_x_gradient"


def test_no_formula_is_written_twice():
    """A registered formula's LaTeX lives in the registry only; the softmax of the scaled dot
    product too (the Transformer's live line names d_k, not the formula again); a step's
    decoder-state and readout lines are written in step_formulas.py only."""
    once = {
        r"\mathrm{softmax}": "presentation/formulas.py",
        r"\lVert s_{{": "presentation/step_formulas.py",
        r"\mid y_{{<{i}}}": "presentation/step_formulas.py",
    }
    for path, text in app_sources().items():
        if path != "presentation/formulas.py":
            for f in FORMULAS.values():
                assert f.latex not in text, f"{path} copies formula {f.key!r}"
        for fragment, home in once.items():
            assert (fragment in text) == (path == home), (path, fragment)


def test_the_theory_decoder_example_is_homes_decoder_lines():
    """§5 on the Theory page and a step on Home: the same lines (Home names the cell, GRU)."""
    trace = trace_of("reverse-none", "attention")
    for t in (1, 4):
        home = {f.name: f.live for f in step_formulas(trace, t)}
        state, readout = written.decoder_latex(examples.decoder_example(trace, t))
        assert state == home["decoder state"].replace(r"\mathrm{GRU}", "g")
        assert readout.startswith(home["next-token distribution"] + r", \quad \text{next best: }")


def test_docs_theory_md_is_written_from_the_registry():
    """The committed file is what `python -m presentation.theory_doc` writes: a formula or a
    section changed in the code and not in the document fails here."""
    doc = (ROOT / "docs" / "theory.md").read_text(encoding="utf-8")
    assert doc == theory_doc.render(), "run: python -m presentation.theory_doc"
    for f in FORMULAS.values():
        assert f"$$\n{f.latex}\n$$" in doc and f"`{f.where}`" in doc
    assert theory_doc.main(["--check"]) == 0
