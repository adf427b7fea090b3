// Lecture mode's decisions (presentation/stepview/lecture.js): what a follower's view shows
// for each room state, the presenter's and Quiz me's controls, and the class's chart.

import { test } from "node:test"
import assert from "node:assert/strict"

import {
  FOLLOWER_LOCKS, afterMessage, classFigure, followerAction, latestRoom, modeOf, presenterButtons, questionPhase, quizAsks, quizLocks,
} from "../../presentation/stepview/lecture.js"

const room = (more = {}) => ({ code: "K7M3PX", version: 3, content_version: 2, step: 4, playing: false,
  question: null, counts: null, answers: null, ended: false, ...more })

test("a follower shows the presenter's step", () => {
  assert.deepEqual(followerAction(room(), 2), { kind: "step", step: 4 })
  assert.deepEqual(followerAction(room({ step: 5, playing: true }), 2), { kind: "step", step: 5 })
})

test("an open question holds the follower at its step: the next row stays hidden", () => {
  const question = { id: "q1", step: 4, positions: 6, revealed: false }
  assert.deepEqual(followerAction(room({ question, answers: 3 }), 2), { kind: "ask", step: 4, question })
  // the presenter's step does not matter while it is open: still step 4
  assert.equal(followerAction(room({ question, step: 6 }), 2).step, 4)
})

test("a revealed question shows its answer's step, then follows the presenter on", () => {
  const question = { id: "q1", step: 4, positions: 6, revealed: true }
  const counts = [0, 3, 1, 0, 0, 0]
  // revealed before the presenter's new step arrived: the answer's step anyway
  assert.deepEqual(followerAction(room({ question, counts }), 2), { kind: "reveal", step: 5, question })
  assert.equal(followerAction(room({ question, step: 5 }), 2).step, 5)
  assert.equal(followerAction(room({ question, step: 7 }), 2).step, 7) // the presenter went on
  assert.equal(followerAction(room({ question, step: 2 }), 2).step, 2) // ... or back
})

test("new content asks for a new run; an ended room ends the lecture", () => {
  assert.deepEqual(followerAction(room({ content_version: 3 }), 2), { kind: "reload", contentVersion: 3 })
  const question = { id: "q1", step: 4, positions: 6, revealed: false }
  assert.equal(followerAction(room({ content_version: 3, question }), 2).kind, "reload") // before asking
  assert.deepEqual(followerAction({ code: "K7M3PX", ended: true }, 2), { kind: "ended" })
})

test("the presenter asks while no question is open, reveals while one is", () => {
  assert.deepEqual(presenterButtons(3, 10, null), { ask: true, reveal: false, locks: { next: false, play: false } })
  assert.equal(presenterButtons(10, 10, null).ask, false) // the last step: nothing left to guess
  const open = { id: "q", step: 3, positions: 6, revealed: false }
  assert.deepEqual(presenterButtons(3, 10, open), { ask: false, reveal: true, locks: { next: true, play: true } })
  const revealed = { ...open, revealed: true }
  assert.deepEqual(presenterButtons(4, 10, revealed), { ask: true, reveal: false, locks: { next: false, play: false } })
  assert.deepEqual([null, open, revealed].map(questionPhase), ["none", "open", "revealed"])
})

test("followers step nothing themselves; Quiz me has no Play, and no Next while it asks", () => {
  assert.deepEqual(FOLLOWER_LOCKS, { reset: true, back: true, next: true, play: true, whatIf: true })
  assert.deepEqual(quizLocks(false), { play: true, next: false })
  assert.deepEqual(quizLocks(true), { play: true, next: true })
  assert.equal(quizAsks(3, 10), true)
  assert.equal(quizAsks(10, 10), false)
})

test("the mode of the data: none without lecture or quiz, kept while the room is the same", () => {
  assert.equal(modeOf({}), null) // the traces of before (no new fields): no mode
  assert.equal(modeOf({ quiz: false, lecture: null, guess: null }), null)
  assert.equal(modeOf({ quiz: true, lecture: null, guess: { sources: [] } }), "quiz")
  assert.equal(modeOf({ quiz: true, lecture: null, guess: null }), null) // nothing to guess
  const follower = { role: "follower", events: "_lecture/K7M3PX/events", voter: "v1" }
  const a = modeOf({ lecture: { ...follower, content_version: 1 } })
  assert.equal(a, modeOf({ lecture: { ...follower, content_version: 2, state: {} } })) // new content: same stream
  assert.notEqual(a, modeOf({ lecture: { ...follower, role: "presenter", events: "_lecture/K7M3PX/events?key=k" } }))
})

test("the class's chart: a bar per position, the model's row only once given", () => {
  const sources = ["a", "t", "t", "e"] // a repeated token stays its own bar
  const before = classFigure({ counts: [1, 2, 0, 0], sources })
  assert.equal(before.data.length, 1)
  assert.deepEqual(before.data[0].x, [0, 1, 2, 3])
  assert.deepEqual(before.data[0].y, [1, 2, 0, 0])
  assert.deepEqual(before.layout.xaxis.tickvals, [0, 1, 2, 3])
  assert.deepEqual(before.layout.xaxis.ticktext, sources)
  const after = classFigure({ counts: [1, 2, 0, 0], sources, alphaRow: [0.1, 0.2, 0.6, 0.1] })
  assert.equal(after.data.length, 2)
  assert.equal(after.data[1].yaxis, "y2")
  assert.deepEqual(after.data[1].y, [0.1, 0.2, 0.6, 0.1])
  assert.deepEqual(after.layout.yaxis2.range, [0, 1.08]) // room for a marker at 1
})

test("of a new run's room state and the stream's last message, the later one counts", () => {
  const old = room({ version: 3, step: 4 })
  const fresh = room({ version: 5, step: 6 })
  assert.equal(latestRoom(old, fresh), fresh)
  assert.equal(latestRoom(fresh, old), fresh)
  assert.equal(latestRoom(null, old), old)
  assert.equal(latestRoom(null, null), null)
  const ended = { code: "K7M3PX", ended: true } // no version: it ends the room anyway
  assert.equal(latestRoom(fresh, ended), ended)
  assert.equal(latestRoom(ended, fresh), ended)
})

test("a stream message of the same version is news: an answer changes only the counts", () => {
  const before = { version: 7, counts: [0, 1, 0] }
  const message = { version: 7, counts: [0, 2, 0] }
  assert.equal(afterMessage(before, message), message)
  const newer = { version: 8, counts: [0, 0, 0] }
  assert.equal(afterMessage(newer, message), newer) // a page run already knew more
  const ended = { code: "K7M3PX", ended: true }
  assert.equal(afterMessage(ended, message), ended)
  assert.equal(afterMessage(before, ended), ended)
  assert.equal(afterMessage(null, message), message)
})

test("the class chart counts whole answers and draws alpha from 0 to 1", () => {
  const fig = classFigure({ counts: [0, 7, 0, 13], sources: ["k", "n", "i", "g"], alphaRow: [0, 0.1, 0.8, 0.1] })
  assert.equal(fig.layout.yaxis.dtick, 3) // 13 answers at most: ticks 0, 3, 6, 9, 12
  assert.ok(fig.layout.yaxis.range[1] >= 13)
  assert.deepEqual(fig.layout.yaxis2.tickvals, [0, 0.5, 1])
  assert.equal(classFigure({ counts: [0, 0], sources: ["a", "b"] }).layout.yaxis.dtick, 1)
})
