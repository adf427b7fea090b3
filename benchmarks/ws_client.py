"""A Streamlit session without a browser: the frontend's protobuf conversation over a websocket.

A browser tab running a Streamlit app talks to ws://HOST:PORT/_stcore/stream:

    client -> server  BackMsg(rerun_script=ClientState(query_string, widget_states, ...))
    server -> client  ForwardMsg: new_session, deltas (one per element), ..., script_finished

`StreamlitSession` plays the tab's part, so a load test measures the server and not
Chromium: it keeps every widget's current value the way the frontend's WidgetStateManager
does (the server's value when it sets one, else the widget's default), sends them all
back with each rerun, types into a box by changing its value and sending them again (the
frontend sends on Enter or blur), and clicks a button by sending its id with
trigger_value=True.
A button inside an st.fragment reruns only that fragment: the rerun carries the
fragment's id, as the frontend's does.

A custom component (components v2, e.g. Home's step view) arrives as a `bidi_component`
element: its data (JSON, or the bytes it was given) is kept per component name in
`components`.

It also keeps the frontend's message cache: large elements the server sent once come
back as a hash reference when the client says it has them (ClientState.cached_message_hashes).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake
from websockets.typing import Subprotocol

FINISHED = ForwardMsg.ScriptFinishedStatus
EARLY = FINISHED.FINISHED_EARLY_FOR_RERUN  # the run was cut short by st.rerun(): wait on
MAX_MESSAGE = 64 * 2**20  # websockets' default (1 MiB) is too small for some figures
MAX_CACHED = 500  # messages kept for cached_message_hashes (the oldest go first)


class SessionError(Exception):
    """The server closed the connection, timed out, or the script failed to compile."""


@dataclass
class Button:
    id: str
    fragment_id: str  # "" unless the button sits inside an st.fragment
    disabled: bool


@dataclass
class Run:
    """What the server sent during one script run (full page or one fragment)."""

    markdown: list[str] = field(default_factory=list)  # bodies of st.markdown / headings
    components: dict[str, str | bytes] = field(default_factory=dict)  # component -> its data
    exceptions: list[str] = field(default_factory=list)  # tracebacks shown on the page
    status: int = -1  # the ScriptFinishedStatus that ended it
    messages: int = 0
    nbytes: int = 0


def widget_value(kind: str, el) -> WidgetState | None:
    """The value the frontend would hold for widget element `el` (None: not a value widget).

    `set_value` means the server decided the value this run (session state, a callback);
    otherwise the frontend keeps what it had, starting from the widget's default.
    """
    state = WidgetState(id=el.id)
    if kind == "checkbox":
        state.bool_value = el.value if el.set_value else el.default
    elif kind in ("selectbox", "radio"):
        if el.set_value:
            state.string_value = el.raw_value
        elif 0 <= el.default < len(el.options):
            state.string_value = el.options[el.default]
        else:
            return None
    elif kind in ("text_input", "text_area"):
        state.string_value = el.value if el.set_value else el.default
    elif kind == "slider" and el.options:  # st.select_slider: the formatted options
        values = el.raw_value if el.set_value else [el.options[int(i)] for i in el.default]
        state.string_array_value.data.extend(values)
    elif kind == "slider":
        state.double_array_value.data.extend(el.value if el.set_value else el.default)
    else:
        return None
    return state


TRIGGERS = ("button", "download_button")


class StreamlitSession:
    """One browser tab's worth of Streamlit session, driven from Python (asyncio).

    async with StreamlitSession(url, "task=reverse&input=hello") as s:
        await s.open()
        run = await s.type("Input", "world")
    """

    def __init__(self, url: str, query_string: str = "", timeout: float = 10.0) -> None:
        parts = urlsplit(url)
        self.ws_url = f"ws://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"
        self.query_string = query_string  # the address bar: the page may rewrite it
        self.timeout = timeout
        self.page_script_hash = ""
        self.widgets: dict[str, WidgetState] = {}  # widget id -> current value
        self.widget_fragment: dict[str, str] = {}  # widget id -> its fragment ("" = none)
        self.labels: dict[str, str] = {}  # label -> id of the value widget drawn last under it
        self.buttons: dict[str, Button] = {}  # label -> the button drawn last under it
        self.cache: dict[str, ForwardMsg] = {}  # hash -> cacheable message (the frontend's)
        self._ws: ClientConnection | None = None

    async def __aenter__(self) -> StreamlitSession:
        try:
            self._ws = await asyncio.wait_for(
                connect(
                    self.ws_url,
                    subprotocols=[Subprotocol("streamlit")],
                    max_size=MAX_MESSAGE,
                    open_timeout=self.timeout,
                ),
                self.timeout,
            )
        except (TimeoutError, OSError, InvalidHandshake) as err:
            raise SessionError(f"could not connect: {err!r}") from err
        return self

    async def __aexit__(self, *exc) -> None:
        if self._ws is not None:
            await self._ws.close()

    # --- what the client sends -------------------------------------------------------------

    async def open(self, timeout: float | None = None) -> Run:
        """The first run of the page, as a tab sends it on load."""
        return await self._rerun(ClientState(query_string=self.query_string), timeout)

    async def click(self, label: str) -> Run:
        """Click the button drawn with `label`; return once the server finished that rerun."""
        button = self.buttons.get(label)
        if button is None:
            raise SessionError(f"no button {label!r} on the page")
        if button.disabled:
            raise SessionError(f"button {label!r} is disabled")
        state = self._client_state(button.fragment_id)
        state.widget_states.widgets.append(WidgetState(id=button.id, trigger_value=True))
        return await self._rerun(state)

    async def type(self, label: str, text: str) -> Run:
        """Type `text` into the text box drawn with `label` (and press Enter): the rerun it
        makes, returned once the server finished it."""
        widget_id = self.labels.get(label)
        if widget_id is None or not self.widgets[widget_id].HasField("string_value"):
            raise SessionError(f"no text box {label!r} on the page")
        self.widgets[widget_id] = WidgetState(id=widget_id, string_value=text)
        return await self._rerun(self._client_state(self.widget_fragment[widget_id]))

    async def rerun(self) -> Run:
        """Rerun the whole page with every widget as it is (what the frontend sends when a
        component asks for a rerun); return once the server finished it."""
        return await self._rerun(self._client_state())

    def _client_state(self, fragment_id: str = "") -> ClientState:
        state = ClientState(
            query_string=self.query_string,
            page_script_hash=self.page_script_hash,
            fragment_id=fragment_id,
            cached_message_hashes=list(self.cache),
        )
        state.widget_states.widgets.extend(self.widgets.values())
        return state

    async def _rerun(self, state: ClientState, timeout: float | None = None) -> Run:
        msg = BackMsg(rerun_script=state)
        timeout = timeout or self.timeout
        assert self._ws is not None, "use `async with StreamlitSession(...)`"
        try:
            await self._ws.send(msg.SerializeToString())
            return await asyncio.wait_for(self._until_finished(), timeout)
        except TimeoutError as err:
            raise SessionError(f"no script_finished within {timeout:g} s") from err
        except (ConnectionClosed, OSError) as err:
            raise SessionError(f"connection lost: {err}") from err

    # --- what the server sends -------------------------------------------------------------

    async def _until_finished(self) -> Run:
        run = Run()
        seen: set[str] = set()
        while True:
            assert self._ws is not None, "use the session inside `async with`"
            data = await self._ws.recv(decode=False)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            run.messages += 1
            run.nbytes += len(data)
            kind = msg.WhichOneof("type")
            if kind == "ref_hash":
                if msg.ref_hash not in self.cache:
                    raise SessionError("server referred to a message this client never had")
                msg = self.cache[msg.ref_hash]
                kind = "delta"
            elif msg.metadata.cacheable and msg.hash:
                self.cache[msg.hash] = msg
                if len(self.cache) > MAX_CACHED:
                    del self.cache[next(iter(self.cache))]
            if kind == "new_session":
                self.page_script_hash = msg.new_session.page_script_hash
            elif kind == "page_info_changed":
                self.query_string = msg.page_info_changed.query_string
            elif kind == "delta":
                self._on_delta(msg.delta, run, seen)
            elif kind == "script_finished":
                if msg.script_finished == FINISHED.FINISHED_WITH_COMPILE_ERROR:
                    raise SessionError("the script failed to compile")
                if msg.script_finished == EARLY:
                    continue
                self._forget_stale(seen, set(msg.metadata.run.fragment_ids), msg.script_finished)
                run.status = msg.script_finished
                return run

    def _on_delta(self, delta, run: Run, seen: set[str]) -> None:
        if delta.WhichOneof("type") != "new_element":
            return
        el = delta.new_element
        kind = el.WhichOneof("type")
        if kind == "markdown":
            run.markdown.append(el.markdown.body)
        elif kind == "heading":
            run.markdown.append(el.heading.body)
        elif kind == "exception":
            run.exceptions.append(f"{el.exception.type}: {el.exception.message}")
        elif kind == "bidi_component":
            c = el.bidi_component
            data = c.bytes if c.WhichOneof("data") == "bytes" else c.json
            run.components[c.component_name] = data
        widget = getattr(el, kind) if kind else None
        widget_id = getattr(widget, "id", "") if widget is not None else ""
        if not widget_id:
            return
        seen.add(widget_id)
        self.widget_fragment[widget_id] = delta.fragment_id
        assert widget is not None
        if kind in TRIGGERS:
            self.buttons[widget.label] = Button(widget_id, delta.fragment_id, widget.disabled)
            return
        value = widget_value(kind, widget)
        if value is not None:
            self.labels[widget.label] = widget_id
        if value is not None and (widget.set_value or widget_id not in self.widgets):
            self.widgets[widget_id] = value

    def _forget_stale(self, seen: set[str], fragments: set[str], status: int) -> None:
        """Drop widgets the run did not draw (a fragment run: only that fragment's)."""
        full = status == FINISHED.FINISHED_SUCCESSFULLY
        stale = [
            w for w, f in self.widget_fragment.items() if w not in seen and (full or f in fragments)
        ]
        for widget_id in stale:
            self.widgets.pop(widget_id, None)
            self.widget_fragment.pop(widget_id, None)
        self.buttons = {label: b for label, b in self.buttons.items() if b.id not in stale}
        self.labels = {label: w for label, w in self.labels.items() if w not in stale}


async def timed(coro) -> tuple[float, Run]:
    """(milliseconds, result) of awaiting `coro`."""
    start = time.perf_counter()
    run = await coro
    return 1000 * (time.perf_counter() - start), run
