// The formulas at each step: KaTeX's MathML of the general formulas (the same at every
// step, typeset once and kept on screen) and of each step's live line (its numbers).
//
// data.formulas = {general, names, steps}: step i's row is [index into general, live line].
// At each step only the live lines that changed are replaced: less for the browser to lay
// out, as Play may show ten steps a second.

import { el } from "./dom.js"

// LaTeX -> KaTeX's MathML, each formula typeset once (`katex`: KaTeX's module, or null:
// then the LaTeX source is shown). KaTeX writes MathML, which the browser typesets itself.
export function typesetter(katex, limit = 2000) {
  const done = new Map()
  return (latex) => {
    if (!katex) return null
    if (!done.has(latex)) {
      if (done.size > limit) done.clear()
      const options = { displayMode: true, output: "mathml", throwOnError: false }
      done.set(latex, katex.renderToString(latex, options))
    }
    return done.get(latex)
  }
}

// Every LaTeX line of these formula sets (the general ones and every step's live lines),
// for typesetting ahead while the browser is idle.
export function allLatex(sets) {
  return sets.filter(Boolean).flatMap((f) => [...f.general, ...f.steps.flat().map((p) => p[1])])
}

// What to change in a box that shows `shown` ([{general, live}], the keys its pairs carry)
// to show `row` (step i's [g, live] pairs), `mode` "k" (typeset) or "s" (LaTeX source):
//   rebuild   true when the general formulas differ: the box is drawn afresh
//   want      the keys each pair should carry
//   replace   the pairs whose live line must be drawn again
export function formulaPlan(shown, row, mode) {
  const want = row.map(([g, live]) => ({ general: `${mode}:${g}`, live }))
  const rebuild = !(
    want.length > 0 &&
    want.length === shown.length &&
    want.every((w, k) => shown[k].general === w.general)
  )
  const replace = want.flatMap((w, k) => (rebuild || shown[k].live !== w.live ? [k] : []))
  return { rebuild, want, replace }
}

// One typeset formula (or its LaTeX source, when KaTeX is not there).
function texNode(typeset, latex) {
  const html = typeset ? typeset(latex) : null
  if (html === null) return el("div", { class: "sv-tex" }, null, [el("code", {}, latex)])
  const node = el("div", { class: "sv-tex" })
  node.innerHTML = html // KaTeX's own markup of our LaTeX (tokens escaped by it)
  return node
}

// Step i's formulas into `box`; `hint` when the step has none (step 0).
export function drawFormulas(box, formulas, i, typeset, hint) {
  const row = (formulas && formulas.steps[i]) || []
  const pairs = [...box.querySelectorAll(":scope > .sv-formula")]
  const shown = pairs.map((p) => ({ general: p.dataset.general, live: p.dataset.live }))
  const plan = formulaPlan(shown, row, typeset ? "k" : "s")
  if (plan.rebuild) {
    box.replaceChildren()
    if (!row.length && hint) box.appendChild(el("p", { class: "sv-hint" }, hint))
    for (const [k, [g]] of row.entries()) {
      const pair = el("div", { class: "sv-formula", "data-general": plan.want[k].general })
      pair.append(el("div", { class: "sv-name" }, formulas.names[g]),
        texNode(typeset, formulas.general[g]), el("div", { class: "sv-tex" }))
      box.appendChild(pair)
    }
  }
  const lives = box.querySelectorAll(":scope > .sv-formula")
  for (const k of plan.replace) {
    lives[k].replaceChild(texNode(typeset, row[k][1]), lives[k].lastChild)
    lives[k].dataset.live = row[k][1]
  }
}

// Typeset every line ahead while the browser is idle, so that a step only swaps markup in
// (KaTeX takes ~10 ms for a step's six formulas: a tenth of Play's fastest step).
export function typesetAhead(typeset, sets) {
  const todo = allLatex(sets)
  const idle = window.requestIdleCallback
    || ((fn) => setTimeout(() => fn({ timeRemaining: () => 8 }), 50))
  const work = (deadline) => {
    while (todo.length && deadline.timeRemaining() > 1) typeset(todo.pop())
    if (todo.length) idle(work)
  }
  idle(work)
}
