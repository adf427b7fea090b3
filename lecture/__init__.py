"""Lecture mode: a presenter leads the class's step views, and asks before each reveal.

    codes.py    room codes (read aloud, typed), presenter keys, voter tokens: made and checked
    room.py     a room's state and its changes, as pure functions on dataclasses
    store.py    where rooms live: one narrow interface, an in-process default
    routes.py   the HTTP side the browser talks to: a room's events (pushed), step, question,
                answer
    asgi.py     the server `make run` starts: Streamlit's app plus routes.py

No Streamlit here but asgi.py, and nothing from the model: a room holds what the presenter
shows (task, model, input, step), never a trace; each follower's page decodes it (cached).
"""
