// Lecture mode's and Quiz me's elements: built once with the view (view.js places them),
// then shown, hidden and filled by modes.js. The texts come from guess.js.
//
//   in the control bar     Ask the class, Reveal                   (the presenter)
//   under the control bar  Room K7M3PX · Following the lecture … · the quiz's score
//   above the heatmap      the question, a button per source position, the student's
//                          answer, the reveal (in sight without scrolling, also on a phone)
//   under the heatmap      the class's answers (a chart)

import { el } from "./dom.js"

function button(testid, text, cls = "") {
  return el("button", { type: "button", class: cls, "data-testid": testid, hidden: "" }, text)
}

function part(tag, cls, more = {}) {
  return el(tag, { class: cls, "data-testid": cls, hidden: "", ...more })
}

// The elements, all hidden until a mode shows them.
export function buildClassroom() {
  const c = {
    ask: button("sv-ask", "Ask the class"),
    reveal: button("sv-reveal", "Reveal", "primary"),
    room: part("div", "sv-room"),
    following: part("div", "sv-following", { "aria-live": "polite" }),
    score: part("div", "sv-score", { "aria-live": "polite" }),
    prompt: part("p", "sv-ask-prompt"),
    guesses: part("div", "sv-guesses", { role: "group", "aria-label": "Source positions" }),
    answer: part("p", "sv-answer", { "aria-live": "polite" }),
    revealPanel: part("div", "sv-reveal-panel", { "aria-live": "polite" }),
    classLine: el("p", { class: "sv-class-line", "data-testid": "sv-class-line" }),
    classPlot: el("div", { class: "sv-class-plot" }),
    onGuess: null, // what a guess button does now (modes.js sets it)
  }
  c.klass = part("div", "sv-class")
  c.klass.append(c.classLine, c.classPlot)
  c.bar = el("div", { class: "sv-lecture" }, null, [c.room, c.following, c.score])
  c.panel = el("div", { class: "sv-classroom" }, null, [c.prompt, c.guesses, c.answer, c.revealPanel])
  return c
}

// `node` shows `text`; null hides it.
export function showText(node, text) {
  node.hidden = text === null
  if (text !== null) node.textContent = text
}

// A button per source position (its token; made again only for other tokens), `chosen`
// pressed; a click calls c.onGuess(j).
export function drawGuesses(c, sources, chosen = null) {
  c.guesses.hidden = false
  if (c.guesses.dataset.sources !== JSON.stringify(sources)) {
    c.guesses.dataset.sources = JSON.stringify(sources)
    c.guesses.replaceChildren(...sources.map((token, j) => {
      const b = el("button", { type: "button", class: "pill", "data-testid": `sv-guess-${j}`,
        "aria-label": `Source position ${j + 1}: ${token}`, "aria-pressed": "false" }, token)
      b.onclick = () => c.onGuess && c.onGuess(j)
      return b
    }))
  }
  c.guesses.querySelectorAll("button").forEach((b, j) => b.setAttribute("aria-pressed", String(j === chosen)))
}

// The question's prompt and buttons (`prompt` null: hidden).
export function drawQuestion(c, prompt, sources, chosen = null) {
  showText(c.prompt, prompt)
  if (prompt === null) c.guesses.hidden = true
  else drawGuesses(c, sources, chosen)
}

// The reveal {text, right} (guess.js revealText), marked right or wrong; null hides it.
export function drawReveal(c, reveal) {
  const panel = c.revealPanel
  panel.hidden = reveal === null
  if (reveal === null) return
  panel.classList.toggle("right", reveal.right)
  panel.classList.toggle("wrong", !reveal.right)
  panel.dataset.right = String(reveal.right)
  panel.replaceChildren(el("span", { class: "sv-mark" }, reveal.right ? "✓ " : "✗ "), reveal.text)
}

// The class's answers: `line` over the chart `figure` (lecture.js classFigure); null hides them.
export function drawClass(c, line, figure, template) {
  c.klass.hidden = line === null
  if (line === null) return
  c.classLine.textContent = line
  if (!figure || !window.Plotly) return
  figure.layout.template = template
  window.Plotly.react(c.classPlot, figure.data, figure.layout, { displaylogo: false, responsive: true })
}

// While a question waits for its guess the page hides what would give it away (stepview.css).
export function setAsking(on) {
  document.body.classList.toggle("sv-asking", on)
}

// Everything of the modes hidden again, the page as it was.
export function clearClassroom(c) {
  for (const node of [c.ask, c.reveal, c.room, c.following, c.score, c.prompt, c.guesses, c.answer,
    c.revealPanel, c.klass]) node.hidden = true
  c.onGuess = null
  setAsking(false)
}
