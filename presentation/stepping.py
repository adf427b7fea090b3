"""Home's step view as data: every step of a trace drawn once, for the browser to step through.

A trace is recorded whole in a few milliseconds; stepping through it is only a view. So the
server draws the figures of every step 0..n with the same pure functions as everywhere
(presentation/figures/), each as one base figure and per-step operations
(presentation/figures/frames.py), and the browser (presentation/stepview/) shows step i
without asking the server: Next, Back, Play and the keyboard cost no script run.

`step_view` gathers it all into a StepView, plain data for the browser; what it is asked
to show comes as one StepViewParams.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field, fields
from typing import Literal

import plotly.io as pio

from presentation import describe, step_formulas
from presentation.figures import heatmap, step_charts
from presentation.figures.frames import Frames, plain, whole
from presentation.heads import Head
from presentation.step_formulas import LiveFormula
from presentation.text import token_text
from presentation.verdicts import token_marks
from s2s_core.model.vocab import NEVER_WRITTEN
from s2s_core.tasks import Example
from s2s_core.trace import Attribution, Trace

HeatView = Literal["attention", "attribution", "both"]
SPEEDS = (2.0, 1.2, 0.8, 0.5, 0.3, 0.1)  # seconds per step; 0.1: ten steps a second
EMPTY_HINT = "press Next ▶: each step adds its row α_i·"  # the heatmap before step 1
ATTRIBUTION_HINT = "press Next ▶: each step adds its row a_i·"
FORMULAS_HINT = "The formulas appear with their numbers from step 1 on."


def live_tex(f: LiveFormula) -> str:
    """The same formula with this step's numbers."""
    return rf"\Rightarrow\quad {f.live}"


@dataclass
class Typeset:
    """The formulas of every step 0..n as LaTeX for the browser (KaTeX): each general
    formula once with its name (it is the same at every step), and for step i the pairs
    [index into `general`, the line with step i's numbers]."""

    general: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # names[g]: what general[g] is, in words
    steps: list[list[tuple[int, str]]] = field(default_factory=list)

    @classmethod
    def of(cls, per_step: list[list[LiveFormula]]) -> Typeset:
        out, index = cls(), {}
        for formulas in per_step:
            row = []
            for f in formulas:
                key = (f.name, f.general)
                if key not in index:
                    index[key] = len(out.general)
                    out.names.append(f.name)
                    out.general.append(f.general)
                row.append((index[key], live_tex(f)))
            out.steps.append(row)
        return out

    def latex(self, i: int) -> list[str]:
        """Step i's formulas as the browser typesets them: general, live, general, live, ..."""
        return [tex for g, live in self.steps[i] for tex in (self.general[g], live)]


STEP_KEY_PREFIX = "step-"  # the keys of the server's per-step blocks: step-<i>-<what>


def step_key(i: int, what: str) -> str:
    """The key of the server's block that belongs to step i (its diagram): the step view
    shows the current step's block and hides the others (ui/stepview.py knows how the page
    marks a keyed block)."""
    return f"{STEP_KEY_PREFIX}{i}-{what}"


@dataclass
class StepView:
    """Everything Home's step view shows, for every step 0..n of one trace: the data the
    browser receives once (ui/stepview.py mounts it, presentation/stepview/ draws it).

    key       names the trace: the browser keeps its step while the key stays the same (a
              new heatmap choice or Classroom mode redraws the same trace at that step)
    step      the step to open at (the link's, or 0 for a new trace)
    figures   "attention", "attribution" (as `view` asks), "topk", "norms", "context":
              Frames, absent when not shown
    notes     a text shown instead of a figure ("attention": the model has none)
    tokens    y_1..y_n as the page writes them; marks[i - 1]: is y_i the answer's?
    what_if   for each step i = 1..n, the other top-k tokens y_i could have been, as
              [shown, token]; empty lists when a what-if is not offered (beam search)
    formulas  the seed's formulas with each step's numbers (none at step 0: `hint`);
              attribution_formulas: a_i. at each step, when an attribution is shown
    template  Plotly's default look (the one st.plotly_chart applies), given to every figure
    """

    key: str
    n: int
    step: int
    view: HeatView
    large: bool
    image_format: str
    tokens: list[str]
    marks: list[bool]
    figures: dict[str, Frames]
    notes: dict[str, str] = field(default_factory=dict)
    what_if: list[list[list[str]]] = field(default_factory=list)
    formulas: Typeset = field(default_factory=Typeset)
    attribution_formulas: Typeset | None = None
    hint: str = FORMULAS_HINT
    speed: float = 0.8
    speeds: tuple[float, ...] = SPEEDS
    template: dict = field(default_factory=dict)
    alt: list[str] = field(default_factory=list)  # each step in words (describe.py)
    tables: dict[str, dict] = field(default_factory=dict)  # each heatmap as a table

    def to_json(self) -> dict:
        """Plain data for the browser (shared, not copied: the figures are large)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["figures"] = {k: {"base": v.base, "steps": v.steps} for k, v in self.figures.items()}
        for name in ("formulas", "attribution_formulas"):
            t = out[name]
            out[name] = (
                None if t is None else {"general": t.general, "names": t.names, "steps": t.steps}
            )
        return out


def trace_key(*parts: object) -> str:
    """A short name for one trace: the same parts, the same name (in every process)."""
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:16]


@functools.cache
def _template() -> dict:
    return plain(pio.templates[pio.templates.default].to_plotly_json())


@dataclass
class StepViewParams:
    """What Home's step view is asked to show of one trace.

    trace        the trace (a Transformer's: with `head`'s row already chosen, see
                 presentation/heads.py with_head; `head` names it in the formulas)
    key          names the trace (trace_key): the browser keeps its step while it stays
    step         the step to open at (the link's, or 0 for a new trace)
    view         which heatmaps ("both": attention and attribution side by side)
    expected     the answer, to mark each token right or wrong (None: no answer)
    attribution  the attribution's rows, one per step (needed unless view is "attention")
    fixed_norm   ||c|| of the fixed-context model, drawn beside ||c_i||
    large        Classroom mode: large text and figures
    image_format the camera button's download ("png", "svg")
    what_if      offer the other top-k tokens of each step
    rnn          the recurrent cell ("gru", "lstm") the decoder formula names
    """

    trace: Trace
    key: str
    step: int = 0
    view: HeatView = "attention"
    expected: Example | None = None
    attribution: Attribution | None = None
    fixed_norm: float | None = None
    large: bool = False
    image_format: str = "png"
    what_if: bool = True
    rnn: str = "gru"
    head: Head = None


def _heatmaps(p: StepViewParams) -> tuple[dict[str, Frames], dict[str, str]]:
    """The heatmaps `p.view` asks for, and a note where the model has no attention."""
    trace, both = p.trace, p.view == "both"
    figures: dict[str, Frames] = {}
    notes: dict[str, str] = {}
    if p.view in ("attention", "both"):
        if trace.has_attention:
            title = "attention α_ij" if both else None
            figures["attention"] = heatmap.attention_frames(trace, p.large, title, EMPTY_HINT)
        else:
            notes["attention"] = heatmap.NO_ATTENTION + f" (‖c‖ = {trace.fixed_context_norm:.2f})."
    if p.view in ("attribution", "both"):
        if p.attribution is None:
            raise ValueError(f"the {p.view!r} view needs the attribution rows")
        title = "attribution a_ij" if both else None
        figures["attribution"] = heatmap.attribution_frames(
            trace, p.attribution.rows, p.large, title, ATTRIBUTION_HINT
        )
    return figures, notes


def _charts(p: StepViewParams) -> dict[str, Frames]:
    """The smaller charts of every step: top-k, ||c_i|| so far, and c_i as a strip."""
    trace, large, n = p.trace, p.large, len(p.trace.steps)
    k = max((len(step_charts.topk_rows(s)) for s in trace.steps), default=1)
    norms = [s.context_norm for s in trace.steps]
    d = len(trace.steps[0].context) if n else 0
    return {
        "topk": whole(
            [
                step_charts.topk_spec(trace.steps[i - 1] if i else None, large, k)
                for i in range(n + 1)
            ]
        ),
        "norms": whole(
            [
                step_charts.context_norm_spec(norms[:i], p.fixed_norm, i or None, large, n)
                for i in range(n + 1)
            ]
        ),
        "context": whole(
            [
                heatmap.context_strip_spec(trace.steps[i - 1].context if i else [0.0] * d, large)
                for i in range(n + 1)
            ]
        ),
    }


def _tables(p: StepViewParams) -> dict[str, dict]:
    """The heatmaps the view shows, as tables (a screen reader's way through them)."""
    trace, out = p.trace, {}
    if p.view in ("attention", "both") and trace.has_attention:
        rows = [s.attention or [] for s in trace.steps]
        out["attention"] = describe.matrix_table(trace, rows, "Attention weights α_ij")
    if p.view in ("attribution", "both") and p.attribution is not None:
        caption = "Attribution a_ij (log-probability units)"
        out["attribution"] = describe.matrix_table(trace, p.attribution.rows, caption)
    return out


def step_view(p: StepViewParams) -> StepView:
    """The step view of `p.trace`: every step's figures, tokens, what-ifs and formulas."""
    trace, attribution, what_if = p.trace, p.attribution, p.what_if
    n = len(trace.steps)
    figures, notes = _heatmaps(p)
    return StepView(
        key=p.key,
        n=n,
        step=max(0, min(p.step, n)),
        view=p.view,
        large=p.large,
        image_format=p.image_format,
        tokens=[token_text(s.token) for s in trace.steps],
        marks=token_marks(trace, p.expected),
        figures=figures | _charts(p),
        notes=notes,
        what_if=[
            [
                [token_text(tok), tok]
                for tok, _ in s.topk
                if tok != s.token and tok not in NEVER_WRITTEN
            ]
            if what_if
            else []
            for s in trace.steps
        ],
        template=_template(),
        alt=describe.step_sentences(trace, None if p.view == "attention" else attribution, p.head),
        tables=_tables(p),
        formulas=Typeset.of(
            [[]] + [step_formulas.step_formulas(trace, i, p.rnn, p.head) for i in range(1, n + 1)]
        ),
        attribution_formulas=None
        if attribution is None or p.view == "attention"
        else Typeset.of(
            [[]]
            + [[step_formulas.attribution_formula(trace, attribution, i)] for i in range(1, n + 1)]
        ),
    )
