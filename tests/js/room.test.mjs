// Lecture mode's requests (presentation/stepview/room.js): the presenter's steps coalesce
// (one request in flight, the latest step wins), a question waits for the steps sent
// before it, answers carry the voter, and the event stream's messages become room states.

import { test } from "node:test"
import assert from "node:assert/strict"

import { coalescing, listen, postJSON, roomClient } from "../../presentation/stepview/room.js"

// A fetch whose responses the test lets through one at a time.
function fakeFetch() {
  const calls = []
  const fetchFn = (url, init) => new Promise((resolve) => {
    calls.push({ url, body: JSON.parse(init.body), method: init.method, resolve })
  })
  const inFlight = () => calls.filter((c) => !c.done).length
  const answer = async (status = 204) => {
    const call = calls.find((c) => !c.done)
    call.done = true
    call.resolve({ status })
    for (let k = 0; k < 5; k += 1) await Promise.resolve() // let the sender go on
  }
  return { calls, fetchFn, inFlight, answer }
}

const LECTURE = { role: "presenter", code: "K7M3PX", post: "_lecture/K7M3PX/", key: "KEY",
  voter: null, events: "_lecture/K7M3PX/events?key=KEY" }
const BASE = "http://localhost:8501/app/"

test("Play's steps: one request in flight at most, then only the latest step", async () => {
  const net = fakeFetch()
  const room = roomClient(LECTURE, { base: BASE, fetchFn: net.fetchFn })
  for (let step = 1; step <= 10; step += 1) room.step(step, true) // ten steps at 0.1 s
  assert.equal(net.calls.length, 1)
  assert.equal(net.inFlight(), 1)
  assert.deepEqual(net.calls[0].body, { key: "KEY", step: 1, playing: true })
  assert.equal(net.calls[0].url, "http://localhost:8501/app/_lecture/K7M3PX/state")
  assert.equal(net.calls[0].method, "POST")
  await net.answer()
  assert.equal(net.calls.length, 2) // steps 2..9 never sent: 10 is the latest
  assert.deepEqual(net.calls[1].body, { key: "KEY", step: 10, playing: true })
  room.step(10, false) // Pause
  assert.equal(net.calls.length, 2) // waits for the one in flight
  await net.answer()
  assert.deepEqual(net.calls[2].body, { key: "KEY", step: 10, playing: false })
  await net.answer()
  assert.equal(net.inFlight(), 0)
  room.step(3, false) // idle: sent at once
  assert.equal(net.calls.length, 4)
})

test("a failed request does not stop the steps after it", async () => {
  const sent = []
  let fail = true
  const sender = coalescing((v) => { sent.push(v); return fail ? Promise.reject(new Error("down")) : Promise.resolve() })
  sender.push(1)
  sender.push(2)
  fail = false
  await sender.idle()
  assert.deepEqual(sent, [1, 2])
  assert.equal(sender.busy, false)
})

test("Ask goes once the presenter's step has arrived (the server asks at that step)", async () => {
  const net = fakeFetch()
  const room = roomClient(LECTURE, { base: BASE, fetchFn: net.fetchFn })
  room.step(4, false)
  const asked = room.question("ask")
  await Promise.resolve()
  assert.equal(net.calls.length, 1) // the step first, alone
  await net.answer()
  await net.answer()
  assert.deepEqual(net.calls[1].body, { key: "KEY", action: "ask" })
  assert.equal(net.calls[1].url, "http://localhost:8501/app/_lecture/K7M3PX/question")
  assert.equal(await asked, 204)
})

test("a student's answers: the voter's token, the last click counts, the status heard", async () => {
  const net = fakeFetch()
  const heard = []
  const student = { ...LECTURE, role: "follower", key: null, voter: "V1" }
  const room = roomClient(student, { base: BASE, fetchFn: net.fetchFn, onAnswer: (s) => heard.push(s) })
  room.answer("q1", 0)
  room.answer("q1", 1)
  room.answer("q1", 2)
  await net.answer(204)
  await net.answer(429)
  assert.deepEqual(net.calls.map((c) => c.body), [
    { voter: "V1", question: "q1", position: 0 }, { voter: "V1", question: "q1", position: 2 }])
  assert.equal(net.calls[1].url, "http://localhost:8501/app/_lecture/K7M3PX/answer")
  assert.deepEqual(heard, [204, 429])
})

test("no response reads as status 0", async () => {
  const status = await postJSON("http://x/", {}, () => Promise.reject(new Error("offline")))
  assert.equal(status, 0)
})

test("the event stream: each message a room state, at the stream's full address", () => {
  const sources = []
  class FakeEventSource {
    constructor(url) { this.url = url; sources.push(this) }
    close() { this.closed = true }
  }
  const rooms = []
  const source = listen(LECTURE, (r) => rooms.push(r), { base: BASE, EventSourceClass: FakeEventSource })
  assert.equal(source.url, "http://localhost:8501/app/_lecture/K7M3PX/events?key=KEY")
  source.onmessage({ data: '{"code":"K7M3PX","step":3,"question":null}' })
  source.onmessage({ data: "not json" })
  assert.deepEqual(rooms, [{ code: "K7M3PX", step: 3, question: null }])
})
