"""The frame in real Chromium: the navigation a class sees, no Deploy button, one shared task,
a first visit to a page's own address on a fresh server, and nothing fetched from outside the
app (a classroom may have no internet)."""

import time
from urllib.parse import urlsplit

import pytest

from harness.chromium import ARTIFACTS, browser, wait_for_app
from harness.servers import app_server
from ui import navigation

pytestmark = pytest.mark.browser

TITLES = ["Home", "Attention explorer", "Bottleneck", "Train", "Theory"]


def nav_titles(page) -> list[str]:
    return [t.strip() for t in page.locator("[data-testid='stSidebarNavLink']").all_inner_texts()]


def selected_task(page) -> str:
    return page.get_by_role("combobox", name="Task").input_value()


def test_navigation_reads_the_five_pages_and_no_deploy_button():
    with app_server() as url, browser() as chromium:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        wait_for_app(page, 120_000)
        page.wait_for_selector("text=step 0 of 10", timeout=90_000)
        assert [t.split("\n")[-1] for t in nav_titles(page)] == TITLES
        assert page.get_by_role("button", name="Deploy").count() == 0
        assert page.get_by_text("Deploy", exact=True).count() == 0
        page.screenshot(path=str(ARTIFACTS / "frame-home.png"))


def test_a_task_chosen_on_one_page_is_the_task_on_every_page():
    with app_server() as url, browser() as chromium:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/bottleneck")  # a fresh server's first visit: a page's own address
        wait_for_app(page, 120_000)
        page.wait_for_selector("text=The bottleneck: one vector c", timeout=90_000)
        assert page.get_by_text("Page not found").count() == 0
        page.get_by_role("combobox", name="Task").click()
        page.get_by_role("option", name="Read a date").click()
        wait_for_app(page, 120_000)
        headings = {
            "Theory": "Theory: the seed",
            "Train": "Train a model",
            "Attention explorer": "Every model of this task",
            "Home": "step 0 of",
        }
        for title, heading in headings.items():
            page.locator("[data-testid='stSidebarNavLink']", has_text=title).click()
            page.wait_for_selector(f"text={heading}", timeout=90_000)
            time.sleep(0.5)
            wait_for_app(page, 120_000)
            assert selected_task(page) == "Read a date", title
        page.wait_for_selector("text=step 0 of 11", timeout=90_000)  # the dates default input
        page.screenshot(path=str(ARTIFACTS / "frame-task-kept.png"))


# What each page shows once it has run: the test waits for it before the next page.
LOADED = {
    "home": "step 0 of 10",
    "explorer": "Every model of this task",
    "bottleneck": "The bottleneck: one vector c",
    "train": "Train a model",
    "theory": "Theory: the seed",
}


def test_no_page_fetches_anything_from_outside_the_app():
    """Every page, loaded by its address and then reached through the navigation: every request
    (scripts, fonts, icons, the favicon, the websocket) goes to the app's own host. Once the
    navigation's Home icon came from a font server on the internet (the favicon of a page
    with a Material icon), a missing icon in a classroom without internet."""
    with app_server() as url, browser() as chromium:
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        host = urlsplit(url).netloc
        seen: list[str] = []
        page.on("request", lambda request: seen.append(request.url))
        page.on("websocket", lambda socket: seen.append(socket.url))
        for spec in navigation.PAGES:  # each page's own address: a reload, a shared link
            page.goto(f"{url}/{spec.url_path}")
            wait_for_app(page, 120_000)
            page.wait_for_selector(f"text={LOADED[spec.key]}", timeout=90_000)
            title = "Seq2Seq Attention Lab"
            assert page.title() == (title if spec.key == "home" else f"{spec.title} · {title}")
            favicon = page.eval_on_selector("link[rel='shortcut icon']", "link => link.href")
            assert favicon.startswith("data:image/svg+xml"), favicon  # the frame's emoji
        for spec in navigation.PAGES:  # and through the navigation
            page.locator("[data-testid='stSidebarNavLink']", has_text=spec.title).click()
            page.wait_for_selector(f"text={LOADED[spec.key]}", timeout=90_000)
            wait_for_app(page, 120_000)
        time.sleep(2)  # late requests (fonts, the favicon) have time to start
        inline = ("data", "blob")  # made in the page itself: no request leaves it
        outside = [
            u for u in seen if urlsplit(u).scheme not in inline and urlsplit(u).netloc != host
        ]
        assert len(seen) > 20 and not outside, outside
