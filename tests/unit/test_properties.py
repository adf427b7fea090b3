"""Property-based tests of the core (hypothesis): whatever is typed, the core behaves."""

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from s2s_core import tasks
from s2s_core.model.decoding import check_source, greedy_trace
from s2s_core.model.vocab import InputError
from s2s_core.shipped import CHECKPOINT_DIR
from s2s_core.training.checkpoints import load

MODELS = {
    name: load(CHECKPOINT_DIR / name)
    for name in ("reverse-additive", "reverse-dot", "reverse-none", "dates-additive")
    if (CHECKPOINT_DIR / name).is_dir()
}
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def decode_checked(name: str, text: str):
    """What every page does: normalise, check, decode. Returns the trace or the InputError."""
    ckpt = MODELS[name]
    task = tasks.get_task(ckpt.task)
    source = task.normalize(text)
    try:
        check_source(source, ckpt.src_vocab, task.max_source_len)
    except InputError as err:
        return err
    return greedy_trace(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source, task.max_target_len + 1)


def assert_sane(trace, cap: int) -> None:
    assert 1 <= len(trace.steps) <= cap
    for s in trace.steps:
        assert 0 <= s.prob <= 1 and math.isfinite(s.context_norm) and math.isfinite(s.state_norm)
        assert all(math.isfinite(x) for x in s.context)
        if s.attention is not None:
            assert abs(sum(s.attention) - 1) <= 1e-6
            assert all(0 <= a <= 1 for a in s.attention)
            assert len(s.attention) == len(trace.source_tokens)


@FAST
@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=40),
    st.sampled_from(["reverse-additive", "reverse-dot", "reverse-none"]),
)
def test_any_accepted_letters_give_a_sane_trace(text, name):
    trace = decode_checked(name, text)
    assert not isinstance(trace, InputError)
    assert_sane(trace, tasks.get_task("reverse").max_target_len + 1)


@FAST
@given(st.text(max_size=60))
def test_any_unicode_is_either_refused_cleanly_or_decoded_sanely(text):
    for name in ("reverse-additive", "dates-additive"):
        result = decode_checked(name, text)
        if isinstance(result, InputError):
            assert str(result) and "\n" not in str(result)
        else:
            assert_sane(result, tasks.get_task(MODELS[name].task).max_target_len + 1)


@FAST
@given(st.text(alphabet=tasks.get_task("dates").source_alphabet, min_size=1, max_size=40))
def test_any_string_of_date_symbols_decodes_to_at_most_ten_symbols(text):
    trace = decode_checked("dates-additive", text)
    if not text.strip():  # only spaces (one of the symbols): empty, refused with that reason
        assert isinstance(trace, InputError) and "empty" in str(trace)
        return
    assert not isinstance(trace, InputError)
    assert_sane(trace, 11)
    assert len(trace.output) <= 11
