"""What-ifs offer and accept only tokens a model may write: its output symbols and <eos>,
never <pad>, <sos> or <unk> (once offered on the Transformer, forcing <pad> wrote
"noit<pad>inetta")."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from s2s_core.model.decoding import greedy_trace
from s2s_core.model.vocab import EOS, NEVER_WRITTEN, PAD, SOS, UNK, InputError, Vocab
from tests.support.apptest import app, step_view
from tests.support.models import shipped, trace_of
from ui import session

NAME = "reverse-transformer"


def test_a_vocabulary_writes_its_symbols_and_eos_only():
    vocab = Vocab(list("abc"))
    assert [t for t in vocab.itos if vocab.may_write(t)] == [EOS, "a", "b", "c"]
    assert not any(vocab.may_write(t) for t in (PAD, SOS, UNK, "d", "", "ab"))
    assert {PAD, SOS, UNK} == NEVER_WRITTEN


def test_the_core_refuses_to_force_a_token_no_model_writes():
    ckpt = shipped(NAME)
    args = (ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, "attention", 12)
    for token in (PAD, SOS, UNK):
        with pytest.raises(InputError, match="not an output symbol"):
            greedy_trace(*args, force={5: token})
    assert greedy_trace(*args, force={5: EOS}).output  # ending early is a what-if too


@pytest.fixture(scope="module")
def home():
    at = app(task="reverse", model=NAME, input="attention", step="5")
    at.run()
    return at


def test_pad_sos_and_unk_are_never_offered(home):
    # the model gives them some probability: they are in its top-k, drawn in the chart
    in_topk = {tok for s in trace_of(NAME, "attention").steps for tok, _ in s.topk}
    assert in_topk & NEVER_WRITTEN, "the case this test is about: specials in the top-k"
    offered = {tok for step in step_view(home)["what_if"] for _, tok in step}
    assert offered and not offered & NEVER_WRITTEN
    ckpt = shipped(NAME)
    assert all(ckpt.tgt_vocab.may_write(tok) for tok in offered)


@pytest.mark.parametrize("token", [PAD, SOS, UNK, "Z", 3])
def test_forcing_a_token_the_model_never_writes_is_refused(home, token):
    view = step_view(home)
    event = {"step": 5, "token": token, "key": view["key"]}
    vocab = shipped(NAME).tgt_vocab.stoi
    assert not session.force_token(home.session_state, event, view["key"], view["n"], vocab)
    home.run()
    assert not home.exception and home.session_state["force"] == {}
    after = step_view(home)
    assert after["tokens"] == view["tokens"] and after["key"] == view["key"]  # output unchanged


def refuse_pad() -> None:
    """A page that receives a what-if of <pad> (as a crafted browser message would send)."""
    import streamlit as st

    from ui import session

    event = {"step": 1, "token": "<pad>", "key": "k"}
    st.session_state["forced"] = session.force_token(st.session_state, event, "k", 5, ["<pad>"])


def test_a_refused_what_if_says_so():
    at = AppTest.from_function(refuse_pad)
    at.run()
    assert at.session_state["forced"] is False and "force" not in at.session_state
    (toast,) = at.toast
    assert "What-if refused" in toast.value and "‹pad›" in toast.value
    assert "the output is unchanged" in toast.value
