// The keyboard, with the view focused: what each key does. Pure: a key in, an action out.

export const KEYS = {
  next: ["ArrowRight", "PageDown"],
  back: ["ArrowLeft", "PageUp"],
  toggle: [" "], // play / pause
  reset: ["Home"],
  table: ["t", "T"], // the heatmap as a table, open or closed
}

// The action of a key pressed on the page, or null (the browser keeps it):
//   key      the event's key ("ArrowRight", " ", ...)
//   inView   whether the focus is in the step view (the view or one of its buttons): the
//            keys step the view only once a click or Tab has put the focus there
//   tag      the focused element's tag: a SELECT keeps its arrows (the play speed)
//   modified Ctrl, Alt or Meta held: the browser's own shortcuts (Alt+← goes back a page)
export function keyAction({ key, inView, tag = "", modified = false }) {
  if (!inView || modified || tag === "SELECT") return null
  for (const [action, keys] of Object.entries(KEYS)) if (keys.includes(key)) return action
  return null
}

// The same, read from a keydown event inside `root`.
export function eventAction(event, root) {
  return keyAction({
    key: event.key,
    inView: root.contains(event.target),
    tag: event.target.tagName,
    modified: event.ctrlKey || event.altKey || event.metaKey,
  })
}
