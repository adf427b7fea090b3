// The figures, drawn with Plotly. Every figure is drawn with Plotly.react into the same
// element at every step: the plot survives (hover, zoom and its camera button keep
// working) and only its numbers change.
//
// Each figure's height is its own (the server's layout); its width is its element's,
// given to Plotly at every drawing. A ResizeObserver draws a figure again whenever its
// element's width changes (a new window size, Classroom mode, "both" heatmaps), without
// waiting for a step.
//
// On a narrow element (a phone) a heatmap's cell numbers are left out where they would
// overprint, and a long title is broken and set smaller (fit.js). A click on a heatmap
// cell goes to sv.cellClick (lecture mode's and Quiz me's guesses).

import { fitAnnotations, fitCellText, fitTitle, titleRoom } from "./fit.js"
import { figureAt } from "./ops.js"

export const HEATMAPS = ["attention", "attribution"]
const SMALL = ["topk", "norms", "context"]
let loading = null // plotly.min.js, loaded once for the page

// Plotly from `url` (a plain script: it sets window.Plotly).
export function loadPlotly(url) {
  if (window.Plotly) return Promise.resolve(window.Plotly)
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement("script")
    script.src = new URL(url, document.baseURI).href
    script.onload = () => resolve(window.Plotly)
    script.onerror = () => reject(new Error("plotly.min.js could not be loaded"))
    document.head.appendChild(script)
  })
  return loading
}

// The plot elements of the figures this data has: name -> element.
export function plotNodes(dom, data) {
  const nodes = {}
  for (const name of [...HEATMAPS, ...SMALL]) {
    const node = dom.view.querySelector(`.sv-plot[data-figure="${name}"]`)
    if (node && data.figures[name]) nodes[name] = node
  }
  return nodes
}

// A phone shows the mode bar (zoom, camera) on top of the title at every touch: not there.
function config(data, name) {
  return {
    displaylogo: false,
    displayModeBar: window.innerWidth <= 700 ? false : "hover",
    toImageButtonOptions: { format: data.image_format, scale: 2, filename: name },
  }
}

// Figure `name` at step i, at its element's width.
export function drawFigure(sv, name, i) {
  const node = sv.plots[name]
  const width = node.clientWidth
  if (!window.Plotly || !width) return Promise.resolve() // hidden: drawn once shown
  let fig = figureAt(sv.data.figures[name], i) // a new copy: the data's stays as it is
  if (HEATMAPS.includes(name)) fig = fitCellText(fig, width)
  if (HEATMAPS.includes(name)) fig.layout = fitAnnotations(fig, width)
  const title = fig.layout.title
  fig.layout.title = fitTitle(title, width, fig.layout.font && fig.layout.font.size)
  fig.layout.margin = titleRoom(fig.layout.margin, title, fig.layout.title)
  fig.layout.template = sv.data.template
  fig.layout.uirevision = sv.data.key // a zoom stays while stepping through this trace
  fig.layout.width = width
  const drawn = window.Plotly.react(node, fig.data, fig.layout, config(sv.data, name))
  return HEATMAPS.includes(name) ? drawn.then(() => listenClicks(sv, node)) : drawn
}

// A click on a cell of heatmap element `node` goes to sv.cellClick(point) (once per element).
function listenClicks(sv, node) {
  if (node.svClicks || !node.on) return
  node.svClicks = true
  node.on("plotly_click", (event) => sv.cellClick && sv.cellClick(event.points[0]))
}

// Whether figure `name` is on screen (the context vectors: only while opened).
const shown = (sv, name) => (name !== "norms" && name !== "context") || sv.dom.context.open

// Step i's figures: the heatmaps first, the smaller charts once that frame is painted, so
// that a step's new row reaches the screen as soon as it can. Resolves once the heatmaps
// are drawn.
export function drawPlots(sv, i) {
  const names = Object.keys(sv.plots).filter((name) => shown(sv, name))
  const heat = names.filter((name) => HEATMAPS.includes(name))
  requestAnimationFrame(() => setTimeout(() => {
    if (sv.state.step === i) names.filter((n) => !heat.includes(n)).forEach((n) => drawFigure(sv, n, i))
  }, 0))
  return Promise.all(heat.map((name) => drawFigure(sv, name, i)))
}

// Draw a figure again whenever its element's width is no longer the one it was drawn at.
export function followSizes(sv) {
  sv.resize?.disconnect()
  sv.resize = new ResizeObserver((entries) => {
    for (const { target } of entries) {
      const name = target.dataset.figure
      const drawn = target._fullLayout && target._fullLayout.width
      const width = target.clientWidth
      if (sv.plots[name] === target && width && width !== drawn && shown(sv, name))
        drawFigure(sv, name, sv.state.step)
    }
  })
  Object.values(sv.plots).forEach((node) => sv.resize.observe(node))
}
