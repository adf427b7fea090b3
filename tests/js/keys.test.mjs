// The keyboard (presentation/stepview/keys.js): → / PageDown next, ← / PageUp back, Space
// play/pause, Home reset, and only once the view has the focus.

import { test } from "node:test"
import assert from "node:assert/strict"

import { keyAction, eventAction } from "../../presentation/stepview/keys.js"

const press = (key, more = {}) => keyAction({ key, inView: true, tag: "DIV", ...more })

test("each key's action, with the view focused", () => {
  assert.equal(press("ArrowRight"), "next")
  assert.equal(press("PageDown"), "next")
  assert.equal(press("ArrowLeft"), "back")
  assert.equal(press("PageUp"), "back")
  assert.equal(press(" "), "toggle")
  assert.equal(press("Home"), "reset")
  for (const other of ["End", "Enter", "a", "ArrowUp", "Tab"]) assert.equal(press(other), null, other)
})

test("a button of the view counts as the view", () => {
  assert.equal(press(" ", { tag: "BUTTON" }), "toggle")
})

test("no key acts before the view has the focus", () => {
  for (const key of ["ArrowRight", "PageDown", "ArrowLeft", "PageUp", " ", "Home"])
    assert.equal(press(key, { inView: false }), null, key)
})

test("the play-speed box keeps its arrows, the browser its shortcuts", () => {
  assert.equal(press("ArrowRight", { tag: "SELECT" }), null)
  assert.equal(press("ArrowLeft", { modified: true }), null) // Alt+←: the page back
})

test("a keydown event is read from its target inside the view", () => {
  const inside = { tagName: "BUTTON" }
  const root = { contains: (node) => node === inside }
  const event = (target, more = {}) => ({ key: "PageDown", target, ctrlKey: false, altKey: false,
    metaKey: false, ...more })
  assert.equal(eventAction(event(inside), root), "next")
  assert.equal(eventAction(event({ tagName: "BODY" }), root), null)
  assert.equal(eventAction(event(inside, { ctrlKey: true }), root), null)
})

test("T opens the heatmap as a table, in either case, only with the view focused", () => {
  assert.equal(keyAction({ key: "t", inView: true }), "table")
  assert.equal(keyAction({ key: "T", inView: true }), "table")
  assert.equal(keyAction({ key: "t", inView: false }), null) // typing elsewhere on the page
})
