"""The dates task: a date written by Babel (Unicode CLDR) in six languages -> ISO yyyy-mm-dd.

    "15. März 2024" -> "2024-03-15"

Each ISO character aligns to the field of the written date it comes from (year, month, day).
"""

from __future__ import annotations

import datetime
import functools
import random
import re
from typing import cast

from babel import Locale
from babel.dates import DateTimeFormat, tokenize_pattern

from s2s_core.tasks.base import Example, Span, Task, normalize

DATE_LOCALES = ("en", "de", "fr", "es", "it", "nl")
DATE_FORMATS = ("full", "long", "medium", "short")
# Every (locale, format) pair but English short: its "M/d/yy" writes "1/2/50" for 2 January,
# the Spanish short "d/M/yy" writes the same for 1 February. One source, two targets: no model
# could get both right, so the English short style is left out.
DATE_STYLES = tuple(
    (loc, fmt) for loc in DATE_LOCALES for fmt in DATE_FORMATS if (loc, fmt) != ("en", "short")
)
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
    tokens: list[tuple[str, str]] = []
    for kind, value in tokenize_pattern(pattern):
        if kind == "chars":
            tokens.append((kind, str(value)))
        else:  # ("field", (letter, count)): "MMMM" is ("M", 4)
            letter, count = cast(tuple[str, int], value)
            tokens.append((kind, letter * count))
    return tuple(tokens)


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
