// One step view's state: everything that changes while a person steps through a trace.
// Pure: the functions here compute, the DOM lives in view.js and plots.js.

// A new view's state. `steps` keeps, for each trace (its key), the step last shown there:
// a new heatmap choice or Classroom mode redraws the same trace at that step.
export function createState() {
  return {
    key: null, // the trace shown (data.key)
    n: 0, // its number of steps: steps 0..n
    step: 0, // the step shown
    steps: new Map(), // trace key -> step last shown
    speed: null, // Play's seconds per step
    playing: false,
    timer: null, // Play's next step
    linkTimer: null, // the link's ?step= rewrite, once stepping pauses
    typeset: null, // LaTeX -> MathML (formulas.js), once KaTeX is loaded
    warm: false, // Plotly has drawn the whole trace once
    heatLayout: null, // which heatmaps (or notes) the view holds now
    mounts: 0, // how many times the page has given the view data (index.js mount)
    score: { right: 0, asked: 0 }, // Quiz me's guesses (guess.js): kept for the page's life
    requested: new Set(), // the new runs a lecture asked for (modes.js): each asked once
  }
}

export const clamp = (i, n) => Math.max(0, Math.min(i, n))

// The step to open a trace at: the one last shown for it, else the link's (data.step).
export function openingStep(state, data) {
  const step = state.steps.has(data.key) ? state.steps.get(data.key) : data.step
  return clamp(step, data.n)
}

// Which buttons are off at step i of n, and what Play says. Play is on at the last step
// too: it starts again from the first.
export function controls(i, n, playing) {
  return {
    reset: i === 0,
    back: i === 0,
    next: i >= n,
    play: n === 0,
    playLabel: playing ? "⏸ Pause" : "▶ Play",
  }
}

// Where Play starts: here, or from the first step when the last one is shown.
export const playFrom = (i, n) => (i >= n ? 0 : i)

// When Play's k-th step is due (ms, performance.now() clock): on a clock that starts at
// `start`, so that a slow step never delays the ones after it.
export const dueAt = (start, k, speed) => start + k * speed * 1000

// Whether a step is announced to a screen reader as it is shown: always, except while Play
// runs faster than one step per ANNOUNCE_MIN_S (each sentence would cut the last one off:
// the step is said once Play pauses).
export const ANNOUNCE_MIN_S = 1.5
export const announces = (playing, speed) => !playing || speed >= ANNOUNCE_MIN_S
