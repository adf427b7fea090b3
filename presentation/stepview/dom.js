// One element: its attributes, its text (set as text, never as HTML: tokens are the
// user's) and its children.
export function el(tag, attrs = {}, text = null, children = []) {
  const node = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v)
  if (text !== null) node.textContent = text
  node.append(...children)
  return node
}
