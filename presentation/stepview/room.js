// Lecture mode, the server's side of it: the POSTs to the room (the presenter's step, its
// questions, a student's answer) and the room's event stream. No DOM: `fetch` and
// `EventSource` can be given (tests give fakes).
//
// data.lecture: {role, code, events, post, key, voter, content_version, state}; `events`
// and `post` are relative addresses, resolved against the page's (document.baseURI).
//   POST post + "state"     {key, step, playing}             the presenter's step
//   POST post + "question"  {key, action: ask|reveal|close}  the presenter's question
//   POST post + "answer"    {voter, question, position}      a student's answer
//   GET  events             a message (the room's state, JSON) at each change

// A sender that never queues: one request in flight at most; a value pushed meanwhile
// waits, and a newer one replaces it. Play at 0.1 s a step then sends the step it is at,
// never a backlog of old ones. `send(value)` returns a promise (its failure is ignored
// here: the next value goes anyway). `idle()` resolves once nothing is in flight or waiting.
export function coalescing(send) {
  let busy = false
  let waiting = null // {value} while a value waits for the one in flight
  const idlers = []
  const run = (value) => {
    busy = true
    let sent
    try { sent = Promise.resolve(send(value)) } catch (err) { sent = Promise.reject(err) }
    sent.catch(() => {}).then(() => {
      busy = false
      if (waiting) {
        const next = waiting.value
        waiting = null
        run(next)
      } else idlers.splice(0).forEach((resolve) => resolve())
    })
  }
  return {
    push(value) { if (busy) waiting = { value }; else run(value) },
    idle: () => (busy ? new Promise((resolve) => idlers.push(resolve)) : Promise.resolve()),
    get busy() { return busy },
  }
}

// POST `body` as JSON to `url`; resolves to the response's status (0: no response).
export function postJSON(url, body, fetchFn = globalThis.fetch) {
  return fetchFn(url, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  }).then((response) => response.status, () => 0)
}

// The room of `lecture` (data.lecture), its addresses resolved against `base`.
//   step(step, playing)        send the presenter's step (coalesced)
//   question(action)           "ask", "reveal" or "close", once the steps sent have arrived
//                              (the server asks at the step it last received); resolves to
//                              the status
//   answer(question, position) send a student's answer (coalesced: the last click counts);
//                              `onAnswer(status)` hears how each went
export function roomClient(lecture, { base, fetchFn = globalThis.fetch, onAnswer = () => {} } = {}) {
  const url = (path) => new URL(lecture.post + path, base).href
  const post = (path, body) => postJSON(url(path), body, fetchFn)
  const steps = coalescing((s) => post("state", { key: lecture.key, step: s.step, playing: s.playing }))
  const answers = coalescing((a) => post("answer", { voter: lecture.voter, ...a }).then(onAnswer))
  return {
    step: (step, playing) => steps.push({ step, playing: Boolean(playing) }),
    question: (action) => steps.idle().then(() => post("question", { key: lecture.key, action })),
    answer: (question, position) => answers.push({ question, position }),
  }
}

// Listen to the room's event stream: `onRoom(state)` at each message. Returns the
// EventSource (close it when done). EventSource reconnects by itself after a drop.
export function listen(lecture, onRoom, { base, EventSourceClass = globalThis.EventSource } = {}) {
  const source = new EventSourceClass(new URL(lecture.events, base).href)
  source.onmessage = (event) => {
    let room
    try { room = JSON.parse(event.data) } catch { return } // not a state: ignored
    onRoom(room)
  }
  return source
}
