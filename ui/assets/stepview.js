// Home's step view, in the browser: the whole trace arrives once (presentation/stepping.py),
// and Next, Back, Reset, Play and the keyboard step through it here, with no server run.
//
//   data.figures[name] = {base, steps}   figure of step i = applyOps(base, steps[i])
//   data.tokens, data.marks              y_1..y_n and whether each is right
//   data.what_if[i - 1]                  the other tokens step i could have chosen
//   data.formulas = {general, steps}     step i's formulas: [index into general, live line]
//                                        (attribution_formulas: the same for a_i.)
//
// Every figure is drawn with Plotly.react into the same element at every step: the plot
// survives (hover, zoom and its camera button keep working) and only its numbers change.
// plotly.min.js comes from the installed plotly package (ui/stepview.py serves it), and
// KaTeX, which typesets the formulas, is the copy Streamlit itself ships (data.katex).
//
// The server's blocks of one step (the diagram) are keyed "step-<i>-<what>": a CSS
// rule shows the current step's and hides the others. The step is written into the link
// (?step=i) so that a copied address reopens it.

const PLOTLY_URL = "component/ui.stepview.plotly/plotly.min.js"
const KEYS_NEXT = ["ArrowRight", "PageDown"]
const KEYS_BACK = ["ArrowLeft", "PageUp"]
const HEATMAPS = ["attention", "attribution"]
const remembered = new Map() // trace key -> the step shown, kept while the page lives
let plotlyLoading = null
let katexLoading = null
const typeset = new Map() // LaTeX -> its HTML: a general formula is typeset once

// --- the figures of one step ------------------------------------------------------------

// The same operations as presentation/figures/frames.py `apply`.
export function applyOps(base, ops) {
  const out = structuredClone(base)
  for (const [kind, path, value] of ops) {
    let parent = out
    for (const key of path.slice(0, -1)) parent = parent[key]
    const last = path[path.length - 1]
    if (kind === "set") parent[last] = structuredClone(value)
    else if (kind === "head") parent[last] = parent[last].slice(0, value)
    else if (kind === "del") delete parent[last]
    else throw new Error(`unknown operation ${kind}`)
  }
  return out
}

function loadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly)
  if (!plotlyLoading) {
    plotlyLoading = new Promise((resolve, reject) => {
      const script = document.createElement("script")
      script.src = new URL(PLOTLY_URL, document.baseURI).href
      script.onload = () => resolve(window.Plotly)
      script.onerror = () => reject(new Error("plotly.min.js could not be loaded"))
      document.head.appendChild(script)
    })
  }
  return plotlyLoading
}

// The formulas: KaTeX from Streamlit's own static files; without it, the LaTeX source.
// KaTeX writes MathML, which the browser typesets itself: the KaTeX module Streamlit ships
// is not the version of the KaTeX styles its page carries, and its HTML would come out
// wrong (subscripts on the line).
function loadKatex(url) {
  if (!url) return Promise.resolve(null)
  if (!katexLoading)
    katexLoading = import(new URL(url, document.baseURI).href)
      .then((module) => module.default)
      .catch(() => null)
  return katexLoading
}

function tex(katex, latex) {
  const node = document.createElement("div")
  node.className = "sv-tex"
  if (!katex) {
    node.appendChild(el("code", {}, latex))
    return node
  }
  if (!typeset.has(latex)) {
    if (typeset.size > 2000) typeset.clear()
    typeset.set(latex, katex.renderToString(latex, { displayMode: true, output: "mathml", throwOnError: false }))
  }
  node.innerHTML = typeset.get(latex) // KaTeX's own markup of our LaTeX (tokens escaped by it)
  return node
}

// Typeset every step's formulas while the browser is idle, so that a step only swaps
// markup in (KaTeX takes ~10 ms for a step's six formulas: a tenth of Play's fastest step).
function typesetAhead(katex, sets) {
  if (!katex) return
  const todo = sets.filter(Boolean).flatMap((f) => [...f.general, ...f.steps.flat().map((p) => p[1])])
  const idle = window.requestIdleCallback || ((fn) => setTimeout(() => fn({ timeRemaining: () => 8 }), 50))
  const work = (deadline) => {
    while (todo.length && deadline.timeRemaining() > 1) tex(katex, todo.pop())
    if (todo.length) idle(work)
  }
  idle(work)
}

// Step i's formulas into `box`. The general formulas are the same at every step: their
// typeset nodes stay, and only the lines with numbers are replaced (less for the browser
// to lay out at each step).
function drawFormulas(box, formulas, i, katex, hint) {
  const row = (formulas && formulas.steps[i]) || []
  const key = (g) => `${katex ? "k" : "s"}:${g}`
  const pairs = [...box.querySelectorAll(":scope > .sv-formula")]
  const same = row.length > 0 && pairs.length === row.length
    && row.every(([g], k) => pairs[k].dataset.general === key(g))
  if (!same) {
    box.innerHTML = ""
    if (!row.length && hint) box.appendChild(el("p", { class: "sv-hint" }, hint))
    for (const [g] of row) {
      const pair = el("div", { class: "sv-formula", "data-general": key(g) })
      pair.append(el("div", { class: "sv-name" }, formulas.names[g]),
        tex(katex, formulas.general[g]), el("div", { class: "sv-tex" }))
      box.appendChild(pair)
    }
  }
  const lives = box.querySelectorAll(":scope > .sv-formula")
  row.forEach(([, live], k) => {
    if (lives[k].dataset.live !== live) {
      lives[k].replaceChild(tex(katex, live), lives[k].lastChild)
      lives[k].dataset.live = live
    }
  })
}

// --- the view ---------------------------------------------------------------------------

function el(tag, attrs = {}, text = null) {
  const node = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v)
  if (text !== null) node.textContent = text // text, never HTML: tokens are the user's
  return node
}

function build(root) {
  root.setAttribute("tabindex", "0")
  root.classList.add("stepview")
  const bar = el("div", { class: "sv-controls" })
  const buttons = {
    reset: el("button", { type: "button", "data-testid": "sv-reset" }, "⟲ Reset"),
    back: el("button", { type: "button", "data-testid": "sv-back" }, "◀ Back"),
    next: el("button", { type: "button", class: "primary", "data-testid": "sv-next" }, "Next ▶"),
    play: el("button", { type: "button", "data-testid": "sv-play" }, "▶ Play"),
  }
  const speedLabel = el("label", { class: "sv-speed" }, "Play speed ")
  const speed = el("select", { "aria-label": "Play speed (s per step)" })
  speedLabel.appendChild(speed)
  const counter = el("h3", { class: "sv-step", "aria-live": "polite" })
  bar.append(buttons.reset, buttons.back, buttons.next, buttons.play, speedLabel, counter)
  const keys = el("div", { class: "sv-keys" },
    "Keys, with the view focused: → or PageDown next, ← or PageUp back, Space play/pause, Home reset.")
  const main = el("div", { class: "sv-main" })
  const heat = el("div", { class: "sv-heat" })
  const side = el("div", { class: "sv-side" })
  const output = el("div", { class: "sv-output" })
  const topk = el("div", { class: "sv-plot", "data-figure": "topk" })
  const whatIf = el("div", { class: "sv-whatif" })
  side.append(output, topk, whatIf)
  main.append(heat, side)
  const context = el("details", { class: "sv-context" })
  context.appendChild(el("summary", {}, "Context vectors: c_i against the one fixed c"))
  const contextRow = el("div", { class: "sv-context-row" })
  contextRow.append(
    el("div", { class: "sv-plot", "data-figure": "norms" }),
    el("div", { class: "sv-plot", "data-figure": "context" }),
  )
  context.appendChild(contextRow)
  const attribution = el("div", { class: "sv-formulas sv-attribution" })
  const formulas = el("details", { class: "sv-formulas", open: "" })
  formulas.appendChild(el("summary", {}, "The formulas at this step"))
  const formulaList = el("div", { class: "sv-formula-list" })
  formulas.appendChild(formulaList)
  root.append(bar, keys, main, attribution, context, formulas)
  return {
    buttons, speed, counter, main, heat, side, output, topk, whatIf, context, attribution,
    formulaList,
  }
}

// The data arrives as UTF-8 JSON bytes (ui/stepview.py: one encoding on the server).
function parse(data) {
  if (data instanceof Uint8Array || data instanceof ArrayBuffer)
    return JSON.parse(new TextDecoder().decode(data))
  return data
}

export default function (component) {
  const { parentElement, setTriggerValue } = component
  const data = parse(component.data)
  // our own element inside Streamlit's (which also holds the <style> of stepview.css)
  let root = parentElement.querySelector(":scope > .stepview")
  if (!root) {
    root = el("div", { class: "stepview" })
    parentElement.appendChild(root)
  }
  const view = root.__view || (root.__view = build(root))
  const state = root.__state || (root.__state = { playing: false, timer: null })
  const n = data.n
  let step = remembered.has(data.key) ? remembered.get(data.key) : data.step
  step = Math.max(0, Math.min(step, n))
  state.speed = state.speed ?? data.speed
  root.classList.toggle("large", data.large)
  root.classList.toggle("both", data.view === "both")
  // Classroom mode or "both" change the columns: the plots are drawn afresh at their new
  // width (Plotly.react would keep the old one).
  const shape = `${data.large}|${data.view}`
  if (view.shape !== undefined && view.shape !== shape && window.Plotly)
    root.querySelectorAll(".sv-plot").forEach((node) => window.Plotly.purge(node))
  view.shape = shape

  // the heatmaps this view shows, in order
  const heatNames = ["attention", "attribution"].filter(
    (k) => data.figures[k] || data.notes[k])
  const layout = heatNames.map((k) => (data.figures[k] ? k : `note:${data.notes[k]}`)).join("|")
  if (view.heatLayout !== layout) { // new heatmaps: new elements (the same ones: kept)
    view.heatLayout = layout
    view.heat.innerHTML = ""
    for (const name of heatNames) {
      view.heat.appendChild(data.figures[name]
        ? el("div", { class: "sv-plot", "data-figure": name })
        : el("div", { class: "sv-note" }, data.notes[name]))
    }
  }
  const plots = {}
  for (const name of heatNames)
    plots[name] = view.heat.querySelector(`.sv-plot[data-figure="${name}"]`)
  for (const name of ["topk", "norms", "context"])
    plots[name] = root.querySelector(`.sv-plot[data-figure="${name}"]`)

  view.speed.innerHTML = ""
  for (const s of data.speeds) {
    const option = el("option", { value: String(s) }, `${s} s`)
    if (s === state.speed) option.selected = true
    view.speed.appendChild(option)
  }

  const config = {
    displaylogo: false,
    responsive: true,
    toImageButtonOptions: { format: data.image_format, scale: 2, filename: "" },
  }

  function figure(name, i) {
    const frames = data.figures[name]
    const fig = applyOps(frames.base, frames.steps[i])
    fig.layout.template = data.template
    fig.layout.uirevision = data.key // a zoom stays while stepping through this trace
    return fig
  }

  // The heatmaps first; the smaller charts once that frame is painted, so that a step's
  // new row reaches the screen as soon as it can (Play's steps are 100 ms apart at most).
  function drawPlots(i) {
    const Plotly = window.Plotly
    if (!Plotly) return Promise.resolve()
    const draw = (name) => {
      const fig = figure(name, i)
      return Plotly.react(plots[name], fig.data, fig.layout,
        { ...config, toImageButtonOptions: { ...config.toImageButtonOptions, filename: name } })
    }
    const names = Object.keys(plots).filter((name) => plots[name] && data.figures[name]
      && (HEATMAPS.includes(name) || name === "topk" || view.context.open))
    const shown = Promise.all(names.filter((name) => HEATMAPS.includes(name)).map(draw))
    requestAnimationFrame(() => setTimeout(() => {
      if (step === i) names.filter((name) => !HEATMAPS.includes(name)).forEach(draw)
    }, 0))
    return shown
  }

  function drawText(i) {
    view.counter.textContent = `step ${i} of ${n}`
    view.output.innerHTML = ""
    view.output.appendChild(el("strong", {}, "Output so far: "))
    if (i === 0) view.output.appendChild(el("em", {}, "(nothing yet)"))
    data.tokens.slice(0, i).forEach((tok, k) => {
      view.output.appendChild(el("span", { class: data.marks[k] ? "tok" : "tok wrong" }, tok))
      view.output.appendChild(document.createTextNode(" "))
    })
    view.whatIf.innerHTML = ""
    const choices = i > 0 ? data.what_if[i - 1] : []
    if (choices.length) {
      view.whatIf.appendChild(el("div", { class: "sv-whatif-label" },
        `What if step ${i} had chosen another token?`))
      for (const [shown, token] of choices) {
        const b = el("button", { type: "button", class: "pill", title: `Force y_${i} to this token and decode greedily on` }, shown)
        b.onclick = () => setTriggerValue("force", { step: i, token, key: data.key })
        view.whatIf.appendChild(b)
      }
    }
    view.buttons.reset.disabled = i === 0
    view.buttons.back.disabled = i === 0
    view.buttons.next.disabled = i >= n
    view.buttons.play.disabled = i >= n && !state.playing
    view.buttons.play.textContent = state.playing ? "⏸ Pause" : "▶ Play"
  }

  function showServerBlocks(i) {
    // The server's blocks of step i (its diagram): this one shown, the others hidden.
    let style = document.getElementById("stepview-blocks")
    if (!style) {
      style = el("style", { id: "stepview-blocks" })
      document.head.appendChild(style)
    }
    const c = data.step_class
    style.textContent =
      `html body [class*="${c}"] { display: none !important; }\n` +
      `html body [class*="${c}${i}-"] { display: flex !important; }`
  }

  function writeLink(i) {
    const url = new URL(window.location.href)
    if (url.searchParams.get("step") === String(i)) return
    url.searchParams.set("step", String(i))
    window.history.replaceState(window.history.state, "", url)
  }
  // Rewriting the address costs ~10 ms in Chromium: while Play runs, once it pauses.
  function writeLinkSoon(i) {
    clearTimeout(state.linkTimer)
    state.linkTimer = setTimeout(() => writeLink(i), 250)
  }

  // due: when Play meant this step to appear (performance.now() clock), for the record
  function show(i, due = null) {
    const requested = performance.now()
    step = Math.max(0, Math.min(i, n))
    remembered.set(data.key, step)
    // The plots first, while the page's layout is clean: Plotly measures the page as it
    // draws, and would otherwise pay for laying out the new text and formulas first.
    const shown = drawPlots(step)
    drawText(step)
    drawFormulas(view.attribution, data.attribution_formulas, step, state.katex, null)
    drawFormulas(view.formulaList, data.formulas, step, state.katex, data.hint)
    showServerBlocks(step)
    writeLinkSoon(step)
    root.dataset.step = String(step)
    window.__stepview = window.__stepview || { shown: [] }
    const record = { step, requested, due }
    shown.then(() => requestAnimationFrame(() => {
      record.painted = performance.now()
      window.__stepview.shown.push(record)
    }))
    return shown
  }

  // Play: one step every `speed` seconds, on a clock (a slow step never delays the rest).
  function stop() {
    clearTimeout(state.timer)
    state.timer = null
    state.playing = false
    drawText(step)
  }
  function play() {
    if (step >= n) show(0)
    state.playing = true
    const start = performance.now()
    let k = 0
    const tick = () => {
      if (!state.playing) return
      if (step >= n) return stop()
      k += 1
      show(step + 1, start + k * state.speed * 1000)
      state.timer = setTimeout(tick, Math.max(0, start + (k + 1) * state.speed * 1000 - performance.now()))
    }
    state.timer = setTimeout(tick, state.speed * 1000)
    drawText(step)
  }
  const toggle = () => (state.playing ? stop() : play())

  view.buttons.reset.onclick = () => { stop(); show(0) }
  view.buttons.back.onclick = () => { stop(); show(step - 1) }
  view.buttons.next.onclick = () => { stop(); show(step + 1) }
  view.buttons.play.onclick = toggle
  view.speed.onchange = () => {
    state.speed = Number(view.speed.value)
    if (state.playing) { stop(); play() }
  }
  view.context.ontoggle = () => drawPlots(step)
  root.onkeydown = (event) => {
    if (event.target.tagName === "SELECT") return
    let handled = true
    if (KEYS_NEXT.includes(event.key)) { stop(); show(step + 1) }
    else if (KEYS_BACK.includes(event.key)) { stop(); show(step - 1) }
    else if (event.key === " ") toggle()
    else if (event.key === "Home") { stop(); show(0) }
    else handled = false
    if (handled) event.preventDefault() // no page scroll, no second click on a button
  }

  if (state.playing) stop()
  show(step)
  loadKatex(data.katex).then((katex) => {
    state.katex = katex
    drawFormulas(view.attribution, data.attribution_formulas, step, katex, null)
    drawFormulas(view.formulaList, data.formulas, step, katex, data.hint)
    typesetAhead(katex, [data.formulas, data.attribution_formulas])
  })
  loadPlotly().then(() => {
    // Draw the whole trace once, then the step to show, in one task (only the second is
    // painted): Plotly's first drawing of every row and cell label is its slowest, and
    // Play's first steps would pay for it.
    if (step < n && !view.warm) drawPlots(n)
    view.warm = true
    show(step)
  }).catch((err) => {
    view.heat.innerHTML = ""
    view.heat.appendChild(el("div", { class: "sv-note" }, String(err)))
  })
  return () => {
    clearTimeout(state.timer)
    state.playing = false
    document.getElementById("stepview-blocks")?.remove()
  }
}
