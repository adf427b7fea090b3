// Stepping: show a step, and Play (one step every `speed` seconds, on a clock).
//
// sv = {data, state, dom, plots, force, mode}: the server's data, the one state object
// (state.js), the elements (view.js), the plot elements (plots.js), the what-if call and
// the lecture or quiz mode, if any (modes.js: the controls it locks, the steps it hears).

import { drawFormulas } from "./formulas.js"
import { blockRule, probe, writeLinkSoon } from "./page.js"
import { drawPlots } from "./plots.js"
import { announces, clamp, dueAt, playFrom } from "./state.js"
import { drawText } from "./view.js"

export function drawStepFormulas(sv) {
  const { dom, data, state } = sv
  drawFormulas(dom.attribution, data.attribution_formulas, state.step, state.typeset, null)
  drawFormulas(dom.formulaList, data.formulas, state.step, state.typeset, data.hint)
}

export const drawControls = (sv) =>
  drawText(sv.dom, sv.data, sv.state.step, sv.state.playing, sv.force, sv.mode ? sv.mode.locks() : {})

// Show step i. `due`: when Play meant it to appear (performance.now() clock), for the
// probe. Resolves once the heatmaps are drawn.
export function show(sv, i, due = null) {
  const requested = performance.now()
  const { state, dom, data } = sv
  state.step = clamp(i, state.n)
  state.steps.set(state.key, state.step)
  // The plots first, while the page's layout is clean: Plotly measures the page as it
  // draws, and would otherwise pay for laying out the new text and formulas first.
  const drawn = drawPlots(sv, state.step)
  drawControls(sv)
  drawStepFormulas(sv)
  if (announces(state.playing, state.speed)) announce(sv)
  dom.blocks.textContent = blockRule(data.blocks, state.step)
  if (data.link !== false) writeLinkSoon(state, state.step)
  dom.view.dataset.step = String(state.step)
  const record = probe()
  if (record) {
    const entry = { step: state.step, requested, due }
    drawn.then(() => requestAnimationFrame(() => {
      entry.painted = performance.now()
      record.shown.push(entry)
    }))
  }
  if (sv.mode) sv.mode.shown()
  return drawn
}

// Say the step shown, through the view's polite live region.
export function announce(sv) {
  sv.dom.live.textContent = sv.data.alt?.[sv.state.step] ?? ""
}

export function stop(sv) {
  const wasPlaying = sv.state.playing
  clearTimeout(sv.state.timer)
  sv.state.timer = null
  sv.state.playing = false
  drawControls(sv)
  if (wasPlaying) announce(sv) // where Play stopped
  if (wasPlaying && sv.mode) sv.mode.shown()
}

// Play from here (from the first step when the last one is shown): step k is due at
// start + k * speed, however long the steps before it took.
export function play(sv) {
  const { state } = sv
  if (playFrom(state.step, state.n) !== state.step) show(sv, 0)
  state.playing = true
  const start = performance.now()
  let k = 0
  const tick = () => {
    if (!state.playing) return
    if (state.step >= state.n) return stop(sv)
    k += 1
    show(sv, state.step + 1, dueAt(start, k, state.speed))
    state.timer = setTimeout(tick, Math.max(0, dueAt(start, k + 1, state.speed) - performance.now()))
  }
  state.timer = setTimeout(tick, state.speed * 1000)
  drawControls(sv)
  if (sv.mode) sv.mode.shown()
}

export const toggle = (sv) => (sv.state.playing ? stop(sv) : play(sv))
