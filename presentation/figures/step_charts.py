"""The small charts of one decoding step: pure functions, a Step (or numbers) in, a spec out.

    topk_bar             P(y_i | y_<i, X): the k most likely next tokens, the chosen one red
    context_norm_chart   ||c_i|| over the steps so far, beside the fixed model's ||c||

These change at every click, but only in their numbers. Building and validating an Altair
chart costs ~20 ms (a classroom clicks Next thousands of times), so each chart's Vega-Lite
spec is built by Altair once (a "template", cached per variant) and a step only fills in
its rows: spec["datasets"][name] = [{"column": value, ...}, ...]. The spec stays the same
from step to step, so the browser updates the chart's data in place instead of building a
new chart. Both return that spec (a dict) for st.vega_lite_chart.
"""

from __future__ import annotations

import copy
import functools

import altair as alt

from presentation.style import CURRENT_COLOR, FIXED_COLOR, OTHER_COLOR, font_size
from s2s_core.model.decoding import Step

ATTENTION_LABEL = "‖c_i‖ (attention)"
FIXED_LABEL = "‖c‖ (fixed)"
CHOSEN = "chosen y_i"


def _fill(template: dict, **datasets: list[dict]) -> dict:
    """A copy of `template` (never the cached dict itself) with the rows of its datasets."""
    spec = copy.deepcopy(template)
    spec["datasets"] = datasets
    return spec


def _topk_rows(step: Step) -> list[dict]:
    """Rows (token, prob, role) of the top k, most likely first; a forced y_i outside the
    top k is added (last: it is the least likely)."""
    rows = sorted(step.topk, key=lambda row: -row[1])
    if step.token not in {tok for tok, _ in rows}:
        rows.append((step.token, step.prob))
    return [
        {"token": tok, "prob": float(p), "role": CHOSEN if tok == step.token else "other"}
        for tok, p in rows
    ]


@functools.cache
def _topk_template(large: bool) -> dict:
    """The top-k bars and their labels, reading the dataset "topk" (token, prob, role)."""
    size = font_size(large)
    role = alt.Color(
        "role:N",
        legend=None,
        scale=alt.Scale(domain=[CHOSEN, "other"], range=[CURRENT_COLOR, OTHER_COLOR]),
    )
    base = alt.Chart(alt.Data(name="topk")).encode(
        y=alt.Y("token:N", sort=None, title=None),  # the rows' order: most likely on top
        x=alt.X(
            "prob:Q",
            scale=alt.Scale(domain=[0, 1]),
            title="probability",
            axis=alt.Axis(values=[0, 0.25, 0.5, 0.75, 1]),  # a few ticks, also on a projector
        ),
        tooltip=["token:N", alt.Tooltip("prob:Q", format=".3f"), "role:N"],
    )
    bars = base.mark_bar().encode(color=role)
    # The numbers take the bars' colours: a forced y_i with P = 0.00 has no bar to see.
    labels = base.mark_text(align="left", dx=4, fontSize=size, fontWeight="bold").encode(
        text=alt.Text("prob:Q", format=".2f"), color=role
    )
    title = alt.Title(
        "P(y_i | y_<i, X): the most likely next tokens", subtitle="in red the chosen y_i"
    )
    chart = (bars + labels).properties(title=title, height=alt.Step(40 if large else 24))
    chart = chart.configure_axis(labelFontSize=size, titleFontSize=size).configure_title(
        fontSize=size + 2, subtitleFontSize=size
    )
    return chart.to_dict()  # validated against the Vega-Lite schema


def topk_bar(step: Step, large: bool = False) -> dict:
    """The k most likely next tokens P(y_i | y_<i, X), the chosen y_i in another colour.

    A forced y_i that is not among the top k is added as an extra bar (its own P).
    Returns a Vega-Lite spec (dataset "topk": token, prob, role), drawn by st.vega_lite_chart.
    """
    return _fill(_topk_template(large), topk=_topk_rows(step))


@functools.lru_cache(maxsize=512)
def _norm_template(with_fixed: bool, with_current: bool, large: bool, n_steps: int) -> dict:
    """The line ||c_i|| over steps 1..n_steps (dataset "norms": step, norm, series), the rule
    at the fixed ||c|| (dataset "fixed": norm, series, label) and at the current step i
    (dataset "current": step)."""
    domain = [ATTENTION_LABEL] + ([FIXED_LABEL] if with_fixed else [])
    color = alt.Color(
        "series:N",
        title=None,
        legend=alt.Legend(orient="bottom"),
        scale=alt.Scale(domain=domain, range=[OTHER_COLOR, FIXED_COLOR][: len(domain)]),
    )
    layers = [
        alt.Chart(alt.Data(name="norms"))
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "step:Q",
                title="step i",
                axis=alt.Axis(tickMinStep=1, format="d"),
                scale=alt.Scale(domain=[1, max(n_steps, 2)]),
            ),
            y=alt.Y("norm:Q", title="‖c_i‖"),
            color=color,
            tooltip=["step:Q", alt.Tooltip("norm:Q", format=".3f")],
        )
    ]
    if with_fixed:
        fixed = alt.Chart(alt.Data(name="fixed"))
        layers += [
            fixed.mark_rule(strokeDash=[6, 4], size=2).encode(y="norm:Q", color=color),
            fixed.mark_text(align="left", baseline="bottom", x=5, dy=-3).encode(
                y="norm:Q", text="label:N"
            ),
        ]
    if with_current:
        layers.append(
            alt.Chart(alt.Data(name="current"))
            .mark_rule(color=CURRENT_COLOR, strokeDash=[3, 3], size=2)
            .encode(x="step:Q")
        )
    size = font_size(large)
    chart = alt.layer(*layers).properties(
        title="‖c_i‖: the length of the context vector at each step",
        height=380 if large else 300,
        width="container",
    )
    chart = (
        chart.configure_axis(labelFontSize=size, titleFontSize=size)
        .configure_legend(labelFontSize=size)
        .configure_text(fontSize=size)
        .configure_title(fontSize=size + 2)
    )
    return chart.to_dict()  # validated against the Vega-Lite schema


def context_norm_chart(
    norms: list[float],
    fixed_norm: float | None = None,
    current: int | None = None,
    large: bool = False,
    n_steps: int | None = None,
) -> dict:
    """The length ||c_i|| of the context vector at each step i = 1..n.

    fixed_norm: ||c|| of a model without attention (one c for every step), drawn as a rule.
    current: the 1-based step i marked by a vertical rule. norms may be empty (no step yet).
    n_steps: the length of the whole output, so that the step axis 1..n_steps stays put
             while the line grows (default: len(norms)).
    Returns a Vega-Lite spec (datasets "norms", "fixed", "current").
    """
    with_current = current is not None and 1 <= current <= len(norms)
    data = {
        "norms": [
            {"step": i, "norm": float(v), "series": ATTENTION_LABEL}
            for i, v in enumerate(norms, start=1)
        ]
    }
    if fixed_norm is not None:
        data["fixed"] = [
            {"norm": float(fixed_norm), "series": FIXED_LABEL, "label": "fixed c (no attention)"}
        ]
    if with_current:
        data["current"] = [{"step": current}]
    template = _norm_template(fixed_norm is not None, with_current, large, n_steps or len(norms))
    return _fill(template, **data)
