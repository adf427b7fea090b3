"""Is an output right? Per symbol and as a whole.

Plain data in, plain data out: every page that shows an output asks these. (Where the
attention looked, measured against the gold alignment: analysis/agreement.py.)
"""

from __future__ import annotations

from collections.abc import Sequence

from s2s_core.model.vocab import EOS, split_tokens
from s2s_core.tasks import Example, Task
from s2s_core.tasks.past import regular_pasts
from s2s_core.trace import Trace


def first_error(output: Sequence[str], target: Sequence[str]) -> int | None:
    """The 1-based position of the first wrong output symbol, or None if all is right
    (two strings of characters, or two lists of tokens)."""
    for k, (a, b) in enumerate(zip(output, target), 1):
        if a != b:
            return k
    return None if len(output) == len(target) else min(len(output), len(target)) + 1


def verdict(output: str, expected: Example | None, separator: str = "") -> int | None:
    """0 for a right output (the target or an alternative), k when symbol k is the first
    wrong one, None without an answer. `separator`: between the output's tokens."""
    if expected is None:
        return None
    if expected.accepts(output):
        return 0
    tokens = split_tokens(output, separator)
    answers = (expected.target, *expected.alternatives)  # right the longest, against any
    return max(first_error(tokens, split_tokens(a, separator)) or 0 for a in answers)


def token_marks(trace: Trace, expected: Example | None) -> list[bool]:
    """For every step: is its token the one the answer has there (<eos> right after the
    answer's last symbol)? All True when there is no known answer; measured against the
    alternative the output is when it is one."""
    if expected is None:
        return [True] * len(trace.steps)
    answer = trace.output if expected.accepts(trace.output) else expected.target
    target = split_tokens(answer, trace.separator)
    return [
        (k < len(target) and target[k] == s.token) or (s.token == EOS and k == len(target))
        for k, s in enumerate(trace.steps)
    ]


def over_regularised(task: Task, expected: Example | None, output: str) -> bool:
    """An irregular verb's past tense written by a regular rule: sing -> singed, go -> goed
    (the over-regularisation children show too; Rumelhart & McClelland 1986)."""
    if expected is None or task.classify(expected) != "irregular":
        return False
    return output in regular_pasts(expected.source)


OVER_REGULARISED = (
    "Over-regularised: the model applied the -ed rule to an irregular verb, as children do "
    "('goed'). A network that learns the rule from examples makes this mistake on verbs it "
    "has not memorised: the lesson of the past-tense debate (Rumelhart & McClelland 1986; "
    "Pinker & Prince 1988)."
)
