"""Every bad input of the corpus through the command line: one clean line, no traceback.

(The same corpus through every page's Input: tests/pages/test_bad_inputs.py.)
"""

import pytest

from s2s_core.cli import decode
from s2s_core.shipped import CHECKPOINT_DIR
from tests.support.bad_inputs import BAD_INPUTS, WRONG_FORMAT


def test_the_corpus_is_big_enough():
    assert len(BAD_INPUTS) >= 60


@pytest.mark.parametrize(("name", "task", "text"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_cli_gives_one_clean_line(name, task, text, capsys):
    rc = decode.main(["--checkpoint", str(CHECKPOINT_DIR / f"{task}-additive"), "--input", text])
    err = capsys.readouterr().err
    assert rc != 0, name
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert any(word in err for word in ("empty", "at most", "unknown symbol"))


@pytest.mark.parametrize(("name", "task", "text"), WRONG_FORMAT, ids=[b[0] for b in WRONG_FORMAT])
def test_cli_says_when_there_is_no_known_answer(name, task, text, capsys):
    rc = decode.main(["--checkpoint", str(CHECKPOINT_DIR / f"{task}-additive"), "--input", text])
    assert rc == 0
    assert "no known answer" in capsys.readouterr().out
