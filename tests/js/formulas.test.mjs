// The formulas' typesetting (presentation/stepview/formulas.js): each general formula once,
// and from one step to the next only the live lines that changed are replaced.

import { test } from "node:test"
import assert from "node:assert/strict"

import { allLatex, formulaPlan, typesetter } from "../../presentation/stepview/formulas.js"

// two steps of data.formulas: the same general formulas 0 and 1, new numbers at step 2
const FORMULAS = {
  general: ["e_{ij} = v^T tanh(...)", "\\alpha_{ij} = ..."],
  names: ["scores", "weights"],
  steps: [[], [[0, "e_{1,1} = 0.5"], [1, "\\alpha_{1,1} = 0.9"]],
    [[0, "e_{2,1} = 0.7"], [1, "\\alpha_{1,1} = 0.9"]]],
}
const shownAt = (i, mode = "k") =>
  FORMULAS.steps[i].map(([g, live]) => ({ general: `${mode}:${g}`, live }))

test("a first step draws every formula", () => {
  const plan = formulaPlan([], FORMULAS.steps[1], "k")
  assert.equal(plan.rebuild, true)
  assert.deepEqual(plan.replace, [0, 1])
  assert.deepEqual(plan.want, shownAt(1))
})

test("the next step replaces only the live lines whose numbers changed", () => {
  const plan = formulaPlan(shownAt(1), FORMULAS.steps[2], "k")
  assert.equal(plan.rebuild, false) // the general formulas stay on screen
  assert.deepEqual(plan.replace, [0]) // e_2. changed; alpha's line is the same text
  assert.deepEqual(formulaPlan(shownAt(2), FORMULAS.steps[2], "k").replace, []) // same step
})

test("other general formulas, or KaTeX arriving, draw the box afresh", () => {
  const other = [[1, "\\alpha_{1,1} = 0.9"], [0, "e_{2,1} = 0.7"]]
  assert.equal(formulaPlan(shownAt(2), other, "k").rebuild, true)
  assert.equal(formulaPlan(shownAt(2), FORMULAS.steps[2].slice(0, 1), "k").rebuild, true)
  const typesetNow = formulaPlan(shownAt(2, "s"), FORMULAS.steps[2], "k")
  assert.equal(typesetNow.rebuild, true) // shown as LaTeX source until KaTeX came
  assert.deepEqual(typesetNow.replace, [0, 1])
  assert.equal(formulaPlan(shownAt(2), [], "k").rebuild, true) // step 0: the hint
})

test("each formula is typeset once, and not at all without KaTeX", () => {
  const calls = []
  const katex = { renderToString: (tex, options) => (calls.push([tex, options]), `<math>${tex}</math>`) }
  const typeset = typesetter(katex, 2)
  assert.equal(typeset("a"), "<math>a</math>")
  assert.equal(typeset("a"), "<math>a</math>")
  assert.equal(calls.length, 1)
  assert.deepEqual(calls[0][1], { displayMode: true, output: "mathml", throwOnError: false })
  for (const tex of ["b", "c", "d"]) typeset(tex) // past the limit: the cache starts again
  typeset("a")
  assert.equal(calls.length, 5)
  assert.equal(typesetter(null)("a"), null) // the LaTeX source is shown instead
})

test("typesetting ahead covers every general formula and every step's line", () => {
  const lines = allLatex([FORMULAS, null])
  assert.deepEqual(new Set(lines), new Set([...FORMULAS.general, "e_{1,1} = 0.5",
    "\\alpha_{1,1} = 0.9", "e_{2,1} = 0.7"]))
})
