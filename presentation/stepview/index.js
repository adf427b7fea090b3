// Home's step view, in the browser: the whole trace arrives once (presentation/stepping.py),
// and Next, Back, Reset, Play and the keyboard step through it here, with no server run.
//
//   data.figures[name] = {base, steps}   figure of step i = applyOps(base, steps[i])  (ops.js)
//   data.tokens, data.marks              y_1..y_n and whether each is right
//   data.what_if[i - 1]                  the other tokens step i could have chosen
//   data.formulas = {general, steps}     step i's formulas (formulas.js); attribution_formulas:
//                                        the same for a_i.
//   data.plotly, data.katex              where Plotly and KaTeX load from (ui/stepview.py)
//   data.blocks                          the class prefix of the page's per-step blocks
//   data.link                            false: leave the address alone (an exported page,
//                                        a notebook); else ?step= follows the step
//   data.quiz, data.lecture, data.guess  Quiz me and lecture mode (modes.js); absent: off
//
// `mount` is the entry of a Streamlit component (components v2: ui/stepview.py imports
// this module and calls it with each new data); the other modules know nothing of
// Streamlit.

import { el } from "./dom.js"
import { typesetAhead, typesetter } from "./formulas.js"
import { clickedColumn } from "./guess.js"
import { eventAction } from "./keys.js"
import { useMode } from "./modes.js"
import { drawStepFormulas, play, show, stop, toggle } from "./player.js"
import { drawPlots, followSizes, loadPlotly, plotNodes } from "./plots.js"
import { createState, openingStep } from "./state.js"
import { build, drawHeat, drawSpeeds, drawTables } from "./view.js"

const views = new WeakMap() // the element a view lives in -> that view (sv)
let katexLoading = null // KaTeX, loaded once for the page

// The data arrives as UTF-8 JSON bytes (ui/stepview.py: one encoding on the server).
export function parse(data) {
  if (data instanceof Uint8Array || data instanceof ArrayBuffer)
    return JSON.parse(new TextDecoder().decode(data))
  return data
}

// KaTeX from Streamlit's own static files (an ES module), or the page's own (an exported
// page holds it: globalThis.katex); null without either.
function loadKatex(url) {
  if (globalThis.katex) return Promise.resolve(globalThis.katex)
  if (!url) return Promise.resolve(null)
  katexLoading ??= import(new URL(url, document.baseURI).href)
    .then((module) => module.default)
    .catch(() => null)
  return katexLoading
}

// A control's action ("next", "back", "reset" or "toggle": a button or a key), unless a
// lecture or quiz has it off or takes it itself (modes.js).
function act(sv, action) {
  if (action === "table") return toggleTable(sv) // reading, never stepping: always allowed
  const locks = sv.mode ? sv.mode.locks() : {}
  if (locks[action === "toggle" ? "play" : action]) return
  if (sv.mode && sv.mode.intercept(action)) return
  if (action === "toggle") return toggle(sv)
  stop(sv)
  show(sv, { next: sv.state.step + 1, back: sv.state.step - 1, reset: 0 }[action])
}

// The heatmap as a table (key T): opened with the focus on it, or closed.
function toggleTable(sv) {
  const { table } = sv.dom
  table.open = !table.open
  if (table.open) table.querySelector("summary").focus()
}

function wire(sv) {
  const { buttons, speed, context, view } = sv.dom
  for (const name of ["reset", "back", "next"]) buttons[name].onclick = () => act(sv, name)
  buttons.play.onclick = () => act(sv, "toggle")
  sv.cellClick = (point) => { // a heatmap cell clicked: a guess, while one is asked
    const j = clickedColumn(point)
    if (j !== null && sv.mode) sv.mode.cell(j)
  }
  speed.onchange = () => {
    sv.state.speed = Number(speed.value)
    if (sv.state.playing) { stop(sv); play(sv) }
  }
  context.ontoggle = () => drawPlots(sv, sv.state.step)
  sv.dom.table.ontoggle = () => drawTables(sv.dom.tableBody, sv.data.tables, sv.state.step)
  view.onkeydown = (event) => {
    const action = eventAction(event, view)
    if (!action) return
    event.preventDefault() // no page scroll, no second click on a button
    act(sv, action)
  }
}

// The view for this data: its elements made once, its heatmaps as the data asks.
function update(sv, data) {
  const { state, dom } = sv
  sv.data = data
  state.key = data.key
  state.n = data.n
  state.step = openingStep(state, data)
  state.speed ??= data.speed
  dom.view.classList.toggle("large", data.large)
  dom.view.classList.toggle("both", data.view === "both")
  const names = ["attention", "attribution"].filter((k) => data.figures[k] || data.notes[k])
  const layout = names.map((k) => (data.figures[k] ? k : `note:${data.notes[k]}`)).join("|")
  if (state.heatLayout !== layout) { // new heatmaps: new elements (the same ones: kept)
    state.heatLayout = layout
    drawHeat(dom.heat, names, data)
  }
  sv.plots = plotNodes(dom, data)
  drawSpeeds(dom.speed, data.speeds, state.speed)
}

function start(sv) {
  const { data, state, dom } = sv
  loadKatex(data.katex).then((katex) => {
    if (!katex || state.typeset) return
    state.typeset = typesetter(katex)
    drawStepFormulas(sv)
    typesetAhead(state.typeset, [data.formulas, data.attribution_formulas])
  })
  loadPlotly(data.plotly).then(() => {
    // Draw the whole trace once, then the step to show, in one task (only the second is
    // painted): Plotly's first drawing of every row and cell label is its slowest, and
    // Play's first steps would pay for it.
    if (state.step < state.n && !state.warm) drawPlots(sv, state.n)
    state.warm = true
    show(sv, state.step)
    followSizes(sv)
    if (sv.mode) sv.mode.begin() // its chart, now that Plotly is there
  }).catch((err) => dom.heat.replaceChildren(el("div", { class: "sv-note" }, String(err))))
}

// Show `component.data` in `component.parentElement`; returns the clean-up for when the
// view leaves the page.
export default function mount(component) {
  const parent = component.parentElement
  let sv = views.get(parent)
  if (!sv) {
    sv = { state: createState(), dom: build(parent) }
    views.set(parent, sv)
    wire(sv)
  }
  sv.force = (step, token) => component.setTriggerValue("force", { step, token, key: sv.data.key })
  if (sv.state.playing) stop(sv)
  update(sv, parse(component.data))
  useMode(sv, sv.data, component)
  show(sv, sv.state.step)
  if (sv.mode) sv.mode.begin()
  start(sv)
  const mounted = (sv.state.mounts += 1)
  return () => {
    if (sv.state.mounts !== mounted) return // a newer mount holds the view
    stop(sv)
    sv.mode?.close() // its event stream closed, the page's cards shown again
    sv.mode = null
    sv.resize?.disconnect()
    clearTimeout(sv.state.linkTimer)
  }
}
