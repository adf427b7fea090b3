// Guessing where the decoder looks (presentation/stepview/guess.js): the model's position,
// the reveal's sentence, the class's line, Quiz me's score and a click on a heatmap cell.

import { test } from "node:test"
import assert from "node:assert/strict"

import {
  alphaRowAt, answerText, argmax, attributionAt, classLine, clickedColumn, promptText, revealText,
  scoreAfter, scoreText,
} from "../../presentation/stepview/guess.js"

const GUESS = {
  sources: ["k", "n", "i", "g", "h", "t"],
  alpha: [[0.1, 0.81, 0.05, 0.02, 0.01, 0.01], [0.05, 0.05, 0.7, 0.1, 0.05, 0.05]],
  attribution: [1, 3],
}

test("argmax: the largest weight's position, the first of equal ones", () => {
  assert.equal(argmax([0.1, 0.7, 0.2]), 1)
  assert.equal(argmax([0.4, 0.4, 0.2]), 0)
  assert.equal(argmax([0.2]), 0)
})

test("the question at step s hides output step s + 1", () => {
  assert.deepEqual(alphaRowAt(GUESS, 1), GUESS.alpha[1]) // asked at step 1: y_2's row
  assert.equal(attributionAt(GUESS, 1), 3)
  assert.equal(attributionAt({ ...GUESS, attribution: null }, 1), null)
  assert.equal(promptText(1),
    "Where will the decoder look for y_2? Click a source position on the heatmap, or a letter below.")
})

test("the reveal: the student's pick, where the model looked, what attribution says", () => {
  const wrong = revealText({ picked: 0, sources: GUESS.sources, alphaRow: GUESS.alpha[0], attribution: 1 })
  assert.equal(wrong.text, "You picked ‘k’ (x_1) · the model looked at ‘n’ (x_2, α = 0.81) · attribution says ‘n’ (x_2)")
  assert.equal(wrong.right, false)
  assert.equal(wrong.model, 1)
  const right = revealText({ picked: 2, sources: GUESS.sources, alphaRow: GUESS.alpha[1] })
  assert.equal(right.text, "You picked ‘i’ (x_3) · the model looked at ‘i’ (x_3, α = 0.70)") // no attribution
  assert.equal(right.right, true)
  const none = revealText({ picked: null, sources: GUESS.sources, alphaRow: GUESS.alpha[1], attribution: null })
  assert.ok(none.text.startsWith("You did not answer · the model looked at ‘i’"))
  assert.equal(none.right, false)
})

test("the class's line: a count before the reveal, the share that matched the model after", () => {
  const counts = [1, 6, 1, 0, 0, 0]
  assert.equal(classLine(counts, GUESS.alpha[0], false), "8 answers so far") // α not given away
  assert.equal(classLine(counts, GUESS.alpha[0], true), "8 answers · 75% picked where the model looked (x_2)")
  assert.equal(classLine([0, 0, 0, 0, 0, 0], GUESS.alpha[0], true), "0 answers · 0% picked where the model looked (x_2)")
  assert.equal(classLine([0, 1, 0, 0, 0, 0], GUESS.alpha[0], false), "1 answer so far")
})

test("Quiz me's score counts the guesses that matched the model", () => {
  let score = { right: 0, asked: 0 }
  for (const right of [true, false, true]) score = scoreAfter(score, right)
  assert.deepEqual(score, { right: 2, asked: 3 })
  assert.equal(scoreText(score), "2 of 3 where the model looked")
  assert.equal(answerText(1, GUESS.sources), "Your answer: x_2 ‘n’")
})

test("a click on a heatmap cell names its source position (the figure's x counts from 1)", () => {
  const data = { x: [1, 2, 3, 4, 5, 6] }
  assert.equal(clickedColumn({ x: 3, data, pointNumber: [1, 2] }), 2)
  assert.equal(clickedColumn({ x: 1, data, pointNumber: [0, 0] }), 0) // the source strip
  assert.equal(clickedColumn({ x: 9, pointNumber: [0, 4] }), 4) // no x values: the cell's column
  assert.equal(clickedColumn(undefined), null)
})
