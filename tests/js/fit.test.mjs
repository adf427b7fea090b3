// Small screens (presentation/stepview/fit.js): a heatmap's cell numbers are left out where
// they would overprint (a 390 px phone, a 9-letter input), kept where they fit, and a long
// title is broken and set smaller rather than cut.

import { test } from "node:test"
import assert from "node:assert/strict"

import { fitAnnotations, fitCellText, fitTitle, fits, labelChars, lineWidth, plotWidth, titleRoom } from "../../presentation/stepview/fit.js"

// The attention heatmap of a 9-letter input as the server sends it (presentation/figures):
// the cells' numbers at 11 px, the source strip's letters at 17 px.
const cells = { type: "heatmap", x: [1, 2, 3, 4, 5, 6, 7, 8, 9], z: [[0.1, 0.9]], zmin: 0,
  text: [["1", "2"]], texttemplate: "%{z:.2f}", textfont: { size: 11 } }
const strip = { type: "heatmap", x: cells.x, z: [[0.1]], showscale: false,
  text: [["a", "t", "t", "e", "n", "t", "i", "o", "n"]], texttemplate: "%{text}", textfont: { size: 17 } }
const heatmap = () => ({ data: [cells, strip], layout: { font: { size: 13 }, margin: { l: 107, r: 10 } } })

test("the fit rule: a label fits when its cell is 0.6 font sizes a character wide", () => {
  assert.equal(fits(90, 9, 4, 11), false) // 10 px cells, "0.93" needs 26.4 px
  assert.equal(fits(270, 9, 4, 11), true) // 30 px cells
  assert.equal(fits(264, 10, 4, 11), true) // exactly 26.4 px
  assert.equal(fits(100, 0, 4, 11), true) // nothing to draw
})

test("the characters of a cell's label, from its template", () => {
  assert.equal(labelChars(cells), 4) // 0.93
  assert.equal(labelChars({ ...cells, zmin: -1 }), 5) // -0.93 (attribution)
  assert.equal(labelChars(strip), 1)
  assert.equal(labelChars({ type: "heatmap" }), 0)
})

test("on a phone a 9-letter input's numbers go; its letters and hover stay", () => {
  const fig = heatmap()
  // a 390 px phone: the view ~358 px wide, ~170 px of it left for the cells: 19 px each
  const phone = fitCellText(fig, 358)
  assert.equal(phone.data[0].texttemplate, "")
  assert.equal(phone.data[0].hovertemplate, cells.hovertemplate)
  assert.deepEqual(phone.data[0].text, cells.text) // hover's "source j = %{text}" still works
  assert.equal(phone.data[1].texttemplate, "%{text}") // the letters fit (10 px each)
  assert.equal(fig.data[0].texttemplate, "%{z:.2f}") // the figure given is left as it was
  assert.equal(cells.texttemplate, "%{z:.2f}")
  // a desktop column: 68 px cells
  assert.equal(fitCellText(fig, 800).data[0].texttemplate, "%{z:.2f}")
  assert.equal(fitCellText(fig, 800).data[0], cells) // untouched traces are the same objects
})

test("Classroom mode's larger numbers need wider cells", () => {
  const large = { ...heatmap(), data: [{ ...cells, textfont: { size: 20 } }] }
  assert.equal(fitCellText(large, 600).data[0].texttemplate, "") // 48 px needed, ~46 px there
  assert.equal(fitCellText(large, 700).data[0].texttemplate, "%{z:.2f}")
})

test("the cells' width: the element's less the margins and the colorbar", () => {
  assert.equal(plotWidth({ data: [strip], layout: { margin: { l: 100, r: 10 } } }, 500), 390)
  const withBar = plotWidth(heatmap(), 500)
  assert.ok(withBar < 383 && withBar > 300, String(withBar))
})

test("a title that fits stays; a long one shrinks first, and breaks after its colon only if it must", () => {
  const title = { text: "P(y_i | y_<i, X): the most likely next tokens<br><sub>in red the chosen y_i</sub>",
    font: { size: 15 } }
  assert.equal(fitTitle(title, 800), title)
  const laptop = fitTitle(title, 300) // 12 px fits: one line, smaller
  assert.equal(laptop.text, title.text)
  assert.ok(laptop.font.size < 15 && laptop.font.size >= 11)
  const phone = fitTitle(title, 200) // even 11 px is too wide: broken, then smaller
  assert.ok(phone.text.startsWith("P(y_i | y_<i, X):<br>the most likely next tokens"))
  assert.ok(phone.font.size <= 15 && phone.font.size >= 10)
  for (const t of [laptop, phone])
    for (const line of t.text.split("<br>")) assert.ok(lineWidth(line, t.font.size) <= (t === phone ? 200 : 300), line)
  assert.equal(title.text.includes(":<br>"), false) // the title given is left as it was
  assert.equal(fitTitle("attention α_ij", 300), "attention α_ij")
  assert.equal(fitTitle(undefined, 300), undefined)
})

test("a title broken into more lines gets the top margin for them", () => {
  const title = { text: "P(y_i | y_<i, X): the most likely next tokens<br><sub>in red</sub>", font: { size: 15 } }
  const phone = fitTitle(title, 200)
  const margin = { l: 40, r: 10, t: 60, b: 30 }
  const room = titleRoom(margin, title, phone)
  assert.equal(room.t, 60 + Math.ceil(phone.font.size * 1.3))
  assert.equal(room.l, 40)
  assert.equal(titleRoom(margin, title, title), margin) // nothing added: the same margins
  assert.equal(titleRoom(undefined, "a", "a"), undefined)
})

test("a strip label that would run past the figure's edge is set smaller, not cut", () => {
  const label = { text: "where the decoder looks at step i = 5: x_j coloured by α_ij", font: { size: 13 } }
  const header = { text: "i · y_i", font: { size: 13 } }
  const fig = { data: [], layout: { margin: { l: 60 }, annotations: [header, label] } }
  const phone = fitAnnotations(fig, 370)
  assert.equal(phone.annotations[0], header) // short: as it was
  assert.ok(phone.annotations[1].font.size < 13 && phone.annotations[1].font.size >= 9)
  assert.ok(lineWidth(label.text, phone.annotations[1].font.size) <= 370 - 60 - 4 || phone.annotations[1].font.size === 9)
  assert.equal(fitAnnotations(fig, 1200).annotations[1], label)
  assert.equal(fig.layout.annotations[1].font.size, 13) // the figure given is left as it was
})
