"""The server `make run` starts: Streamlit's app (app.py) and the lecture routes beside it.

    streamlit run lecture/asgi.py

Streamlit finds `app` here and serves app.py as usual; routes.py's /_lecture/... answer on
the same address and port, so the class reaches both through one link.
"""

from __future__ import annotations

from pathlib import Path

from streamlit.starlette import App

from lecture.routes import Lecture
from lecture.store import default_store

ROOT = Path(__file__).resolve().parents[1]

app = App(str(ROOT / "app.py"), routes=Lecture(default_store()).routes())
