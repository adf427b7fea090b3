"""Home's step view in real Chromium: stepping runs in the browser, not on the server.

Next, Back, Reset, Play and the keys step through the trace the server sent once
(presentation/stepview/): the heatmap's plot element survives every step (Plotly.react
draws into it), and the page sends the server nothing, so no script runs. A what-if is
the one thing the view sends back, and the server decodes again from that step.

The view records each step's timing only when a test asks (PROBE, before the page loads).
"""

from __future__ import annotations

import itertools

import pytest

from harness.chromium import ARTIFACTS, browser
from harness.servers import app_server

pytestmark = pytest.mark.browser

URL = "/?task=reverse&model=reverse-additive&input=attention&step=0"  # 10 steps
HEAT = '.stepview .sv-plot[data-figure="attention"]'
PROBE = "window.__stepview = { shown: [] }"  # ask the view to record each step (page.js)


@pytest.fixture(scope="module")
def server():
    with app_server() as url, browser() as b:
        yield url, b


@pytest.fixture
def page(server):
    """A fresh tab on the link, with the websocket frames it sends counted."""
    url, b = server
    page = b.new_page(viewport={"width": 1400, "height": 1400})
    page.add_init_script(PROBE)
    page.sent = []  # type: ignore[attr-defined]
    page.on("websocket", lambda ws: ws.on("framesent", lambda frame: page.sent.append(frame)))
    page.goto(url + URL)
    shown(page, 0)
    yield page
    page.close()


def shown(page, step: int, n: int = 10) -> None:
    """Wait until the view shows `step` and its heatmap has drawn that step's rows."""
    page.wait_for_function(
        """([step, n, sel]) => {
            const h = document.querySelector('.stepview .sv-step');
            const p = document.querySelector(sel);
            return h && h.textContent === `step ${step} of ${n}` && p && p._fullData
                && p._fullData[0] && p._fullData[0].z && p._fullData[0].z.length === step;
        }""",
        arg=[step, n, HEAT],
        timeout=90_000,
    )


def test_five_nexts_keep_the_plot_element_and_run_no_script(page):
    page.evaluate(f"() => {{ document.querySelector('{HEAT}').__mark = 'the same node' }}")
    page.wait_for_timeout(500)  # whatever the page still had to send
    before = len(page.sent)
    for i in range(1, 6):
        page.get_by_test_id("sv-next").click()
        shown(page, i)
    page.wait_for_timeout(500)
    assert page.evaluate(f"() => document.querySelector('{HEAT}').__mark") == "the same node"
    assert len(page.sent) == before  # no rerun asked for: the server ran no script
    rows = page.evaluate(f"() => document.querySelector('{HEAT}')._fullData[0].z.length")
    assert rows == 5
    assert "step=5" in page.url  # the step stays in the link
    output = page.locator(".stepview .sv-output").inner_text()
    assert output.split(":", 1)[1].split() == list("noitn")  # "attention" reversed, so far
    # the heatmap is still a Plotly chart: its camera button (PNG/SVG export) is there
    assert page.locator(f"{HEAT} .modebar-btn[data-title^='Download plot']").count() == 1


def test_back_reset_and_the_keys(page):
    view = page.locator(".stepview")
    view.focus()
    for key, step in [
        ("ArrowRight", 1),
        ("PageDown", 2),
        ("ArrowRight", 3),
        ("ArrowLeft", 2),
        ("PageUp", 1),
        ("End", 1),  # not a key of the view: nothing happens
        ("Home", 0),
    ]:
        page.keyboard.press(key)
        shown(page, step)
    page.get_by_test_id("sv-next").click()
    page.get_by_test_id("sv-next").click()
    shown(page, 2)
    page.get_by_test_id("sv-back").click()
    shown(page, 1)
    page.get_by_test_id("sv-reset").click()
    shown(page, 0)
    assert page.get_by_test_id("sv-back").is_disabled()
    view.focus()
    page.keyboard.press("Space")  # play ...
    page.wait_for_function("() => document.querySelector('.stepview').dataset.step >= 1")
    page.keyboard.press("Space")  # ... and pause
    paused = page.evaluate("() => document.querySelector('.stepview').dataset.step")
    page.wait_for_timeout(2500)  # the slowest pace is 2 s a step
    assert page.evaluate("() => document.querySelector('.stepview').dataset.step") == paused


def test_play_at_ten_steps_a_second_keeps_its_pace(page):
    page.locator(".stepview select").select_option("0.1")
    page.evaluate("() => { window.__stepview.shown = [] }")
    page.get_by_test_id("sv-play").click()
    shown(page, 10)
    page.wait_for_timeout(300)
    steps = page.evaluate("() => window.__stepview.shown")
    played = [s for s in steps if s["step"] >= 1]
    assert [s["step"] for s in played] == list(range(1, 11))
    due = [s["due"] for s in played]  # Play's clock: step k at start + k * 100 ms
    assert all(abs(b - a - 100) < 1e-6 for a, b in itertools.pairwise(due))
    for s in played:  # each step on screen before the next one is due: none late a frame
        assert s["painted"] - s["due"] < 100, played
    assert played[-1]["requested"] - played[-1]["due"] < 17, played  # no drift: on the clock
    assert page.get_by_test_id("sv-play").inner_text() == "▶ Play"  # stopped at the end


def test_formulas_are_typeset_in_the_browser_with_each_steps_numbers(page):
    formulas = page.locator(".stepview .sv-formula-list")
    assert "from step 1 on" in formulas.inner_text()
    page.get_by_test_id("sv-next").click()
    shown(page, 1)
    page.wait_for_selector(".stepview .sv-formula math", timeout=30_000)
    assert page.locator(".stepview merror, .stepview .katex-error").count() == 0
    assert page.locator(".stepview .sv-formula").count() == 6  # six formulas ...
    assert page.locator(".stepview .sv-formula math").count() == 12  # ... general and live
    page.get_by_test_id("sv-next").click()
    shown(page, 2)
    # KaTeX keeps each formula's LaTeX in its MathML: step 2's numbers are there
    sources = page.locator(".stepview .sv-formula annotation").all_text_contents()
    assert any(r"\alpha_{2," in tex for tex in sources)
    assert not any(r"\alpha_{1," in tex for tex in sources)


def test_a_what_if_decodes_again_from_that_step(page):
    for i in (1, 2):
        page.get_by_test_id("sv-next").click()
        shown(page, i)
    pill = page.locator(".stepview .sv-whatif button.pill").first
    token = pill.inner_text()
    sent = len(page.sent)
    pill.click()
    page.get_by_role("button", name="↩ Undo what-if").wait_for(timeout=30_000)
    assert len(page.sent) > sent  # this one does go to the server
    page.wait_for_function(
        "(tok) => [...document.querySelectorAll('.stepview .sv-output .tok')]"
        ".map(t => t.textContent)[1] === tok",
        arg=token,
        timeout=30_000,
    )
    assert "step 2 of" in page.locator(".stepview .sv-step").inner_text()  # still at step 2
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(".stepview").screenshot(path=str(ARTIFACTS / "e2e-stepview-whatif.png"))


def test_nothing_is_recorded_unless_a_test_asks(server):
    url, b = server
    page = b.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url + URL)
    shown(page, 0)
    page.get_by_test_id("sv-next").click()
    shown(page, 1)
    assert page.evaluate("() => window.__stepview") is None
    page.close()


def test_play_at_the_last_step_starts_again_from_the_first(page):
    page.locator(".stepview select").select_option("0.1")
    page.get_by_test_id("sv-play").click()
    shown(page, 10)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=sv-play]').textContent === '▶ Play'"
    )
    assert page.get_by_test_id("sv-next").is_disabled()
    assert not page.get_by_test_id("sv-play").is_disabled()  # Play is on at the end ...
    page.evaluate("() => { window.__stepview.shown = [] }")
    page.get_by_test_id("sv-play").click()  # ... and plays the trace again
    shown(page, 10)
    played = [s["step"] for s in page.evaluate("() => window.__stepview.shown")]
    assert played[0] == 0 and played[-1] == 10 and sorted(set(played)) == list(range(11))


def test_the_keys_step_only_once_the_view_has_the_focus(page):
    page.locator("h1").first.click()  # the focus on the page, not on the view
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(500)
    assert page.locator(".stepview .sv-step").inner_text() == "step 0 of 10"
    page.get_by_test_id("sv-next").click()  # a button of the view: the view has the focus
    shown(page, 1)
    page.keyboard.press("ArrowRight")
    shown(page, 2)


def test_only_the_current_steps_diagram_is_shown(page):
    page.get_by_text("The model as a diagram").click()
    blocks = page.locator("[class*='st-key-step-'][class*='-diagram']")
    blocks.nth(10).wait_for(state="attached", timeout=60_000)
    shown(page, 0)
    for i in (1, 2):
        page.get_by_test_id("sv-next").click()
        shown(page, i)
    visible = [k for k in range(blocks.count()) if blocks.nth(k).is_visible()]
    assert visible == [2]
    assert "st-key-step-2-diagram" in (blocks.nth(2).get_attribute("class") or "")


def plot_boxes(page) -> dict:
    """Each drawn figure's element size against the size Plotly drew it at, and where the
    headings below the heatmap start."""
    return page.evaluate(
        """() => {
            const out = {};
            for (const p of document.querySelectorAll('.stepview .sv-plot')) {
                if (!p._fullLayout) continue;
                const svg = p.querySelector('.main-svg').getBoundingClientRect();
                out[p.dataset.figure] = {
                    width: p.clientWidth, height: p.clientHeight,
                    drawn: [p._fullLayout.width, p._fullLayout.height],
                    svg: [svg.width, svg.height], bottom: p.getBoundingClientRect().bottom};
            }
            out.below = Math.min(...[...document.querySelectorAll(
                '.stepview .sv-context > summary, .stepview .sv-formulas > summary')]
                .map(s => s.getBoundingClientRect().top));
            return out;
        }"""
    )


@pytest.mark.parametrize(
    ("classroom", "before", "after"),
    [(False, (1400, 900), (1920, 1080)), (True, (1920, 1080), (1280, 720))],
)
def test_the_figures_follow_every_resize_without_a_step(server, classroom, before, after):
    url, b = server
    page = b.new_page(viewport=dict(zip(("width", "height"), before)))
    page.goto(url + URL.replace("step=0", "step=3"))
    shown(page, 3)
    if classroom:
        page.get_by_text("Classroom mode").click()
        page.wait_for_selector(".stepview.large", timeout=60_000)
        shown(page, 3)
    page.wait_for_function(
        "() => document.querySelector('.stepview [data-figure=topk]')._fullLayout"
    )
    sent = []
    page.on("websocket", lambda ws: ws.on("framesent", sent.append))
    first = plot_boxes(page)
    page.set_viewport_size(dict(zip(("width", "height"), after)))
    page.wait_for_function(
        "(w) => document.querySelector('.stepview [data-figure=attention]')._fullLayout.width"
        " !== w",
        arg=first["attention"]["width"],
    )
    page.wait_for_timeout(500)
    boxes = plot_boxes(page)
    for name in ("attention", "topk"):
        box = boxes[name]
        assert box["drawn"] == [box["width"], box["height"]], (name, box)  # no stale size
        assert box["height"] == first[name]["height"] > 100, (name, box)  # its own height
        assert box["svg"] == pytest.approx(box["drawn"], abs=1), (name, box)
    assert boxes["attention"]["bottom"] <= boxes["below"]  # nothing under the heatmap
    assert page.locator(".stepview .sv-step").inner_text() == "step 3 of 10"
    assert sent == []  # no script run: the browser alone followed the window
    if classroom:  # the play-speed box as tall as the buttons beside it
        select = page.locator(".stepview select").bounding_box()
        button = page.get_by_test_id("sv-play").bounding_box()
        assert select and button and select["height"] >= button["height"] - 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"e2e-stepview-resized-{int(classroom)}.png"))
    page.close()


def test_formulas_keep_their_limits_and_draw_sums_large(page):
    """Σ and Π as in print: as wide as KaTeX draws them on the Theory page (a letter's width
    when the system has no math font), their limits T, T′ and j = 1 inside the formula's
    box with room to spare (flush with its edge, their tops were cut off)."""
    page.get_by_test_id("sv-next").click()
    shown(page, 1)
    page.wait_for_selector(".stepview .sv-formula math munderover", timeout=30_000)
    page.evaluate("() => document.fonts.ready")
    ops = page.evaluate(
        """() => [...document.querySelectorAll('.stepview .sv-tex')].flatMap(tex => {
            const box = tex.getBoundingClientRect();
            return [...tex.querySelectorAll('munderover, munder')].map(op => {
                const [sign, ...limits] = [...op.children].map(c => c.getBoundingClientRect());
                const size = parseFloat(getComputedStyle(op.children[0]).fontSize);
                return {
                    tex: tex.textContent.slice(0, 30), display: !op.closest('mfrac'),
                    room: Math.min(...limits.map(l => Math.min(l.top - box.top,
                                                               box.bottom - l.bottom))),
                    width: sign.width / size};
            });
        })"""
    )
    assert len(ops) >= 4  # Σ of α_ij and of c_i, Σ_j α_1j, Π of P(Y|X) (and at step 1)
    for op in ops:
        assert op["room"] >= 2, op  # px between a limit and the edge of the formula's box
        if op["display"]:
            assert op["width"] > 1.2, op  # em: KaTeX's display Σ is 1.44 em wide
