// Small screens: whether a heatmap's cell numbers fit in its cells, and a chart title that
// fits its chart. Pure: plots.js applies them to each figure before Plotly draws it.
//
// Widths are estimated, not measured: a character is about CHAR_EM font sizes wide (Plotly's
// fonts set digits at ~0.55 em), so a label of k characters at font f needs ~0.6 k f pixels.

export const CHAR_EM = 0.6
const TITLE_EM = 0.55 // a title's characters: letters and spaces, narrower than digits on average
const COLORBAR_PX = 40 // a colorbar's bar and padding; its tick labels take ~3 characters more

// Whether labels of `labelChars` characters at `fontPx` fit in `columns` cells across
// `widthPx` pixels.
export function fits(widthPx, columns, labelChars, fontPx) {
  if (!columns || !labelChars) return true
  return widthPx / columns >= CHAR_EM * fontPx * labelChars
}

// The characters of a heatmap trace's longest cell label: "%{z:.2f}" gives 4 ("0.93"),
// 5 when values go negative ("-0.93"); "%{text}" the longest text; 0 when it has none.
export function labelChars(trace) {
  const template = trace.texttemplate || ""
  if (!template) return 0
  const z = /%\{z:\.(\d)f\}/.exec(template)
  if (z) return Number(z[1]) + 2 + ((trace.zmin ?? 0) < 0 ? 1 : 0)
  if (template.includes("%{text}"))
    return Math.max(0, ...(trace.text || []).flat().map((t) => String(t).length))
  return template.length
}

// The width of a figure's plotting area at `widthPx`: less its margins and its colorbar.
export function plotWidth(fig, widthPx) {
  const margin = fig.layout.margin || {}
  const font = (fig.layout.font && fig.layout.font.size) || 12
  const colorbar = fig.data.some((t) => t.type === "heatmap" && t.showscale !== false)
    ? COLORBAR_PX + CHAR_EM * font * 3 : 0
  return widthPx - (margin.l ?? 80) - (margin.r ?? 80) - colorbar
}

// `fig` drawn `widthPx` wide: the heatmap traces whose labels do not fit their cells lose
// their labels (texttemplate ""; hover still shows the numbers). A new list of traces:
// the traces given are left as they were.
export function fitCellText(fig, widthPx) {
  const width = plotWidth(fig, widthPx)
  const layoutFont = (fig.layout.font && fig.layout.font.size) || 12
  const data = fig.data.map((trace) => {
    if (trace.type !== "heatmap" || !trace.texttemplate) return trace
    const columns = Array.isArray(trace.x) ? trace.x.length : (trace.z && trace.z[0] ? trace.z[0].length : 0)
    const font = (trace.textfont && trace.textfont.size) || layoutFont
    return fits(width, columns, labelChars(trace), font) ? trace : { ...trace, texttemplate: "" }
  })
  return { ...fig, data }
}

// A title line's width in pixels (its markup left out; a <sub> line is set smaller).
export function lineWidth(line, fontPx) {
  const scale = /<sub>/.test(line) ? 0.7 : 1
  return line.replace(/<[^>]*>/g, "").length * TITLE_EM * fontPx * scale
}

// A title that fits `widthPx`: as it is when it fits; else set smaller (down to
// MIN_TITLE_PX); only if that is not enough, also broken after its first ": " (then down to
// 10 px). `titleRoom` gives a broken title the top margin for its new line.
const MIN_TITLE_PX = 11
export function fitTitle(title, widthPx, fontPx = 13) {
  if (!title) return title
  const t = typeof title === "string" ? { text: title } : title
  const size = (t.font && t.font.size) || fontPx
  const widest = (text, px) => Math.max(...text.split("<br>").map((line) => lineWidth(line, px)))
  if (widest(t.text, size) <= widthPx) return title
  let text = t.text
  let px = size
  while (px > MIN_TITLE_PX && widest(text, px) > widthPx) px -= 1
  if (widest(text, px) > widthPx) {
    text = t.text.replace(": ", ":<br>")
    while (px > 10 && widest(text, px) > widthPx) px -= 1
  }
  return { ...t, text, font: { ...t.font, size: px } }
}

// The margins for a title that `fitTitle` broke into more lines: the top one grows by a
// line for each line added (this Plotly's automargin does not move a title's first line
// down), so no line is cut at the top of the figure.
export function titleRoom(margin, before, after) {
  const lines = (t) => (t ? (typeof t === "string" ? t : t.text || "").split("<br>").length : 0)
  const added = lines(after) - lines(before)
  if (added <= 0) return margin
  const px = (after.font && after.font.size) || 13
  const top = (margin && margin.t) ?? 100
  return { ...margin, t: top + Math.ceil(added * px * 1.3) }
}

// `fig`'s text annotations (the heatmap's strip label "where the decoder looks at step
// i = 5: …") set smaller (down to 9 px) where they would run past the figure's right edge:
// they start at the plotting area's left. A new layout; the one given is left as it was.
export function fitAnnotations(fig, widthPx) {
  const notes = fig.layout.annotations
  if (!Array.isArray(notes)) return fig.layout
  const room = widthPx - ((fig.layout.margin && fig.layout.margin.l) ?? 80) - 4
  const layoutFont = (fig.layout.font && fig.layout.font.size) || 12
  const annotations = notes.map((note) => {
    if (typeof note.text !== "string") return note
    let px = (note.font && note.font.size) || layoutFont
    const size = px
    while (px > 9 && lineWidth(note.text, px) > room) px -= 1
    return px === size ? note : { ...note, font: { ...note.font, size: px } }
  })
  return { ...fig.layout, annotations }
}
