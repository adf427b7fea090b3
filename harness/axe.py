"""axe-core in a Playwright page: WCAG 2.0/2.1 A and AA rules, the violations found.

axe-core comes from npm (`make axe`, pinned in the Makefile), the way Chromium comes from
Debian; the app never loads it. `violations(page)` injects it into the page as it is and
runs it on the whole document.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page, context: str | None = None) -> list[dict]:
    """The WCAG A/AA violations axe-core finds in the page (or within the CSS selector
    `context`): each {"id", "impact", "help", "nodes": [{"target", "summary"}]}."""
    if not AXE.is_file():
        raise FileNotFoundError(f"{AXE}: run `make axe` (axe-core from npm)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async ([context, tags]) => {
            const result = await axe.run(context ? document.querySelector(context) : document,
                {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
            }))
        }""",
        [context, WCAG_AA],
    )


def describe(found: list[dict]) -> str:
    """The violations, one line per element, for an assertion's message."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {n['target']} — {n['summary']}".replace("\n", " ")
        for v in found
        for n in v["nodes"]
    )
