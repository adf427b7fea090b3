// The figures of one step: the base figure with that step's operations applied.
//
// Pure (no DOM, no Plotly): the same operations as presentation/figures/frames.py `apply`,
// and tests/js/ops.test.mjs checks that both give the same figure for every step of real
// traces.
//
//   ["set", path, value]   put `value` at `path`             (path: keys and list indices)
//   ["head", path, k]      keep the first k items of the list at `path` (the rows so far)
//   ["del", path]          remove the key at `path`

// `base` with `ops` applied: a new figure, `base` stays as it was.
export function applyOps(base, ops) {
  const out = structuredClone(base)
  for (const [kind, path, value] of ops) {
    let parent = out
    for (const key of path.slice(0, -1)) parent = parent[key]
    const last = path[path.length - 1]
    if (kind === "set") parent[last] = structuredClone(value)
    else if (kind === "head") parent[last] = parent[last].slice(0, value)
    else if (kind === "del") delete parent[last]
    else throw new Error(`unknown operation ${kind}`)
  }
  return out
}

// Step i of one figure as Plotly draws it: `frames` = {base, steps} (stepping.py's Frames).
export function figureAt(frames, i) {
  return applyOps(frames.base, frames.steps[i])
}
