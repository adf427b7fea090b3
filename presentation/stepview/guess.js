// Guessing where the decoder looks: a guess against the model's attention row, the
// sentences that reveal it, Quiz me's score. Pure: the elements live in classroom.js.
//
// data.guess = {sources, alpha, attribution}: the source tokens (the heatmap's columns),
// alpha[i - 1] the attention row of output step i, attribution[i - 1] the source position
// attribution ranks first at step i (or attribution is null). Positions j count from 0
// here and from 1 on screen (x_1 is the first source token).

// The position of the largest weight (the first of equal ones).
export const argmax = (row) => row.reduce((best, v, j) => (v > row[best] ? j : best), 0)

export const total = (counts) => counts.reduce((a, b) => a + b, 0)

const plural = (k, word) => `${k} ${word}${k === 1 ? "" : "s"}`

// The question asked at step s hides output step s + 1: its attention row and the
// position attribution ranks first there (null when not computed).
export const alphaRowAt = (guess, s) => guess.alpha[s]
export const attributionAt = (guess, s) => (guess.attribution ? guess.attribution[s] : null)

// What the student is asked at step s.
export const promptText = (s) =>
  `Where will the decoder look for y_${s + 1}? Click a source position on the heatmap, or a letter below.`

// Source position j as the page names it: x_3 ‘n’.
export const positionName = (j, sources) => `x_${j + 1} ‘${sources[j]}’`
export const answerText = (j, sources) => `Your answer: ${positionName(j, sources)}`

// The reveal of one question: {text, right, model}. `picked`: the student's position, or
// null (no answer); `alphaRow`: the hidden step's attention row; `attribution`: the
// position attribution ranks first there, or null.
//   "You picked ‘k’ (x_2) · the model looked at ‘n’ (x_3, α = 0.81) · attribution says ‘n’ (x_3)"
export function revealText({ picked, sources, alphaRow, attribution = null }) {
  const model = argmax(alphaRow)
  const you = picked === null || picked === undefined
    ? "You did not answer"
    : `You picked ‘${sources[picked]}’ (x_${picked + 1})`
  const parts = [you,
    `the model looked at ‘${sources[model]}’ (x_${model + 1}, α = ${alphaRow[model].toFixed(2)})`]
  if (attribution !== null && attribution !== undefined)
    parts.push(`attribution says ‘${sources[attribution]}’ (x_${attribution + 1})`)
  return { text: parts.join(" · "), right: picked === model, model }
}

// The line over the class's answers: how many so far, and once revealed how many picked
// the position the model looked at most.
//   before: "12 answers so far"   after: "12 answers · 75% picked where the model looked (x_3)"
export function classLine(counts, alphaRow, revealed) {
  const n = total(counts)
  if (!revealed) return `${plural(n, "answer")} so far`
  const model = argmax(alphaRow)
  const share = n ? Math.round((100 * counts[model]) / n) : 0
  return `${plural(n, "answer")} · ${share}% picked where the model looked (x_${model + 1})`
}

// Quiz me's score after one more guess, and as the view says it.
export const scoreAfter = (score, right) => ({ right: score.right + (right ? 1 : 0), asked: score.asked + 1 })
export const scoreText = (score) => `${score.right} of ${score.asked} where the model looked`

// The source position of a Plotly click on a heatmap cell (its event's point), or null.
// The heatmaps' x values are positions counted from 1 (the figure's own columns): the
// index of the clicked x among them is the position.
export function clickedColumn(point) {
  if (!point) return null
  const xs = point.data && point.data.x
  if (Array.isArray(xs) && xs.indexOf(point.x) >= 0) return xs.indexOf(point.x)
  if (Array.isArray(point.pointNumber)) return point.pointNumber[1]
  return Number.isInteger(point.pointNumber) ? point.pointNumber : null
}
