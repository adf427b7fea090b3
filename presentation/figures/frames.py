"""A figure that steps: one base figure and, per step, the operations that make that step's.

Home's step view (presentation/stepping.py) sends the browser every step of a trace at
once. A figure changes little from one step to the next (a row more, the outline one row
down), so it travels as one base figure, the last step's, and for each step 0..n the few
operations that turn the base into that step's figure:

    ["set", path, value]   put `value` at `path`             (path: keys and list indices)
    ["head", path, k]      keep the first k items of the list at `path` (the rows so far)
    ["del", path]          remove the key at `path`

`apply(base, ops)` replays them; the browser's `applyOps` (presentation/stepview/ops.js)
does exactly the same (tests/js/ops.test.mjs checks it on real traces). Each figure module
writes the operations of its own figures (heatmap.py: `attention_frames`), and
tests/unit/test_stepping.py checks that every step comes back as the pure builder draws
it. A trace of n steps costs about one figure, not n.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

OpKind = Literal["set", "head", "del"]
Path = list[str | int]
Op = list[Any]  # [kind, path] or [kind, path, value]: see the module docstring


def plain(value: Any) -> Any:
    """A figure spec (or any part of one) as plain JSON values: dicts, lists, numbers and
    strings (numpy arrays as nested lists), for the browser and for comparing. NaN (a value
    a model does not have, e.g. a Transformer's scores e_ij) becomes None: JSON has no NaN."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if all(type(v) in _SCALARS for v in value):  # the common case, fast: numbers
            return [None if v != v else v for v in value]  # v != v: NaN
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f" and np.isnan(value).any():
            return plain(value.tolist())  # each NaN to None
        return value.tolist()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


_SCALARS = {int, float, str, bool, type(None)}


def apply(base: Any, ops: Sequence[Op]) -> Any:
    """`base` with the operations applied: a new value, `base` stays as it was."""
    out = _copy(base)
    for kind, path, *value in ops:
        parent = out
        for key in path[:-1]:
            parent = parent[key]
        last = path[-1]
        if kind == "set":
            parent[last] = _copy(value[0])
        elif kind == "head":
            parent[last] = parent[last][: value[0]]
        elif kind == "del":
            del parent[last]
        else:
            raise ValueError(f"unknown operation {kind!r}")
    return out


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


@dataclass
class Frames:
    """The figures of steps 0..n: the base (plain JSON) and, for each step, its operations."""

    base: dict
    steps: list[list[Op]]

    def figure(self, i: int) -> dict:
        """The figure of step i, as the browser draws it."""
        return apply(self.base, self.steps[i])


def diff(base: Any, spec: Any, path: Path | None = None) -> list[Op]:
    """The operations that turn `base` into `spec` (both plain): `apply(base, diff(base,
    spec)) == spec`. A list that is the start of base's list is a "head"; a dict compares
    key by key, a list of dicts of the same length item by item; anything else that differs
    is "set" whole."""
    path = path or []
    if base == spec:
        return []
    if isinstance(base, dict) and isinstance(spec, dict):
        ops: list[Op] = [["del", [*path, k]] for k in base if k not in spec]
        for k, v in spec.items():
            ops += diff(base[k], v, [*path, k]) if k in base else [["set", [*path, k], v]]
        return ops
    if isinstance(base, list) and isinstance(spec, list) and path:
        if len(spec) < len(base) and base[: len(spec)] == spec:
            return [["head", path, len(spec)]]
        if len(spec) == len(base) and all(isinstance(v, dict) for v in spec + base):
            return [op for k, (b, v) in enumerate(zip(base, spec)) for op in diff(b, v, [*path, k])]
    return [["set", path, spec]]


def whole(specs: Sequence[dict]) -> Frames:
    """Small figures, one plain spec per step 0..n (plain: made of dicts, lists, numbers
    and strings only, as the builders of step_charts.py write them; `plain` would convert
    them, at a cost the server pays for every new input): the last step's spec is the base,
    and each step's operations are what differs from it (`diff`)."""
    return Frames(specs[-1], [diff(specs[-1], s) for s in specs])
