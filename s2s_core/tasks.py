"""The task registry: character-level seq2seq tasks and the data that trains and tests them.

Four tasks, from easiest to most "translation-like":

    reverse   "attention"        -> "noitnetta"       every output char comes from one input char
    sort      "sequence"         -> "ceeenqsu"        the model must count, not just point
    dates     "15. März 2024"    -> "2024-03-15"      real dates, written by Babel (Unicode CLDR)
    numbers   "vierundzwanzig"   -> "24"              real number words, written by num2words

The data is generated, never downloaded: Babel and num2words ship their own language data.
Every task draws examples with `Task.sample(rng)`; `test_examples` and `train_examples` build
the held-out and training sets from independent, seeded random streams, and the training set
never contains a source that is in the held-out set.

`Task.solve(source)` goes the other way: the example for a typed source, if the task could
have generated it (the app shows its target, and marks each output character right or wrong).

Some tasks also know their *alignment*: which source characters each target character comes
from. The evaluation compares it with the model's attention weights α_ij.
"""

from __future__ import annotations

import datetime
import functools
import random
import re
import string
import unicodedata
from dataclasses import dataclass

from babel import Locale
from babel.dates import DateTimeFormat, tokenize_pattern
from num2words import num2words

Span = tuple[int, int]
"""A half-open range [start, end) of source positions."""

LETTERS = string.ascii_lowercase
_LETTER_SET = frozenset(LETTERS)


@dataclass(frozen=True)
class Example:
    """One (source, target) pair.

    `alignment`, for tasks that know it, has one entry per target character: the span
    [start, end) of source positions it comes from, or None for a target character with no
    source (the '-' in an ISO date). It is None as a whole when the task has no alignment.
    """

    source: str
    target: str
    alignment: tuple[Span | None, ...] | None = None


def normalize(text: str) -> str:
    """Unicode NFC, and every space separator (NBSP, U+202F, ...; category Zs) becomes ' '.

    What the app applies to typed input, and what the tasks apply to the text the libraries
    write, so that both meet in the same alphabet. It keeps case and surrounding spaces.
    """
    if text.isascii():  # nothing to do: the common case, kept fast
        return text
    text = unicodedata.normalize("NFC", text)
    return "".join(" " if unicodedata.category(ch) == "Zs" else ch for ch in text)


@dataclass(frozen=True)
class Task:
    """A seq2seq task: what the app, the trainer and the evaluation need to know about it.

    Subclasses implement `sample` and `alphabets`.
    """

    name: str
    title: str
    description: str
    max_source_len: int  # the longest input the app/CLI accept
    max_target_len: int  # the longest target the task can produce
    train_lengths: tuple[int, int] | None  # (min, max) source length in training; None: no knob
    eval_lengths: tuple[int, int] | None  # (min, max) source length in evaluation
    default_input: str
    has_alignment: bool

    @property
    def source_alphabet(self) -> str:
        """Every character that can occur in a source, sorted."""
        return self.alphabets()[0]

    @property
    def target_alphabet(self) -> str:
        """Every character that can occur in a target, sorted."""
        return self.alphabets()[1]

    def alphabets(self) -> tuple[str, str]:
        """(source alphabet, target alphabet)."""
        raise NotImplementedError

    def sample(self, rng: random.Random, length: int | None = None) -> Example:
        """One random example; `length` (source length) only for tasks with `train_lengths`."""
        raise NotImplementedError

    def normalize(self, text: str) -> str:
        """Typed input, made comparable with the task's sources (see `normalize`)."""
        return normalize(text)

    def typed_source(self, text: str) -> str:
        """The source a typed text stands for: normalized, and without the spaces a student
        may type around it ("  abc " is "abc"). What the app and the CLI decode."""
        return self.normalize(text).strip()

    def solve(self, source: str) -> Example | None:
        """The example for `source` (normalized first) if the task could have generated it.

        The right answer to a typed input: its target and, for tasks that know it, its
        alignment, exactly as `sample` would give them. None for any other string.
        """
        raise NotImplementedError

    def _no_length(self, length: int | None) -> None:
        if length is not None:
            raise ValueError(f"task {self.name!r} has no source length to choose")


# --- reverse and sort: random letters ----------------------------------------------------

# Random bytes -> letters: byte b becomes LETTERS[b % 26]. Bytes 234..255 are dropped, so each
# letter has exactly 9 of the 234 kept byte values: uniform, and ~3x faster than rng.choices.
_BYTE_TO_LETTER = "".join(LETTERS[b % 26] for b in range(256)).encode()
_DROPPED_BYTES = bytes(range(234, 256))


def random_letters(rng: random.Random, k: int) -> str:
    """`k` lowercase letters, each uniform and independent."""
    out = b""
    while len(out) < k:  # draw 8 spare bytes: one round nearly always gives enough
        out += rng.randbytes(k + 8).translate(_BYTE_TO_LETTER, _DROPPED_BYTES)
    return out[:k].decode()


@functools.cache
def _reversed_alignment(n: int) -> tuple[Span, ...]:
    """Target char k of a reversed string of length n comes from source char n-1-k."""
    return tuple((n - 1 - k, n - k) for k in range(n))


class _LettersTask(Task):
    """A task on random lowercase strings; subclasses say what becomes of them."""

    def alphabets(self) -> tuple[str, str]:
        return LETTERS, LETTERS

    def sample(self, rng: random.Random, length: int | None = None) -> Example:
        if length is None:
            length = rng.randint(*self.train_lengths)
        return self.example(random_letters(rng, length))

    def solve(self, source: str) -> Example | None:
        source = self.normalize(source)
        if 0 < len(source) <= self.max_source_len and set(source) <= _LETTER_SET:
            return self.example(source)
        return None

    def example(self, source: str) -> Example:
        raise NotImplementedError


class ReverseTask(_LettersTask):
    def example(self, source: str) -> Example:
        return Example(source, source[::-1], _reversed_alignment(len(source)))


class SortTask(_LettersTask):
    def example(self, source: str) -> Example:
        # No alignment: in "sequence" -> "ceeenqsu" each 'e' could come from any of three 'e's.
        return Example(source, "".join(sorted(source)))


# --- dates: Babel ------------------------------------------------------------------------

DATE_LOCALES = ("en", "de", "fr", "es", "it", "nl")
DATE_FORMATS = ("full", "long", "medium", "short")
# Every (locale, format) pair but English short: its "M/d/yy" writes "1/2/50" for 2 January,
# the Spanish short "d/M/yy" writes the same for 1 February. One source, two targets: no model
# could get both right, so the English short style is left out.
DATE_STYLES = tuple((loc, fmt) for loc in DATE_LOCALES for fmt in DATE_FORMATS
                    if (loc, fmt) != ("en", "short"))
FIRST_DATE = datetime.date(1950, 1, 1)
LAST_DATE = datetime.date(2049, 12, 31)  # "yy" years 50..99, 00..49 then read unambiguously

# Which part of the date a pattern field shows, by its letter. Other fields (the weekday
# "EEEE") feed no character of the ISO target.
_DATE_PART = {"y": "year", "M": "month", "L": "month", "d": "day"}
# What every pattern field shows, the weekday included: how `solve` reads a date back.
_FIELD_PART = {**_DATE_PART, "E": "weekday"}


@functools.cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)


@functools.cache
def _date_pattern(locale: str, fmt: str) -> tuple[tuple[str, str], ...]:
    """The locale's pattern for `fmt` as tokens: ("chars", literal) or ("field", code).

    e.g. de long "d. MMMM y" -> (field d) (chars ". ") (field MMMM) (chars " ") (field y)
    """
    pattern = _locale(locale).date_formats[fmt].pattern
    return tuple(
        (kind, value if kind == "chars" else value[0] * value[1])
        for kind, value in tokenize_pattern(pattern)
    )


def format_date_fields(day: datetime.date, locale: str, fmt: str) -> tuple[str, dict[str, Span]]:
    """Babel's `format_date(day, fmt, locale)`, normalized, and where each part of it is.

    Built the way Babel builds it: literal text and formatted fields in pattern order. The
    spans dict maps "year", "month" and "day" to the span of that field in the text.
    """
    fields = DateTimeFormat(day, _locale(locale))
    parts: list[str] = []
    spans: dict[str, Span] = {}
    pos = 0
    for kind, value in _date_pattern(locale, fmt):
        text = normalize(value if kind == "chars" else fields[value])
        if kind == "field" and value[0] in _DATE_PART:
            spans[_DATE_PART[value[0]]] = (pos, pos + len(text))
        parts.append(text)
        pos += len(text)
    return "".join(parts), spans


def date_example(day: datetime.date, locale: str, fmt: str) -> Example:
    """The dates example for one date written in one locale and format.

    Each of the ten ISO target characters "yyyy-mm-dd" aligns to its whole field: all four
    year digits to the year (also a two-digit "yy" year), the month digits to the month
    (a number or a name), the day digits to the day; the '-' to nothing.
    """
    source, spans = format_date_fields(day, locale, fmt)
    y, m, d = spans["year"], spans["month"], spans["day"]
    return Example(source, day.isoformat(), (y, y, y, y, None, m, m, None, d, d))


@functools.cache
def _date_field_values(locale: str, code: str) -> dict[str, int]:
    """Every text the pattern field `code` ("MMMM", "yy", ...) writes in `locale` -> its value.

    The value is what the field shows: the year (1950..2049, also for a two-digit "yy"), the
    month (1..12), the day (1..31) or the weekday (0 = Monday, as `date.weekday()`). Each
    field shows one of them, so one date per year plus every day of a leap year give every
    value every field can take in FIRST_DATE..LAST_DATE.
    """
    part = _FIELD_PART[code[0]]
    days = [datetime.date(year, 1, 1) for year in range(FIRST_DATE.year, LAST_DATE.year + 1)]
    days += [datetime.date(2000, 1, 1) + datetime.timedelta(i) for i in range(366)]
    return {
        normalize(DateTimeFormat(d, _locale(locale))[code]): (
            d.weekday() if part == "weekday" else getattr(d, part)
        )
        for d in days
    }


@functools.cache
def _date_piece_texts() -> tuple[tuple[set[str], ...], ...]:
    """For every locale and format, every text each pattern piece can take."""
    return tuple(
        tuple(
            {normalize(value)} if kind == "chars" else set(_date_field_values(locale, value))
            for kind, value in _date_pattern(locale, fmt)
        )
        for locale, fmt in DATE_STYLES
    )


@functools.cache
def _date_regex(locale: str, fmt: str) -> re.Pattern[str]:
    """A regex that matches every text the style can write, and a little more.

    Each field becomes a group named by its code, e.g. (?P<MMMM>January|February|...), that
    matches any text the field can take: the groups do not check that the date exists.
    """
    parts = []
    for kind, value in _date_pattern(locale, fmt):
        if kind == "chars":
            parts.append(re.escape(normalize(value)))
        else:
            texts = sorted(_date_field_values(locale, value), key=len, reverse=True)
            parts.append(f"(?P<{value}>{'|'.join(map(re.escape, texts))})")
    return re.compile("".join(parts))


def date_source_max_len() -> int:
    """The longest dates source: the longest text of each piece, added up, worst pattern."""
    return max(sum(max(map(len, texts)) for texts in p) for p in _date_piece_texts())


class DatesTask(Task):
    def alphabets(self) -> tuple[str, str]:
        chars = {ch for p in _date_piece_texts() for texts in p for text in texts for ch in text}
        return "".join(sorted(chars)), "-0123456789"

    def sample(self, rng: random.Random, length: int | None = None) -> Example:
        self._no_length(length)
        day = datetime.date.fromordinal(rng.randint(FIRST_DATE.toordinal(), LAST_DATE.toordinal()))
        return date_example(day, *rng.choice(DATE_STYLES))

    def solve(self, source: str) -> Example | None:
        source = self.normalize(source)
        for locale, fmt in DATE_STYLES:  # a source has one target: the first match is it
            match = _date_regex(locale, fmt).fullmatch(source)
            if match is None:
                continue
            values = {
                _FIELD_PART[code[0]]: _date_field_values(locale, code)[text]
                for code, text in match.groupdict().items()
            }
            try:
                day = datetime.date(values["year"], values["month"], values["day"])
            except ValueError:  # 31 February
                continue
            if values.get("weekday", day.weekday()) != day.weekday():
                continue
            example = date_example(day, locale, fmt)
            if example.source == source:  # what Babel writes, exactly: the last word
                return example
        return None


# --- numbers: num2words ------------------------------------------------------------------

NUMBER_LANGS = ("en", "de", "fr")
MAX_NUMBER = 9999


@functools.cache  # num2words takes ~0.1 ms a call; there are only 30k examples to remember
def number_example(n: int, lang: str) -> Example:
    """`n` spelled out by num2words in `lang` -> its digits."""
    return Example(normalize(num2words(n, lang=lang)), str(n))


@functools.cache
def _number_examples() -> dict[str, Example]:
    """Every numbers example by its source: 0..MAX_NUMBER in every language (about 2.5 s).

    30k examples, 29,999 sources: English and French both write 6 as "six".
    """
    examples = (number_example(n, lang) for lang in NUMBER_LANGS for n in range(MAX_NUMBER + 1))
    return {ex.source: ex for ex in examples}


class NumbersTask(Task):
    def alphabets(self) -> tuple[str, str]:
        return "".join(sorted(set().union(*_number_examples()))), "0123456789"

    def sample(self, rng: random.Random, length: int | None = None) -> Example:
        self._no_length(length)
        return number_example(rng.randint(0, MAX_NUMBER), rng.choice(NUMBER_LANGS))

    def solve(self, source: str) -> Example | None:
        return _number_examples().get(self.normalize(source))


# --- the registry --------------------------------------------------------------------------

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
}


def get_task(name: str) -> Task:
    """The task called `name`; a ValueError naming the choices for an unknown name."""
    try:
        return TASKS[name]
    except KeyError:
        raise ValueError(f"unknown task {name!r}; choose from: {', '.join(TASKS)}") from None


# --- data sets -----------------------------------------------------------------------------


def _rng(task: Task, split: str, seed: int) -> random.Random:
    # A string seed is hashed with SHA-512: the same stream in every process (unlike hash()).
    return random.Random(f"{task.name}-{split}-{seed}")


def test_examples(task: Task, n: int, seed: int = 0) -> list[Example]:
    """The held-out set: `n` examples with distinct sources, the same for the same arguments.

    For tasks with `eval_lengths` the source lengths cycle through the whole range, so every
    length has (nearly) the same number of examples.
    """
    rng = _rng(task, "test", seed)
    lengths = (
        None if task.eval_lengths is None else range(task.eval_lengths[0], task.eval_lengths[1] + 1)
    )
    examples: list[Example] = []
    seen: set[str] = set()
    misses = 0
    while len(examples) < n:
        length = None if lengths is None else lengths[len(examples) % len(lengths)]
        example = task.sample(rng, length)
        if example.source in seen:
            misses += 1
            if misses > 100 * n + 1000:
                raise ValueError(f"cannot draw {n} distinct sources for task {task.name!r}")
            continue
        seen.add(example.source)
        examples.append(example)
    return examples


test_examples.__test__ = False  # type: ignore[attr-defined]  # tell pytest: not a test


def held_out_sources(task: Task, n: int, seed: int = 0) -> set[str]:
    """The sources of `test_examples(task, n, seed)`: what training must never see."""
    return {e.source for e in test_examples(task, n, seed)}


def train_examples(
    task: Task, n: int, seed: int = 0, exclude: set[str] | None = None
) -> list[Example]:
    """`n` training examples, the same for the same arguments, none with a source in `exclude`.

    Source lengths are uniform over `train_lengths`. Sources may repeat (short ones do).
    """
    rng = _rng(task, "train", seed)
    exclude = exclude or set()
    examples: list[Example] = []
    misses = 0
    while len(examples) < n:
        example = task.sample(rng)
        if example.source in exclude:
            misses += 1
            if misses > 100 * n + 1000:
                raise ValueError(f"`exclude` leaves too few sources for task {task.name!r}")
            continue
        examples.append(example)
    return examples
