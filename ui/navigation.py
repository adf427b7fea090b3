"""The app's pages: their files, titles and addresses, and what each takes from the sidebar.

The frame (ui/frame.py) hands these to st.navigation. The Theory text
(presentation/theory.py) names the pages by their key ("explorer", ...); `link` turns a key
into a link to that page. Each page's address is its file's name (see ui/frame.py for why).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class PageSpec:
    key: str  # how the code names the page
    path: str  # its file, from the repository root
    title: str  # in the navigation and the browser tab
    icon: str  # a Material Symbol: Streamlit ships the font, so it draws offline (never the
    # tab's icon: that one would be fetched from a font server, see ui/frame.py draw)
    url_path: str  # its address, http://host/<url_path> (its file's name; Home is "/")
    uses_model: bool = False  # the sidebar shows the Model choice on this page
    uses_input: bool = False  # the sidebar shows the Input box on this page


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "home",
        "pages/home.py",
        "Home",
        ":material/play_circle:",
        "home",
        uses_model=True,
        uses_input=True,
    ),
    PageSpec(
        "explorer",
        "pages/explorer.py",
        "Attention explorer",
        ":material/grid_view:",
        "explorer",
        uses_model=True,
        uses_input=True,
    ),
    PageSpec(
        "bottleneck", "pages/bottleneck.py", "Bottleneck", ":material/trending_down:", "bottleneck"
    ),
    PageSpec("train", "pages/train.py", "Train", ":material/model_training:", "train"),
    PageSpec(
        "theory",
        "pages/theory.py",
        "Theory",
        ":material/menu_book:",
        "theory",
        uses_model=True,
        uses_input=True,
    ),
)
BY_KEY = {spec.key: spec for spec in PAGES}


def st_pages() -> list[st.Page]:
    """The pages for st.navigation; Home is the default (the address "/")."""
    return [
        st.Page(
            spec.path,
            title=spec.title,
            icon=spec.icon,
            url_path=spec.url_path,
            default=spec.key == "home",
        )
        for spec in PAGES
    ]


def current(page: st.Page) -> PageSpec:
    """The spec of the page st.navigation chose."""
    return next((s for s in PAGES if s.title == page.title), PAGES[0])


def link(key: str, label: str) -> None:
    """A link to another page of the app."""
    st.page_link(BY_KEY[key].path, label=label, icon=":material/arrow_forward:")


def home_url(url: str) -> str:
    """The app's address (Home) from the address of any of its pages: 'http://host/lab/train'
    -> 'http://host/lab' (the app may be served under a path of its own)."""
    url = url.split("?")[0].rstrip("/")
    for spec in PAGES:
        if url.endswith("/" + spec.url_path):
            return url.removesuffix("/" + spec.url_path)
    return url
