"""Helpers for Streamlit AppTest page tests."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def app(page: str = "app.py", **query: str) -> AppTest:
    """An AppTest of a page (path from the repository root), with URL query parameters."""
    at = AppTest.from_file(str(ROOT / page), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    return at


def plotly_figures(at: AppTest) -> list[dict]:
    """The Plotly figures on the page, as dicts."""
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def array(value) -> np.ndarray:
    """A figure array: a plain list, or Plotly's typed array {dtype, bdata, shape}."""
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        if isinstance(shape, str):
            shape = [int(x) for x in shape.split(",")]
        return flat.reshape(shape) if shape else flat
    return np.asarray(value, dtype=float)


def heatmaps(at: AppTest) -> list[np.ndarray]:
    """z of every attention heatmap (the heatmaps whose y axis is labelled with the steps)."""
    out = []
    for fig in plotly_figures(at):
        trace = fig["data"][0]
        if trace.get("type") == "heatmap" and "tickvals" in fig["layout"].get("yaxis", {}):
            out.append(array(trace["z"]) if trace.get("z") is not None else np.zeros((0, 0)))
    return out


def step_label(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("### step"))
