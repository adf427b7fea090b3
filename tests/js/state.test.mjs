// The step view's state (presentation/stepview/state.js): the controls at each step, where
// Play starts, Play's clock, and the step a trace opens at.

import { test } from "node:test"
import assert from "node:assert/strict"

import {
  ANNOUNCE_MIN_S, announces, clamp, controls, createState, dueAt, openingStep, playFrom,
} from "../../presentation/stepview/state.js"

test("the controls at the first, a middle and the last step", () => {
  assert.deepEqual(controls(0, 10, false),
    { reset: true, back: true, next: false, play: false, playLabel: "▶ Play" })
  assert.deepEqual(controls(4, 10, true),
    { reset: false, back: false, next: false, play: false, playLabel: "⏸ Pause" })
  const last = controls(10, 10, false)
  assert.equal(last.next, true)
  assert.equal(last.play, false) // Play stays on at the last step ...
  assert.equal(playFrom(10, 10), 0) // ... and starts again from the first
  assert.equal(playFrom(4, 10), 4)
  assert.equal(controls(0, 0, false).play, true) // nothing to play
})

test("Play's clock: step k at start + k * speed, whatever the steps before took", () => {
  assert.deepEqual([1, 2, 3].map((k) => dueAt(1000, k, 0.1)), [1100, 1200, 1300])
  assert.equal(dueAt(0, 5, 2), 10000)
})

test("a trace opens at the step last shown for it, else at the link's", () => {
  const state = createState()
  assert.equal(openingStep(state, { key: "a", step: 3, n: 10 }), 3)
  state.steps.set("a", 7)
  assert.equal(openingStep(state, { key: "a", step: 3, n: 10 }), 7)
  assert.equal(openingStep(state, { key: "b", step: 30, n: 10 }), 10) // past the end: the last
  assert.equal(clamp(-1, 10), 0)
})

test("a step is announced, except while Play runs faster than one step per 1.5 s", () => {
  assert.equal(announces(false, 0.1), true) // a click or a key: always said
  assert.equal(announces(true, 2), true)
  assert.equal(announces(true, ANNOUNCE_MIN_S), true)
  assert.equal(announces(true, 0.8), false) // said where Play stops (player.js stop)
})
