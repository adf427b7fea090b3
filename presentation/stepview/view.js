// The step view's elements: built once per view, then only their contents change.

import { buildClassroom } from "./classroom.js"
import { el } from "./dom.js"
import { controls } from "./state.js"

const KEYS_HELP =
  "Keys, with the view focused: → or PageDown next, ← or PageUp back, Space play/pause, Home reset."

function button(testid, text, cls = "") {
  return el("button", { type: "button", class: cls, "data-testid": testid }, text)
}

function controlBar(extra) {
  const buttons = {
    reset: button("sv-reset", "⟲ Reset"),
    back: button("sv-back", "◀ Back"),
    next: button("sv-next", "Next ▶", "primary"),
    play: button("sv-play", "▶ Play"),
  }
  const speed = el("select", { "aria-label": "Play speed (s per step)" })
  const counter = el("h3", { class: "sv-step", "aria-live": "polite" })
  const bar = el("div", { class: "sv-controls" }, null, [
    ...Object.values(buttons), ...extra, el("label", { class: "sv-speed" }, "Play speed ", [speed]),
    counter,
  ])
  return { bar, buttons, speed, counter }
}

function details(cls, summary, body, open = false) {
  const node = el("details", { class: cls }, null, [el("summary", {}, summary), body])
  node.open = open
  return node
}

// The elements of a view inside `root` (the element its host gives it). Lecture mode's and
// Quiz me's (classroom.js) wait hidden: Ask and Reveal in the control bar, the room and
// the score under it, the question above the heatmap, the class's answers under it.
export function build(root) {
  const classroom = buildClassroom()
  const { bar, buttons, speed, counter } = controlBar([classroom.ask, classroom.reveal])
  const plot = (name) => el("div", { class: "sv-plot", "data-figure": name })
  const heat = el("div", { class: "sv-heat" })
  const output = el("div", { class: "sv-output" })
  const whatIf = el("div", { class: "sv-whatif" })
  const topk = plot("topk")
  const main = el("div", { class: "sv-main" }, null, [
    el("div", { class: "sv-left" }, null, [classroom.panel, heat, classroom.klass]),
    el("div", { class: "sv-side" }, null, [output, topk, whatIf]),
  ])
  const contextRow = el("div", { class: "sv-context-row" }, null, [plot("norms"), plot("context")])
  const context = details("sv-context", "Context vectors: c_i against the one fixed c", contextRow)
  const attribution = el("div", { class: "sv-formulas sv-attribution" })
  const formulaList = el("div", { class: "sv-formula-list" })
  const blocks = el("style") // which of the server's blocks show (page.js)
  const view = el("div", { class: "stepview", tabindex: "0" }, null, [
    bar, classroom.bar, el("div", { class: "sv-keys" }, KEYS_HELP), main, attribution, context,
    details("sv-formulas", "The formulas at this step", formulaList, true), blocks,
  ])
  root.appendChild(view)
  return {
    view, buttons, speed, counter, heat, output, topk, whatIf, context, attribution,
    formulaList, blocks, classroom,
  }
}

// The play speeds offered, `speed` selected.
export function drawSpeeds(select, speeds, speed) {
  select.replaceChildren(...speeds.map((s) => {
    const option = el("option", { value: String(s) }, `${s} s`)
    option.selected = s === speed
    return option
  }))
}

// The heatmaps' elements: a plot for each figure, a note where the model has none.
export function drawHeat(heat, names, data) {
  heat.replaceChildren(...names.map((name) => (data.figures[name]
    ? el("div", { class: "sv-plot", "data-figure": name })
    : el("div", { class: "sv-note" }, data.notes[name]))))
}

// Step i's counter, output so far, what-if buttons and controls; `force(i, token)` runs
// when a what-if button is pressed; `locks`: the controls a lecture or quiz switches off
// ({reset, back, next, play, whatIf}: true for off).
export function drawText(dom, data, i, playing, force, locks = {}) {
  dom.counter.textContent = `step ${i} of ${data.n}`
  const tokens = data.tokens.slice(0, i).flatMap((tok, k) => [
    el("span", { class: data.marks[k] ? "tok" : "tok wrong" }, tok), " ",
  ])
  dom.output.replaceChildren(el("strong", {}, "Output so far: "),
    ...(i === 0 ? [el("em", {}, "(nothing yet)")] : tokens))
  const choices = i > 0 ? data.what_if[i - 1] : []
  dom.whatIf.replaceChildren(...(choices.length
    ? [el("div", { class: "sv-whatif-label" }, `What if step ${i} had chosen another token?`)]
    : []))
  for (const [shown, token] of choices) {
    const title = `Force y_${i} to this token and decode greedily on`
    const b = el("button", { type: "button", class: "pill", title }, shown)
    b.disabled = Boolean(locks.whatIf)
    b.onclick = () => force(i, token)
    dom.whatIf.appendChild(b)
  }
  const off = controls(i, data.n, playing)
  for (const name of ["reset", "back", "next", "play"])
    dom.buttons[name].disabled = off[name] || Boolean(locks[name])
  dom.buttons.play.textContent = off.playLabel
}
