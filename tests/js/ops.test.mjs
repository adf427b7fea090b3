// applyOps (presentation/stepview/ops.js) against Python's frames.apply, on every figure of
// every step of real traces: tests/unit/test_stepview_fixtures.py writes the fixtures
// (`make test-js` runs it first).

import { test } from "node:test"
import assert from "node:assert/strict"
import { existsSync, readFileSync } from "node:fs"

import { applyOps, figureAt } from "../../presentation/stepview/ops.js"

const FIXTURES = new URL("../../artifacts/js-fixtures/", import.meta.url)
const TRACES = ["reverse", "g2p", "reverse-transformer"] // an RNN, g2p, a Transformer
const FIGURES = ["attention", "attribution", "topk", "norms", "context"]

function load(name) {
  const file = new URL(`${name}.json`, FIXTURES)
  if (!existsSync(file))
    assert.fail(`no fixture ${file.pathname}: write them first with ` +
      "`.venv/bin/python -m pytest tests/unit/test_stepview_fixtures.py` (make test-js does)")
  return JSON.parse(readFileSync(file, "utf8"))
}

for (const name of TRACES) {
  test(`every figure of every step of ${name} comes out as Python's frames.apply`, () => {
    const fixture = load(name)
    assert.deepEqual(Object.keys(fixture.figures).sort(), [...FIGURES].sort())
    for (const [figure, frames] of Object.entries(fixture.figures)) {
      assert.equal(frames.steps.length, fixture.n + 1, figure)
      frames.steps.forEach((ops, i) => {
        assert.deepStrictEqual(figureAt(frames, i), frames.applied[i], `${name} ${figure} step ${i}`)
      })
    }
  })
}

test("applyOps sets, keeps the first rows and deletes, leaving the base as it was", () => {
  const base = { data: [{ z: [[1], [2], [3]], name: "a" }], layout: { shapes: [1], h: 1 } }
  const ops = [
    ["head", ["data", 0, "z"], 2],
    ["set", ["data", 0, "name"], "b"],
    ["del", ["layout", "shapes"]],
  ]
  assert.deepStrictEqual(applyOps(base, ops), { data: [{ z: [[1], [2]], name: "b" }], layout: { h: 1 } })
  assert.deepStrictEqual(base.data[0].z, [[1], [2], [3]])
  assert.ok("shapes" in base.layout)
  const value = { text: "t" }
  const out = applyOps(base, [["set", ["layout", "title"], value]])
  value.text = "changed"
  assert.equal(out.layout.title.text, "t") // a copy of the value, not the value itself
  assert.throws(() => applyOps(base, [["move", ["layout", "h"], 2]]), /unknown operation move/)
})
