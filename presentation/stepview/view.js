// The step view's elements: built once per view, then only their contents change.

import { buildClassroom } from "./classroom.js"
import { el } from "./dom.js"
import { controls } from "./state.js"

const KEYS_HELP =
  "Keys, with the view focused: → or PageDown next, ← or PageUp back, Space play/pause, " +
  "Home reset, T the heatmap as a table."

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
  const counter = el("h3", { class: "sv-step" }) // the live region says it (player.js)
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
let views = 0 // views built on this page: each one's ids its own

export function build(root) {
  views += 1
  const classroom = buildClassroom()
  const { bar, buttons, speed, counter } = controlBar([classroom.ask, classroom.reveal])
  const plot = (name) => el("div", { class: "sv-plot", "data-figure": name })
  // the heatmap in words: the step's sentence (seen and read), the step announced as it
  // changes (read only), the whole matrix as a table (key T)
  const said = el("p", { class: "sv-said", id: `sv-said-${views}` })
  const live = el("div", { class: "sv-sr", "aria-live": "polite", role: "status" })
  const tableBody = el("div", { class: "sv-table-body" })
  const table = details("sv-table", "The heatmap as a table (key T)", tableBody)
  const heat = el("div", {
    class: "sv-heat", role: "group", "aria-label": "Heatmap", "aria-describedby": said.id,
  })
  const output = el("div", { class: "sv-output" })
  const whatIf = el("div", { class: "sv-whatif" })
  const topk = plot("topk")
  const main = el("div", { class: "sv-main" }, null, [
    el("div", { class: "sv-left" }, null, [classroom.panel, heat, said, table, classroom.klass]),
    el("div", { class: "sv-side" }, null, [output, topk, whatIf]),
  ])
  const contextRow = el("div", { class: "sv-context-row" }, null, [plot("norms"), plot("context")])
  const context = details("sv-context", "Context vectors: c_i against the one fixed c", contextRow)
  const attribution = el("div", { class: "sv-formulas sv-attribution" })
  const formulaList = el("div", { class: "sv-formula-list" })
  const blocks = el("style") // which of the server's blocks show (page.js)
  const view = el("div", {
    class: "stepview", tabindex: "0", role: "region", "aria-label": "Step view",
    "aria-keyshortcuts": "ArrowRight ArrowLeft PageDown PageUp Space Home T",
  }, null, [live,
    bar, classroom.bar, el("div", { class: "sv-keys" }, KEYS_HELP), main, attribution, context,
    details("sv-formulas", "The formulas at this step", formulaList, true), blocks,
  ])
  root.appendChild(view)
  return {
    view, buttons, speed, counter, heat, output, topk, whatIf, context, attribution,
    formulaList, blocks, classroom, said, live, table, tableBody,
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
    ? el("div", { class: "sv-plot", "data-figure": name, role: "figure", "aria-label": FIGURES[name] })
    : el("div", { class: "sv-note" }, data.notes[name]))))
}

// Each figure's name for a screen reader (what it shows is said in words: sv-said, the table)
export const FIGURES = {
  attention: "Heatmap of the attention weights α: rows the output steps so far, columns the source symbols",
  attribution: "Heatmap of the attribution a: rows the output steps so far, columns the source symbols",
  topk: "Bar chart: the most likely next tokens and their probabilities",
  norms: "Line chart: the size of the context vector at each step",
  context: "Strip: the context vector's entries at this step",
}

// The heatmaps' matrices as tables, rows up to step i (the cells the heatmap shows).
export function drawTables(body, tables, i) {
  body.replaceChildren(...Object.values(tables ?? {}).map((t) => el("table", {}, null, [
    el("caption", {}, `${t.caption}, steps 1 to ${i}`),
    el("thead", {}, null, [el("tr", {}, null,
      t.columns.map((c) => el("th", { scope: "col" }, c)))]),
    el("tbody", {}, null, t.rows.slice(0, i).map(([label, ...cells]) => el("tr", {}, null, [
      el("th", { scope: "row" }, label), ...cells.map((c) => el("td", {}, c))]))),
  ])))
}

// Step i's counter, output so far, what-if buttons and controls; `force(i, token)` runs
// when a what-if button is pressed; `locks`: the controls a lecture or quiz switches off
// ({reset, back, next, play, whatIf}: true for off).
export function drawText(dom, data, i, playing, force, locks = {}) {
  dom.counter.textContent = `step ${i} of ${data.n}`
  const tokens = data.tokens.slice(0, i).flatMap((tok, k) => (data.marks[k] // wrong: not by colour alone
    ? [el("span", { class: "tok" }, tok), " "]
    : [el("span", { class: "tok wrong", title: "wrong" }, tok), el("span", { class: "sv-sr" }, "(wrong)"), " "]))
  dom.said.textContent = data.alt?.[i] ?? ""
  if (dom.table.open) drawTables(dom.tableBody, data.tables, i)
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
