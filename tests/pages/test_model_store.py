"""Nothing lost: a model trained in the browser is kept in the model store (s2s_core/store.py)
under an unguessable id that the link carries, so a reload, another session, a new server
process or another replica opens it again; a store that is full or not writable says so and
the app goes on; and every value a link carries is checked (the hostile-link corpus).

One AppTest is one browser session. Training here is real but tiny (d = 16, a few seconds);
the job board is one per process, so every test leaves it free (`free_board`). The test run
has a model store of its own (tests/conftest.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from s2s_core.shipped import default_name
from s2s_core.store import ModelStore, new_id
from s2s_core.training.loop import TrainConfig
from tests.support.apptest import BOTTLENECK, EXPLORER, ROOT, THEORY, TRAIN, app, step_view
from tests.support.jobs import TINY, start_run, wait_until
from tests.support.links import corpus
from tests.support.models import tiny_checkpoint
from ui import navigation
from ui import training_jobs as tj


def link(at: AppTest) -> dict[str, str | list[str]]:
    """The session's link (its query parameters), as a copy of the address bar."""
    return dict(at.query_params)


def ids(query: dict) -> list[str]:
    value = query.get("model_id", [])
    return [value] if isinstance(value, str) else list(value)


def decoded(at: AppTest, name: str) -> list[str]:
    """The tokens the session decoded with model `name` (Home's greedy trace)."""
    traces = [t for key, t in at.session_state["_traces"].items() if key[1] == name]
    assert traces, f"nothing decoded with {name}"
    return [s.token for s in traces[-1].steps]


def train_tiny(at: AppTest) -> str:
    """Train a d = 16 dates model for the shortest budget on the Train page of session `at`
    (the page's own Start button); its name once the frame has handed it over."""
    start_run(at)
    assert not at.exception and not at.error
    wait_until(lambda: at.session_state["trained_models"], poll=at.run)
    (name,) = at.session_state["trained_models"]
    return name


def test_a_trained_model_opens_from_its_link_in_another_session_and_process(free_board):
    mine = app(TRAIN)
    mine.run()
    name = train_tiny(mine)
    (model_id,) = ids(link(mine))  # the link carries the stored model's id
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", model_id)
    assert mine.session_state["stored_models"] == {name: model_id}
    assert any("kept in the model store" in s.value for s in mine.success)

    other = app(**{**link(mine), "input": "June 2, 2023"})  # a new tab, a reload: a new session
    other.run()
    assert not other.exception and not other.warning
    assert other.session_state["model"] == name and other.session_state["task"] == "dates"
    assert step_view(other)["key"]  # Home decodes with it
    tokens = decoded(other, name)
    assert tokens

    # A new server process with the same store (a restart, another replica): same model,
    # same output. It runs AppTest on app.py with the link and prints what it decoded.
    script = textwrap.dedent(
        f"""
        import json, sys
        sys.path.insert(0, {str(ROOT)!r})
        from streamlit.testing.v1 import AppTest
        at = AppTest.from_file({str(ROOT / "app.py")!r}, default_timeout=120)
        at.query_params.update({json.dumps({**link(mine), "input": "June 2, 2023"})})
        at.run()
        name = at.session_state["model"]
        traces = [t for k, t in at.session_state["_traces"].items() if k[1] == name]
        print(json.dumps({{"exceptions": [e.value for e in at.exception], "model": name,
                          "tokens": [s.token for s in traces[-1].steps]}}))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True
    )
    there = json.loads(out.stdout.strip().splitlines()[-1])
    assert there == {"exceptions": [], "model": name, "tokens": tokens}


def test_a_reload_while_training_takes_the_job_over(free_board):
    mine = app(TRAIN)
    mine.run()
    start_run(mine, seconds=60)
    (model_id,) = ids(link(mine))  # the job's model id is in the link from the start
    reloaded = app(TRAIN, **link(mine))
    reloaded.run()
    assert not reloaded.exception and free_board.current().model_id == model_id
    assert reloaded.get("progress")  # the live view: this session owns the job now
    reloaded.button(key="train_stop").click().run()
    wait_until(lambda: reloaded.session_state["trained_models"], poll=reloaded.run)
    (name,) = reloaded.session_state["trained_models"]
    assert reloaded.session_state["stored_models"] == {name: model_id}
    mine.run()  # the old tab: the job is no longer its own
    assert not mine.session_state["trained_models"]


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"S2S_MODEL_STORE_MB": "0.001"}, "the model store is full"),
        ({"S2S_MODEL_MB": "0.001"}, "the store keeps models of at most"),
        ({"S2S_MODEL_STORE": "FILE"}, "the model store cannot be written"),
    ],
    ids=["full", "model-too-large", "not-writable"],
)
def test_a_store_that_cannot_keep_the_model_says_so_and_the_model_still_works(
    free_board, monkeypatch, tmp_path, environ, message
):
    (tmp_path / "file").write_text("not a folder")
    for key, value in environ.items():
        monkeypatch.setenv(key, str(tmp_path / "file") if value == "FILE" else value)
    at = app(TRAIN)
    at.session_state[tj.OWNER] = "tester"
    at.run()
    cfg = TrainConfig(**{**TINY, "max_steps": 20})
    name = "dates-additive-d16 (trained 09:00)"
    job = free_board.start("tester", cfg, tj.models.model_store(), name)
    wait_until(lambda: job.done)
    at.run()  # the frame hands the model over
    assert not at.exception
    assert job.saved == 0 and message in (job.store_error or "")
    (warning,) = [w.value for w in at.warning if "did not keep this model" in w.value]
    assert message in warning and "a reload loses it" in warning
    assert at.session_state["model"] == name
    assert name in at.session_state["trained_models"] and not at.session_state["stored_models"]
    assert "model_id" not in link(at)  # nothing in the link that would not open
    at.switch_page("pages/home.py").run()
    assert not at.exception and decoded(at, name)  # the model decodes, in this tab


def test_a_damaged_or_half_written_stored_model_is_refused_with_a_note(model_store):
    store = ModelStore(Path(model_store))
    damaged = store.put(tiny_checkpoint("dot"))
    (Path(model_store) / damaged / "model.safetensors").write_bytes(b"half a file")
    half = new_id()
    (Path(model_store) / f".incoming-{half}-0000").mkdir()  # a write that never finished
    for model_id, message in [(damaged, "damaged"), (half, "no stored model has this id")]:
        at = app(model_id=model_id)
        at.run()
        assert not at.exception
        (note,) = at.warning
        assert message in note.value and str(model_store) not in note.value  # no server path
        assert at.session_state["model"] == default_name("reverse")  # the shipped models work
        assert step_view(at)["key"]


def test_the_share_button_gives_a_link_that_opens_the_model_elsewhere(model_store):
    name = "reverse-additive-d16 (trained 10:30)"
    ckpt = replace(tiny_checkpoint("additive"), info={"name": name})
    model_id = ModelStore(Path(model_store)).put(ckpt)
    teacher = app(model_id=model_id)
    teacher.run()
    assert teacher.session_state["model"] == name and not teacher.warning
    (code,) = [c.value for c in teacher.sidebar.get("code")]  # in the Share popover
    assert code.endswith(f"?task=reverse&model_id={model_id}")  # Home, the task, the id
    student = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    student.query_params.update(dict(p.split("=", 1) for p in code.split("?", 1)[1].split("&")))
    student.run()
    assert student.session_state["model"] == name and decoded(student, name)
    assert not student.warning
    stranger = app(task="reverse")  # without the id nobody lists it
    stranger.run()
    assert name not in stranger.selectbox(key="model").options


def test_a_copied_link_opened_while_its_tab_still_trains_waits_for_the_model(
    free_board, monkeypatch
):
    mine = app(TRAIN)
    mine.run()
    start_run(mine, seconds=60)
    job = free_board.current()
    monkeypatch.setattr(tj, "tab_open", lambda tab: True)  # the training tab is still open
    copy = app(**link(mine))  # a classmate opens the address bar's link
    copy.run()
    assert not copy.exception and job.owner == mine.session_state[tj.OWNER]  # not taken
    (note,) = [w.value for w in copy.warning]
    assert "still training in another tab" in note
    assert ids(link(copy)) == [job.model_id]  # it waits; a reload would wait too
    assert copy.session_state["model"] == "dates-additive"  # meanwhile: the shipped one
    mine.button(key="train_stop").click().run()
    wait_until(lambda: mine.session_state["trained_models"], poll=mine.run)
    (name,) = mine.session_state["trained_models"]  # the tab that trained it has it
    copy.run()  # (the browser reruns by itself: ui/training_jobs.py WATCH_S)
    assert copy.session_state["stored_models"] == {name: job.model_id}
    assert copy.session_state["model"] == name and copy.session_state["task"] == "dates"
    assert not copy.session_state["waiting_ids"] and not copy.exception


def test_a_shared_model_keeps_working_whatever_its_name_in_the_sharing_tab(model_store):
    name = "reverse-dot-d16 (trained 11:00)"
    put = ModelStore(Path(model_store)).put
    first, second = (
        put(replace(tiny_checkpoint("dot", seed=k), info={"name": name})) for k in (0, 1)
    )
    teacher = app(model_id=[first, second], task="reverse", model=f"{name} #2")
    teacher.run()
    assert teacher.session_state["model"] == f"{name} #2"
    (code,) = [c.value for c in teacher.sidebar.get("code")]
    student = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    student.query_params.update(dict(p.split("=", 1) for p in code.split("?", 1)[1].split("&")))
    student.run()
    assert not student.warning and student.session_state["stored_models"] == {name: second}


def test_a_stored_model_of_a_task_the_app_does_not_have_is_refused(model_store):
    model_id = ModelStore(Path(model_store)).put(replace(tiny_checkpoint("dot"), task="klingon"))
    at = app(model_id=model_id)
    at.run()
    assert not at.exception and at.session_state["task"] == "reverse"
    (note,) = [w.value for w in at.warning]
    assert "a task this app does not have" in note and "unknown task" not in note
    assert not at.session_state["trained_models"] and "model_id" not in link(at)


def test_a_model_whose_training_was_cut_off_opens_with_a_note(model_store, free_board):
    """Its replica was lost while it trained (a hall): the link's id opens the checkpoint
    stored on the way, named as cut off; a finished one opens without a note."""
    store = ModelStore(Path(model_store))
    training = {"steps": 1200, "max_steps": 3000, "finished": False, "name": "mine"}
    cut = store.put(replace(tiny_checkpoint("dot"), info={"training": training}))
    done = store.put(
        replace(tiny_checkpoint("dot"), info={"training": {**training, "finished": True}})
    )
    at = app(model_id=cut)
    at.run()
    (note,) = [w.value for w in at.warning]
    assert "stopped at step 1,200 of 3,000" in note and "server that trained it is gone" in note
    assert cut in at.session_state["stored_models"].values()  # and it opens
    finished = app(model_id=done)
    finished.run()
    assert not finished.warning and done in finished.session_state["stored_models"].values()


# --- the hostile-link corpus ----------------------------------------------------------------

OPENED: list[str] = []  # every file the process opens while a hostile link is read
_WATCHING: list[bool] = [False]


def _audit(event: str, args: tuple) -> None:
    if _WATCHING[0] and event == "open" and isinstance(args[0], str | bytes | Path):
        OPENED.append(str(args[0]))


sys.addaudithook(_audit)  # (an audit hook cannot be removed: it records only while watching)


@contextmanager
def watching_files():
    OPENED.clear()
    _WATCHING[0] = True
    try:
        yield OPENED
    finally:
        _WATCHING[0] = False


HOSTILE = corpus()


def test_the_corpus_has_over_a_hundred_links():
    assert len(HOSTILE) >= 100 and len({name for name, _ in HOSTILE}) == len(HOSTILE)


@pytest.mark.parametrize(("name", "query"), HOSTILE, ids=[n for n, _ in HOSTILE])
def test_a_hostile_link_opens_a_working_page_with_a_short_note(name, query, tmp_path):
    at = app(**query)
    with watching_files() as opened:
        at.run()
    assert not at.exception, name
    notes = [w.value for w in at.warning]
    errors = [e.value for e in at.error]  # an input the model can't decode: said inline
    assert notes or errors, f"{name}: refused without a word"
    for note in notes:  # one box: a title, then one line per refused value
        title, *lines = note.split("\n- ")
        assert title == "**Part of this link could not be used:**" and lines, note
        for line in lines:
            assert len(line) <= 200, f"{name}: a long note: {line!r}"
            assert not re.search(r"(?<!\\)[<>$\[\]*]", line), f"{name}: raw markup: {line!r}"
            assert "\x00" not in line and "\u202e" not in line
    if errors:
        assert name.startswith("input=") and all("can't be decoded" in e for e in errors)
    else:
        assert step_view(at)["key"], name  # the page decodes (its default where refused)
    assert at.selectbox(key="task").value in ("reverse", "sort")  # the sidebar works
    reached = [p for p in opened if "passwd" in p or "/tmp/A" in p or "..%2F" in p]
    assert not reached, f"{name}: opened {reached}"


def test_a_link_brings_back_every_stored_model_of_the_tab(model_store):
    store = ModelStore(Path(model_store))
    name = "reverse-dot-d16 (trained 11:00)"
    first, second = (
        store.put(replace(tiny_checkpoint("dot", seed=k), info={"name": name})) for k in (0, 1)
    )
    at = app(model_id=[first, second], task="reverse")
    at.run()
    assert not at.exception and not at.warning
    assert at.session_state["stored_models"] == {name: first, f"{name} #2": second}
    assert at.session_state["model"] == name  # the first of the link's models
    assert ids(link(at)) == [first, second]  # the link keeps both: a reload opens both
    assert {name, f"{name} #2"} <= set(at.selectbox(key="model").options)


@pytest.mark.parametrize(
    ("url", "home"),
    [
        ("http://host:8501", "http://host:8501"),
        ("http://host:8501/", "http://host:8501"),
        ("http://host:8501/train", "http://host:8501"),
        ("https://school.example/lab/explorer", "https://school.example/lab"),
        ("https://school.example/lab/home?x=1", "https://school.example/lab"),
        ("", ""),
    ],
)
def test_a_share_link_always_opens_home(url, home):
    assert navigation.home_url(url) == home


@pytest.mark.parametrize("page", [EXPLORER, BOTTLENECK, TRAIN, THEORY])
def test_a_hostile_link_straight_to_another_page_gets_its_note_there(page):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"task": "<script>", "step": "²", "model_id": "../../etc/passwd"})
    at.switch_page(page)  # the page's own address: its first run reads the link
    at.run()
    assert not at.exception
    (note,) = [w.value for w in at.warning]
    assert "unknown task" in note and "step" in note and "not a valid id" in note
    assert at.selectbox(key="task").value == "reverse"
    assert at.title[0].value != "Seq2Seq Attention Lab"  # the page itself, not Home
