"""Write the example pair files in examples/ from data that ships in packages we use.

    python examples/make.py

en-de-numbers.tsv    English number words -> German number words, 0-999, by num2words
                     ("twenty-four" -> "vierundzwanzig": the German puts the units first,
                     so the attention crosses)
en-fr-regions.tsv    English -> French names of the world's countries and regions, from
                     Babel's copy of the Unicode CLDR ("North America" -> "Amérique du
                     Nord": the adjective moves after the noun)

Both are plain UTF-8 TSV with a `source<TAB>target` header: what the Train page's upload
and `python -m s2s_core train --pairs` read. Rerunning gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

from babel import Locale
from num2words import num2words

HERE = Path(__file__).resolve().parent


def numbers() -> list[tuple[str, str]]:
    return [(num2words(n, lang="en"), num2words(n, lang="de")) for n in range(1000)]


def regions() -> list[tuple[str, str]]:
    english, french = Locale("en").territories, Locale("fr").territories
    pairs = {
        (english[code], french[code])
        for code in english
        if (code in french and not code.isdigit()) or code in ("003", "005", "013", "021", "150")
    }
    return sorted(p for p in pairs if "\t" not in p[0] + p[1])


def write(name: str, pairs: list[tuple[str, str]]) -> None:
    text = "source\ttarget\n" + "".join(f"{s}\t{t}\n" for s, t in pairs)
    (HERE / name).write_text(text, encoding="utf-8")
    print(f"{name}: {len(pairs)} pairs")


if __name__ == "__main__":
    write("en-de-numbers.tsv", numbers())
    write("en-fr-regions.tsv", regions())
