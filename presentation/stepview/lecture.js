// Lecture mode and Quiz me, the decisions: which mode a view is in, what a follower's view
// does with each message of the room, which controls each mode switches off, and the
// chart of the class's answers. Pure: room.js talks to the server, classroom.js draws.
//
// The room's state, in data.lecture.state and in each message of its event stream:
//   {code, version, content_version, step, playing,
//    question: null | {id, step, positions, revealed},   asked at step `step`: y_{step+1} hidden
//    counts: null | [answers per source position],       followers get them once revealed
//    answers: null | number, ended: false}
//   or {code, ended: true} once the presenter has ended it.

// Which mode this data asks for, as an identity: the same identity on the next data keeps
// the mode (and its event stream); null: no mode, the view steps as it always did.
export function modeOf(data) {
  const lecture = data.lecture
  if (lecture) return `${lecture.role} ${lecture.events} ${lecture.voter ?? ""}`
  return data.quiz && data.guess ? "quiz" : null
}

// What a follower's view does with the room's state; `shownVersion`: the content version
// of the data the page has (data.lecture.content_version).
//   {kind: "ended"}                       the lecture is over
//   {kind: "reload", contentVersion}      the presenter changed the content: a new run
//   {kind: "ask", step, question}         show step question.step and ask for y_{step+1}
//   {kind: "reveal", step, question}      show the answer: step question.step + 1 (or the
//                                         presenter's step once it moves on)
//   {kind: "step", step}                  show the presenter's step
export function followerAction(room, shownVersion) {
  if (room.ended) return { kind: "ended" }
  const version = room.content_version
  if (version !== undefined && version !== null && version !== shownVersion)
    return { kind: "reload", contentVersion: version }
  const question = room.question
  if (question && !question.revealed) return { kind: "ask", step: question.step, question }
  if (question) {
    const step = room.step === question.step ? question.step + 1 : room.step
    return { kind: "reveal", step, question }
  }
  return { kind: "step", step: room.step }
}

// "none", "open" (asked, not revealed) or "revealed": the phase of the room's question.
export const questionPhase = (question) => (!question ? "none" : question.revealed ? "revealed" : "open")

// The presenter's buttons at step i of n: Ask while no question is open (and there is a
// next step to ask about), Reveal while one is; Next and Play stay off until the reveal.
export function presenterButtons(i, n, question) {
  const open = questionPhase(question) === "open"
  return { ask: i < n && !open, reveal: open, locks: { next: open, play: open } }
}

// A follower's controls: all off, the presenter steps (and no what-if: it would leave the lecture).
export const FOLLOWER_LOCKS = { reset: true, back: true, next: true, play: true, whatIf: true }

// Quiz me's controls: no Play (it would step past the questions), no Next while a
// question waits for its guess.
export const quizLocks = (asking) => ({ play: true, next: asking })

// Whether Quiz me's Next asks first: from any step before the last.
export const quizAsks = (i, n) => i < n

// The class's answers as a Plotly figure: a bar per source position (x = 0..J-1, the
// tokens as tick labels: a repeated token stays its own bar), and once `alphaRow` is
// given, the model's attention row over them (a line on a second axis, 0 to 1).
export function classFigure({ counts, sources, alphaRow = null, fontSize = 13 }) {
  const x = sources.map((_, j) => j)
  const data = [{
    type: "bar", x, y: counts, name: "the class", marker: { color: "#4c78a8" },
    hovertemplate: "x_%{customdata}: %{y} answers<extra></extra>", customdata: x.map((j) => j + 1),
  }]
  if (alphaRow) data.push({
    type: "scatter", mode: "lines+markers", x, y: alphaRow, yaxis: "y2", name: "α (the model)",
    line: { color: "#d62728", width: 3 }, marker: { size: 9 },
    hovertemplate: "α = %{y:.2f}<extra></extra>",
  })
  const top = Math.max(1, ...counts)
  const layout = {
    height: Math.round(10 * fontSize + 40), font: { size: fontSize },
    margin: { l: 3 * fontSize + 10, r: 3 * fontSize + 10, t: 2 * fontSize, b: 2 * fontSize + 10 },
    plot_bgcolor: "white", bargap: 0.25, showlegend: true,
    legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom" },
    xaxis: { tickvals: x, ticktext: sources, range: [-0.5, sources.length - 0.5], fixedrange: true },
    // whole answers on the left (at most ~5 ticks), α from 0 to 1 on the right
    yaxis: { title: { text: "answers" }, range: [0, top * 1.08], tick0: 0, dtick: Math.ceil(top / 5),
      fixedrange: true, gridcolor: "#e5e5e5" },
    yaxis2: { title: { text: "α" }, overlaying: "y", side: "right", range: [0, 1.08], tickmode: "array",
      tickvals: [0, 0.5, 1], fixedrange: true, showgrid: false },
  }
  return { data, layout }
}

// The later of two room states (either may be null): an ended room is the latest; else
// the one with the higher version. A new run's data.lecture.state can be newer than the
// stream's last message, or older.
export function latestRoom(a, b) {
  if (!a || !b) return a || b || null
  if (a.ended || b.ended) return a.ended ? a : b
  return (b.version ?? 0) > (a.version ?? 0) ? b : a
}

// The room after a message of its event stream: the message, unless what is known is newer
// (a page run's state) or ended. An answer changes the counts, not the version: a message
// of the same version is news.
export function afterMessage(known, message) {
  if (!known || !message) return message || known || null
  if (known.ended || message.ended) return known.ended ? known : message
  return (known.version ?? 0) > (message.version ?? 0) ? known : message
}
