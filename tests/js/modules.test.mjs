// The step view's modules load as they are, without a browser: plain ES modules with
// relative imports (Streamlit, an exported page or a notebook can serve the same files).

import { test } from "node:test"
import assert from "node:assert/strict"
import { readdirSync, readFileSync } from "node:fs"

const DIR = new URL("../../presentation/stepview/", import.meta.url)
const MODULES = readdirSync(DIR).filter((f) => f.endsWith(".js"))
const PURE = ["ops.js", "formulas.js", "keys.js", "state.js", "fit.js", "guess.js", "lecture.js", "room.js"] // no page needed to test them

test("every module loads in Node, touching no page while it loads", async () => {
  assert.ok(MODULES.includes("index.js") && MODULES.includes("ops.js"))
  for (const file of MODULES) await import(new URL(file, DIR).href)
  const index = await import(new URL("index.js", DIR).href)
  assert.equal(typeof index.default, "function") // the component's entry: mount(component)
})

test("the data arrives as UTF-8 JSON bytes and is read once", async () => {
  const { parse } = await import(new URL("index.js", DIR).href)
  const bytes = new TextEncoder().encode('{"key":"k","tokens":["‹eos›"]}')
  assert.deepEqual(parse(bytes), { key: "k", tokens: ["‹eos›"] })
  assert.deepEqual(parse({ key: "k" }), { key: "k" })
})

test("no module names Streamlit's classes, the pure ones not even Streamlit", () => {
  for (const file of MODULES) {
    const text = readFileSync(new URL(file, DIR), "utf8")
    assert.doesNotMatch(text, /st-key|stVerticalBlock/, file) // they come with the data
    if (PURE.includes(file)) assert.doesNotMatch(text, /streamlit|setTriggerValue/i, file)
  }
})
