// Lecture mode and Quiz me, wired to the view: the presenter (its steps go to the room,
// Ask the class and Reveal, the class's answers live), the follower (the view follows
// the room, the student answers) and Quiz me (a guess before each Next, a running score).
// The decisions are lecture.js's and guess.js's, the requests room.js's, the elements
// classroom.js's.
//
// A mode is an object the view consults (index.js, player.js):
//   locks()            the controls it switches off: {reset, back, next, play, whatIf}
//   intercept(action)  true when it takes a control's action ("next", "back", "reset",
//                      "toggle") itself instead of the plain step
//   shown()            after each step shown, and when Play starts or stops
//   cell(j)            a click on a heatmap cell of source position j
//   begin()            new data (each mount), or Plotly loaded: draw what the mode shows
//   close()            the view leaves or the mode changes: its stream closed, page restored

import {
  clearClassroom, drawClass, drawGuesses, drawQuestion, drawReveal, setAsking, showText,
} from "./classroom.js"
import {
  alphaRowAt, answerText, attributionAt, classLine, promptText, revealText, scoreAfter, scoreText,
} from "./guess.js"
import {
  FOLLOWER_LOCKS, afterMessage, classFigure, followerAction, latestRoom, modeOf, presenterButtons, questionPhase,
  quizAsks, quizLocks,
} from "./lecture.js"
import { drawControls, show, stop } from "./player.js"
import { listen, roomClient } from "./room.js"

const FOLLOWING = "Following the lecture — the presenter steps"
const ENDED = "The lecture has ended."
const NOT_COUNTED = {
  409: "The question no longer takes answers: your last click was not counted.",
  429: "Too fast: your last click was not counted. Click again in a moment.",
}

// The view's mode for this data; the one it has is kept while the data asks for the same
// one (a new run of the same lecture keeps its event stream, Quiz me its question).
export function useMode(sv, data, component) {
  const id = modeOf(data)
  if (sv.mode && (sv.mode.id !== id || sv.mode.closed)) {
    sv.mode.close()
    sv.mode = null
  }
  if (!sv.mode && id) {
    const make = !data.lecture ? quiz : data.lecture.role === "presenter" ? presenter : follower
    sv.mode = make(sv)
    sv.mode.id = id
  }
  if (sv.mode) sv.mode.component = component
}

// Ask Python for a new run (component.setTriggerValue) once per `what` in the page's life.
function askOnce(sv, what, value) {
  if (sv.state.requested.has(what)) return
  sv.state.requested.add(what)
  sv.mode.component.setTriggerValue("lecture", value)
}

const fontOf = (sv) => {
  const heat = sv.data.figures.attention || sv.data.figures.attribution
  return (heat && heat.base.layout.font && heat.base.layout.font.size) || 13
}

// The class's answers to `question` under the heatmap: the counts, and the model's row
// once revealed; hidden without counts.
function drawAnswers(sv, question, counts) {
  const c = sv.dom.classroom
  const guess = sv.data.guess
  const row = question && guess ? alphaRowAt(guess, question.step) : null
  if (!row || !counts) return drawClass(c, null)
  const revealed = question.revealed
  const figure = classFigure({ counts, sources: guess.sources, alphaRow: revealed ? row : null,
    fontSize: fontOf(sv) })
  drawClass(c, classLine(counts, row, revealed), figure, sv.data.template)
}

// The presenter: every step shown goes to the room; Ask and Reveal; the answers, live.
function presenter(sv) {
  const c = sv.dom.classroom
  const lecture = () => sv.data.lecture
  const client = roomClient(lecture(), { base: document.baseURI })
  const mode = { closed: false, room: lecture().state }
  const question = () => (mode.room && mode.room.question) || null
  const buttons = () => presenterButtons(sv.state.step, sv.state.n, question())
  let phase = questionPhase(question())
  const positions = () => (sv.data.guess ? sv.data.guess.sources.length : 0)

  const drawButtons = () => {
    const on = buttons()
    c.ask.hidden = c.reveal.hidden = false
    c.ask.disabled = !on.ask
    c.reveal.disabled = !on.reveal
  }
  const drawRoom = () => {
    const room = mode.room || {}
    showText(c.room, `Room ${lecture().code}`)
    if (room.ended) {
      showText(c.following, ENDED)
      askOnce(sv, "ended", { ended: true })
    }
    const q = question()
    sv.dom.view.classList.toggle("questioning", Boolean(q)) // the class's answers take the what-if's place
    drawAnswers(sv, q, q ? room.counts || new Array(positions()).fill(0) : null)
    drawButtons()
    if (questionPhase(q) !== phase) { // Next and Play go off or on again
      phase = questionPhase(q)
      drawControls(sv)
    }
  }
  const source = listen(lecture(), (room) => {
    mode.room = afterMessage(mode.room, room)
    drawRoom()
  }, { base: document.baseURI })

  c.ask.onclick = async () => {
    stop(sv) // Play would step past the question
    const step = sv.state.step
    c.ask.disabled = true
    const status = await client.question("ask")
    if (mode.closed) return
    if (status === 204 && questionPhase(question()) !== "open") // the stream has not brought it yet
      mode.room = { ...mode.room, question: { id: null, step, positions: positions(), revealed: false },
        counts: null }
    drawRoom()
  }
  c.reveal.onclick = async () => {
    const q = question()
    if (!q) return
    c.reveal.disabled = true
    const status = await client.question("reveal")
    if (mode.closed) return
    const now = question()
    if (status === 204 && now && !now.revealed) mode.room = { ...mode.room, question: { ...now, revealed: true } }
    drawRoom()
    if (status === 204) show(sv, q.step + 1) // the answer's step (sent to the room by shown())
  }

  mode.locks = () => buttons().locks
  mode.intercept = () => false
  mode.shown = () => {
    if (mode.closed) return
    client.step(sv.state.step, sv.state.playing)
    const q = question()
    if (q && q.revealed && sv.state.step !== q.step + 1) { // stepped on: the question is over
      mode.room = { ...mode.room, question: null, counts: null }
      client.question("close")
      drawRoom()
    }
    drawButtons()
  }
  mode.cell = () => {}
  mode.begin = () => {
    mode.room = latestRoom(mode.room, lecture().state)
    drawRoom()
  }
  // The projector's layout: the heatmap on the left; the output, the top-k and the class's
  // answers on the right, so that one 16:9 screen holds them all.
  const side = sv.dom.view.querySelector(".sv-side")
  sv.dom.view.classList.add("presenting")
  side.appendChild(c.klass)
  mode.close = () => {
    mode.closed = true
    source.close()
    clearClassroom(c)
    sv.dom.view.classList.remove("presenting", "questioning")
    sv.dom.heat.after(c.klass) // back under the heatmap
  }
  return mode
}

// A follower: the view shows the room's step; a question asks the student, its reveal
// tells how the student and the class did.
function follower(sv) {
  const c = sv.dom.classroom
  const lecture = () => sv.data.lecture
  const sources = () => (sv.data.guess ? sv.data.guess.sources : [])
  const mode = { closed: false, room: null, answers: new Map() } // question id -> position
  const client = roomClient(lecture(), { base: document.baseURI, onAnswer: (status) => {
    if (status !== 204 && !mode.closed)
      showText(c.answer, NOT_COUNTED[status] || "Your answer could not be sent. Click again.")
  } })
  const goTo = (step) => { if (sv.state.step !== step) show(sv, step) }

  const apply = () => {
    if (!mode.room) return
    const action = followerAction(mode.room, lecture().content_version)
    if (action.kind === "ended") {
      clearClassroom(c)
      showText(c.following, ENDED)
      return askOnce(sv, "ended", { ended: true })
    }
    if (action.kind === "reload") // the new run's data comes with a new mount
      return askOnce(sv, `content ${action.contentVersion}`, { content_version: action.contentVersion })
    goTo(action.step)
    const q = action.question
    const asking = action.kind === "ask"
    const chosen = q && mode.answers.has(q.id) ? mode.answers.get(q.id) : null
    setAsking(asking)
    drawQuestion(c, asking ? promptText(q.step) : null, sources(), chosen)
    showText(c.answer, asking && chosen !== null ? answerText(chosen, sources()) : null)
    const reveal = action.kind === "reveal" && sv.data.guess
    drawReveal(c, reveal ? revealText({ picked: chosen, sources: sources(),
      alphaRow: alphaRowAt(sv.data.guess, q.step), attribution: attributionAt(sv.data.guess, q.step) }) : null)
    drawAnswers(sv, reveal ? q : null, mode.room.counts)
  }
  const answer = (j) => {
    const action = mode.room && followerAction(mode.room, lecture().content_version)
    if (!action || action.kind !== "ask") return
    mode.answers.set(action.question.id, j) // the last click counts
    drawGuesses(c, sources(), j)
    showText(c.answer, answerText(j, sources()))
    client.answer(action.question.id, j)
  }
  const source = listen(lecture(), (room) => {
    mode.room = afterMessage(mode.room, room)
    apply()
  }, { base: document.baseURI })

  mode.locks = () => FOLLOWER_LOCKS
  mode.intercept = () => true
  mode.shown = () => {}
  mode.cell = answer
  mode.begin = () => {
    showText(c.following, FOLLOWING)
    c.onGuess = answer
    mode.room = latestRoom(mode.room, lecture().state)
    apply()
  }
  mode.close = () => {
    mode.closed = true
    source.close()
    clearClassroom(c)
  }
  return mode
}

// Quiz me: Next first asks where the decoder will look; the guess reveals the step.
function quiz(sv) {
  const c = sv.dom.classroom
  const mode = { closed: false, asking: null, key: sv.data.key } // asking: the step held
  const sources = () => sv.data.guess.sources

  const clear = () => {
    mode.asking = null
    setAsking(false)
    drawQuestion(c, null)
    showText(c.answer, null)
    drawReveal(c, null)
  }
  const ask = () => {
    clear()
    mode.asking = sv.state.step
    setAsking(true)
    drawQuestion(c, promptText(mode.asking), sources())
    drawControls(sv) // Next off until the guess
  }
  const guess = (j) => {
    if (mode.asking === null) return
    const s = mode.asking
    const g = sv.data.guess
    const reveal = revealText({ picked: j, sources: g.sources, alphaRow: alphaRowAt(g, s),
      attribution: attributionAt(g, s) })
    sv.state.score = scoreAfter(sv.state.score, reveal.right)
    clear()
    drawReveal(c, reveal)
    showText(c.score, scoreText(sv.state.score))
    show(sv, s + 1)
  }

  mode.locks = () => quizLocks(mode.asking !== null)
  mode.intercept = (action) => {
    if (action === "next" && mode.asking === null && quizAsks(sv.state.step, sv.state.n)) {
      ask()
      return true
    }
    clear() // Back or Reset: the question (or the last reveal) goes
    return false
  }
  mode.shown = () => {}
  mode.cell = guess
  mode.begin = () => {
    if (sv.data.key !== mode.key || (mode.asking !== null && mode.asking !== sv.state.step)) {
      clear() // another trace (a what-if, a new input): its question is not this one
      mode.key = sv.data.key
      drawControls(sv)
    }
    c.onGuess = guess
    showText(c.score, scoreText(sv.state.score))
    if (mode.asking !== null) {
      setAsking(true)
      drawQuestion(c, promptText(mode.asking), sources())
    }
  }
  mode.close = () => {
    mode.closed = true
    clearClassroom(c)
  }
  return mode
}
