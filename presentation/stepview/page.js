// What the view changes outside itself: the page's own blocks of each step, the link, and
// (only when a test asks) a record of each step shown.

// The page's blocks of one step (the server draws one per step, e.g. its diagram) carry
// a class that starts with `prefix` and goes on with "<i>-": show step i's, hide the
// others. `style` is a <style> element inside the view (it goes when the view goes).
export function blockRule(prefix, i) {
  if (!prefix) return ""
  return `body [class*="${prefix}"]:not([class*="${prefix}${i}-"]) { display: none; }`
}

// Write step i into the link (?step=i), so that a copied address reopens it. Rewriting
// the address costs ~10 ms in Chromium: while Play runs, only once it pauses.
export function writeLinkSoon(state, i, delay = 250) {
  clearTimeout(state.linkTimer)
  state.linkTimer = setTimeout(() => {
    const url = new URL(window.location.href)
    if (url.searchParams.get("step") === String(i)) return
    url.searchParams.set("step", String(i))
    window.history.replaceState(window.history.state, "", url)
  }, delay)
}

// A test or benchmark that wants each step's timing defines window.__stepview = {shown: []}
// before the page loads; the view then records {step, requested, due, painted} (ms) there.
// Without it, nothing is recorded.
export function probe() {
  const record = window.__stepview
  return record && Array.isArray(record.shown) ? record : null
}
