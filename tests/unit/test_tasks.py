"""Tests for s2s_core.tasks: the task registry and its data sets."""

import datetime
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from babel import Locale
from babel.dates import format_date, parse_date
from num2words import num2words

from s2s_core import tasks
from s2s_core.model.vocab import Vocab
from s2s_core.tasks import dates, letters, numbers

ROOT = Path(__file__).resolve().parents[2]

NAMES = ["reverse", "sort", "dates", "numbers", "past", "g2p"]


def random_date(rng: random.Random) -> datetime.date:
    first, last = dates.FIRST_DATE.toordinal(), dates.LAST_DATE.toordinal()
    return datetime.date.fromordinal(rng.randint(first, last))


def random_date_triples(n: int, seed: int = 0) -> list[tuple[datetime.date, str, str]]:
    rng = random.Random(seed)
    return [(random_date(rng), *rng.choice(dates.DATE_STYLES)) for _ in range(n)]


def month_names(locale: str) -> dict[str, int]:
    """Every name of a month in `locale` (all contexts and widths), normalized -> 1..12."""
    months = Locale.parse(locale).months
    return {
        tasks.normalize(name): number
        for context in months
        for width in months[context]
        for number, name in months[context][width].items()
    }


# --- the registry ------------------------------------------------------------------------


def test_registry_names_and_lookup():
    assert list(tasks.TASKS) == NAMES
    for name in NAMES:
        assert tasks.get_task(name) is tasks.TASKS[name]
        assert tasks.get_task(name).name == name


def test_unknown_task_names_the_choices():
    with pytest.raises(ValueError) as error:
        tasks.get_task("x")
    assert (
        str(error.value)
        == "unknown task 'x'; choose from: reverse, sort, dates, numbers, past, g2p"
    )


@pytest.mark.parametrize("name", NAMES)
def test_task_fields_are_consistent(name):
    task = tasks.get_task(name)
    for alphabet in (task.source_alphabet, task.target_alphabet):
        assert alphabet == "".join(sorted(set(alphabet)))
    assert set(task.default_input) <= set(task.source_alphabet)
    assert 0 < len(task.default_input) <= task.max_source_len
    assert task.title and task.description
    if task.train_lengths is not None:
        assert task.eval_lengths is not None
        assert task.eval_lengths[0] <= task.train_lengths[0]
        assert task.train_lengths[1] <= task.eval_lengths[1] <= task.max_source_len


def test_letter_tasks_settings():
    for name in ("reverse", "sort"):
        task = tasks.get_task(name)
        assert task.source_alphabet == task.target_alphabet == "abcdefghijklmnopqrstuvwxyz"
        assert (task.train_lengths, task.eval_lengths) == ((3, 30), (3, 40))
        assert task.max_source_len == task.max_target_len == 40
    assert tasks.get_task("reverse").has_alignment
    assert not tasks.get_task("sort").has_alignment
    assert tasks.get_task("dates").has_alignment
    assert not tasks.get_task("numbers").has_alignment


def test_sample_length_only_where_length_is_a_knob():
    rng = random.Random(0)
    assert len(tasks.get_task("reverse").sample(rng, 7).source) == 7
    for name in ("dates", "numbers"):
        with pytest.raises(ValueError):
            tasks.get_task(name).sample(rng, 7)


def test_normalize():
    assert tasks.normalize("15\u00a0mars\u202f2024\u2009!") == "15 mars 2024 !"
    assert tasks.normalize("cafe\u0301") == "café"  # NFC: e + combining acute -> é
    assert tasks.normalize("  Août ") == "  Août "  # no strip, no lowercase
    assert tasks.get_task("dates").normalize("1\u00a0mai") == "1 mai"


# --- every example is right ------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_samples_fit_alphabets_and_lengths(name):
    task = tasks.get_task(name)
    rng = random.Random(1)
    source_chars, target_chars = set(task.source_alphabet), set(task.target_alphabet)
    for _ in range(3000):
        example = task.sample(rng)
        assert set(example.source) <= source_chars
        assert set(example.target) <= target_chars
        assert 0 < len(example.source) <= task.max_source_len
        target = Vocab(task.target_symbols()).tokens(example.target)  # g2p: phonemes
        assert 0 < len(target) <= task.max_target_len
        assert tasks.normalize(example.source) == example.source
        if task.has_alignment:
            assert len(example.alignment) == len(target)
            for span in example.alignment:
                assert span is None or 0 <= span[0] < span[1] <= len(example.source)
        else:
            assert example.alignment is None


def test_reverse_examples():
    task = tasks.get_task("reverse")
    rng = random.Random(2)
    for _ in range(500):
        ex = task.sample(rng)
        assert ex.target == ex.source[::-1]
        for k, (start, end) in enumerate(ex.alignment):
            assert end - start == 1
            assert ex.source[start] == ex.target[k]
    assert task.sample(rng, 3).alignment == ((2, 3), (1, 2), (0, 1))


def test_sort_examples():
    task = tasks.get_task("sort")
    rng = random.Random(3)
    for _ in range(500):
        ex = task.sample(rng)
        assert ex.target == "".join(sorted(ex.source))


def test_letters_are_uniform():
    rng = random.Random(4)
    counts = {ch: 0 for ch in letters.LETTERS}
    for ch in letters.random_letters(rng, 260_000):
        counts[ch] += 1
    assert all(9_500 < c < 10_500 for c in counts.values())  # 10_000 expected, sd ~100


def test_dates_text_is_babels_format_date():
    for day, locale, fmt in random_date_triples(3000):
        text, spans = dates.format_date_fields(day, locale, fmt)
        assert text == tasks.normalize(format_date(day, format=fmt, locale=locale))
        assert set(spans) == {"year", "month", "day"}


def check_date_fields(ex: tasks.Example, months: dict[str, set[int]]) -> None:
    """The texts at the aligned spans, read back, give the target's year, month and day."""
    day = datetime.date.fromisoformat(ex.target)
    assert ex.target == day.isoformat()
    y, m, d = ex.alignment[0], ex.alignment[5], ex.alignment[8]
    assert ex.alignment == (y, y, y, y, None, m, m, None, d, d)
    year, month, day_text = (ex.source[s:e] for s, e in (y, m, d))
    if len(year) == 2:  # "yy": 50..99 are 1950..1999, 00..49 are 2000..2049
        assert int(year) + (1900 if int(year) >= 50 else 2000) == day.year
    else:
        assert int(year) == day.year
    assert int(day_text) == day.day
    if month.isdigit():
        assert int(month) == day.month
    else:
        assert months[month] == {day.month}


def test_dates_fields_read_back_in_their_locale():
    names = {locale: month_names(locale) for locale in dates.DATE_LOCALES}
    for day, locale, fmt in random_date_triples(3000, seed=5):
        ex = dates.date_example(day, locale, fmt)
        check_date_fields(ex, {name: {n} for name, n in names[locale].items()})
        all_digits = ex.source.replace(".", "").replace("/", "").replace("-", "").isdigit()
        four_digit_year = ex.alignment[0][1] - ex.alignment[0][0] == 4  # Babel reads yy as 20yy
        if all_digits and four_digit_year:
            assert parse_date(ex.source, locale=locale, format=fmt) == day


def test_dates_samples_read_back():
    months: dict[str, set[int]] = {}
    for locale in dates.DATE_LOCALES:
        for name, number in month_names(locale).items():
            months.setdefault(name, set()).add(number)
    task = tasks.get_task("dates")
    rng = random.Random(6)
    for _ in range(3000):
        check_date_fields(task.sample(rng), months)


def test_dates_example_in_french_full():
    ex = dates.date_example(datetime.date(2024, 3, 15), "fr", "full")
    assert ex == tasks.Example(
        "vendredi 15 mars 2024",
        "2024-03-15",
        ((17, 21),) * 4 + (None, (12, 16), (12, 16), None, (9, 11), (9, 11)),
    )


def test_dates_alphabet_and_max_length_are_exact():
    task = tasks.get_task("dates")
    days = [datetime.date(2000, 1, 1) + datetime.timedelta(i) for i in range(366)]
    days += [datetime.date(2023, 1, 1) + datetime.timedelta(i) for i in range(365)]
    days += [datetime.date(year, 6, 30) for year in range(1950, 2050)]
    chars: set[str] = set()
    for day in days:
        for locale, fmt in dates.DATE_STYLES:
            chars.update(tasks.normalize(format_date(day, format=fmt, locale=locale)))
    assert "".join(sorted(chars)) == task.source_alphabet
    longest = "miércoles, 13 de septiembre de 1950"
    assert dates.date_example(datetime.date(1950, 9, 13), "es", "full").source == longest
    assert dates.date_source_max_len() == len(longest) <= task.max_source_len


def test_dates_sources_have_one_target():
    """No two styles write different dates the same way (English short is left out for that)."""
    seen: dict[str, str] = {}
    for n in range(365):
        day = datetime.date(1950, 1, 1) + datetime.timedelta(n)
        for locale, fmt in dates.DATE_STYLES:
            ex = dates.date_example(day, locale, fmt)
            assert seen.setdefault(ex.source, ex.target) == ex.target, ex.source


def test_numbers_examples():
    for lang in numbers.NUMBER_LANGS:
        for n in (0, 1, 24, 99, 101, 1234, 9999):
            ex = numbers.number_example(n, lang)
            assert ex.source == num2words(n, lang=lang) and ex.target == str(n)
    assert numbers.number_example(24, "de").source == "vierundzwanzig"
    rng = random.Random(7)
    task = tasks.get_task("numbers")
    for _ in range(3000):
        ex = task.sample(rng)
        assert ex.source in {num2words(int(ex.target), lang=lang) for lang in numbers.NUMBER_LANGS}
        assert ex.target == str(int(ex.target))


def test_numbers_alphabet_and_max_length_cover_the_whole_space():
    task = tasks.get_task("numbers")
    sources = [
        numbers.number_example(n, lang).source
        for lang in numbers.NUMBER_LANGS
        for n in range(numbers.MAX_NUMBER + 1)
    ]
    assert set(task.source_alphabet) == set("".join(sources))
    assert max(map(len, sources)) <= task.max_source_len


# --- data sets -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_data_sets_are_deterministic_by_seed(name):
    task = tasks.get_task(name)
    assert tasks.test_examples(task, 200, seed=1) == tasks.test_examples(task, 200, seed=1)
    assert tasks.test_examples(task, 200, seed=1) != tasks.test_examples(task, 200, seed=2)
    assert tasks.train_examples(task, 200, seed=1) == tasks.train_examples(task, 200, seed=1)
    assert tasks.train_examples(task, 200, seed=1) != tasks.train_examples(task, 200, seed=2)
    assert tasks.held_out_sources(task, 200, seed=1) == {
        e.source for e in tasks.test_examples(task, 200, seed=1)
    }


def test_data_sets_are_the_same_in_another_process():
    code = (
        "from s2s_core import tasks\n"
        "for name in tasks.TASKS:\n"
        "    task = tasks.TASKS[name]\n"
        "    print([e.source for e in tasks.test_examples(task, 20, seed=3)])\n"
        "    print([e.source for e in tasks.train_examples(task, 20, seed=3)])\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    expected = "".join(
        f"{[e.source for e in tasks.test_examples(task, 20, seed=3)]}\n"
        f"{[e.source for e in tasks.train_examples(task, 20, seed=3)]}\n"
        for task in tasks.TASKS.values()
    )
    assert out == expected


@pytest.mark.parametrize("name", NAMES)
def test_test_examples_have_distinct_sources(name):
    examples = tasks.test_examples(tasks.get_task(name), 2000)
    assert len({e.source for e in examples}) == 2000


@pytest.mark.parametrize("name", ["reverse", "sort"])
def test_test_examples_cover_every_eval_length_evenly(name):
    task = tasks.get_task(name)
    lo, hi = task.eval_lengths
    counts: dict[int, int] = {}
    for ex in tasks.test_examples(task, 38 * 10):
        counts[len(ex.source)] = counts.get(len(ex.source), 0) + 1
    assert counts == {length: 10 for length in range(lo, hi + 1)}


def test_train_lengths_are_uniform_over_train_lengths():
    task = tasks.get_task("reverse")
    lo, hi = task.train_lengths
    counts: dict[int, int] = {}
    for ex in tasks.train_examples(task, 28_000):
        counts[len(ex.source)] = counts.get(len(ex.source), 0) + 1
    assert set(counts) == set(range(lo, hi + 1))
    assert all(800 < c < 1200 for c in counts.values())  # 1000 expected, sd ~31


@pytest.mark.parametrize("name", NAMES)
def test_train_never_returns_a_held_out_source(name):
    task = tasks.get_task(name)
    held_out = tasks.held_out_sources(task, 3000)
    train = tasks.train_examples(task, 20_000, exclude=held_out)
    assert len(train) == 20_000
    assert not held_out & {e.source for e in train}


def test_exclude_matters_where_sources_repeat():
    # Without `exclude`, numbers (30k sources) and short letter strings do hit the held-out set.
    for name in ("numbers", "reverse"):
        task = tasks.get_task(name)
        held_out = tasks.held_out_sources(task, 3000)
        assert held_out & {e.source for e in tasks.train_examples(task, 20_000)}


# --- solve: the example for a typed source ---------------------------------------------------

# Strings no task could have generated: solve must return None for them, never raise.
NOT_SOURCES = [
    "",
    "XQZJ",  # capitals; lowercased (past, g2p) still no verb and no word
    "abc1",
    " attention",
    "x" * 10_000,
    "1" * 10_000,
    "March 15, 2024" * 1000,
    "\x00",
    "😀",
    "\ud800",  # a lone surrogate
    "مرحبا",  # right-to-left
    "e\u0301" * 50,  # combining accents
    "\n",
]


@pytest.mark.parametrize("name", NAMES)
def test_solve_gives_back_every_sample(name):
    task = tasks.get_task(name)
    rng = random.Random(8)
    for _ in range(300):
        ex = task.sample(rng)
        assert task.solve(ex.source) == ex


def test_solve_gives_back_dates_in_every_style():
    task = tasks.get_task("dates")
    rng = random.Random(9)
    edges = [dates.FIRST_DATE, dates.LAST_DATE, datetime.date(2000, 2, 29)]
    for locale, fmt in dates.DATE_STYLES:
        for day in edges + [random_date(rng) for _ in range(150)]:
            ex = dates.date_example(day, locale, fmt)
            assert task.solve(ex.source) == ex, (locale, fmt, ex.source)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("text", NOT_SOURCES, ids=range(len(NOT_SOURCES)))
def test_solve_returns_none_for_what_no_task_writes(name, text):
    assert tasks.get_task(name).solve(text) is None


def test_solve_letters():
    reverse, sort = tasks.get_task("reverse"), tasks.get_task("sort")
    assert reverse.solve("attention") == tasks.Example(
        "attention", "noitnetta", tuple((8 - k, 9 - k) for k in range(9))
    )
    assert sort.solve("attention") == tasks.Example("attention", "aeinnottt")
    assert reverse.solve("a") == tasks.Example("a", "a", ((0, 1),))
    assert reverse.solve("z" * 40).target == "z" * 40
    assert reverse.solve("z" * 41) is None  # longer than max_source_len
    assert sort.solve("Attention") is None


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("March 15, 2024", "2024-03-15"),
        ("Friday, March 15, 2024", "2024-03-15"),
        ("15. März 2024", "2024-03-15"),
        ("15\u00a0mars 2024", "2024-03-15"),  # normalized first
        ("29.02.24", "2024-02-29"),
        ("1/2/50", "1950-02-01"),  # Spanish short: "yy" 50 is 1950...
        ("1/2/49", "2049-02-01"),  # ... and 49 is 2049
        ("15/03/2049", "2049-03-15"),
        ("miércoles, 13 de septiembre de 1950", "1950-09-13"),
    ],
)
def test_solve_dates(text, target):
    assert tasks.get_task("dates").solve(text).target == target


@pytest.mark.parametrize(
    "text",
    [
        "February 31, 2024",  # no such day, in English, German, French, Spanish, Dutch
        "31. Februar 2024",
        "31 février 2024",
        "31 de febrero de 2024",
        "31 februari 2024",
        "29.02.23",  # 2023 is no leap year
        "March 15 2024",  # the comma is missing
        "march 15, 2024",  # Babel writes "March"
        "March 15, 2024 ",
        "Thursday, March 15, 2024",  # it was a Friday
        "March 15, 2075",  # outside FIRST_DATE..LAST_DATE
        "15. März 1949",
        "15/03/2050",
        "15.03.2024.",
    ],
)
def test_solve_dates_returns_none_for_impossible_dates(text):
    assert tasks.get_task("dates").solve(text) is None


def test_solve_dates_builds_its_tables_quickly():
    dates._date_regex.cache_clear()
    dates._date_field_values.cache_clear()
    start = time.perf_counter()
    assert tasks.get_task("dates").solve("no date") is None  # tries, and so builds, every style
    assert time.perf_counter() - start < 10  # about 0.1 s


def test_solve_numbers():
    task = tasks.get_task("numbers")
    assert task.solve("twenty-four") == tasks.Example("twenty-four", "24")
    assert task.solve("vierundzwanzig").target == "24"
    assert task.solve("six").target == "6"  # English and French agree
    assert task.solve("neuf mille neuf cent quatre-vingt-dix-neuf").target == "9999"
    for text in ("twenty four", "twentyfour", "tventy-four", "Twenty-four", "ten thousand"):
        assert task.solve(text) is None


@pytest.mark.parametrize("name", NAMES)
def test_a_typed_input_loses_the_spaces_around_it(name):
    task = tasks.get_task(name)
    typed = f"  {task.default_input}\t "
    assert task.typed_source(typed) == task.default_input
    assert task.solve(task.typed_source(typed)) == task.solve(task.default_input) is not None
    assert task.solve(typed) is None  # the task itself never writes the spaces
