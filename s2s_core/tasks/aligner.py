"""Which letters make each phoneme? A many-to-many aligner, learned by EM.

CMUdict says "knight" -> N AY T, but not which letters say what. This aligner derives it
(Jiampojamarn, Kondrak & Sherif 2007, "m2m-aligner"): a word and its pronunciation are cut
into the same number of chunks, in order, each chunk pair (x, y) = (1-2 letters, 0-2
phonemes), one of SHAPES:

    kn | i  | gh | t          kn -> N     i -> AY     gh -> (nothing: silent)     t -> T
    N  | AY | -  | T          (one of many possible cuts; EM learns which are likely)

(2 letters, 2 phonemes) is left out: one such pair explains as much as two (1, 1) pairs with
one factor instead of two, so EM would prefer it everywhere ("bo" -> B AA in "box").

Every cut is an alignment A; its probability is the product of its chunk pairs' p(x, y):

    P(A) = prod_{(x, y) in A} p(x, y)

EM learns p from the training words, starting from uniform over the pairs that occur:

    E step   forward-backward over each word's cuts: the expected count of each pair
    M step   p(x, y) = count(x, y) / sum of all counts

The alignment of a word is then its most likely cut (Viterbi). A phoneme's letter span is the
span of the letter chunk it is in; letters in a chunk with no phoneme are silent ("gh").
A word whose pronunciation has more than twice as many phonemes as letters ("w" -> D AH B
AH L Y UW) has no cut at all: its phonemes spread evenly over its letters instead.

Grids: forward[i][j] and backward[i][j] for i = 0..n letters and j = 0..m phonemes.
"""

from __future__ import annotations

import functools
import json
import math
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

Span = tuple[int, int]
Pair = tuple[str, str]  # (letters, phonemes joined by spaces): ("gh", ""), ("x", "K S")
Edge = tuple[int, int, int, int, Pair]  # (i, j, a, b, pair): the pair at letter i, phoneme j
Grid = list[list[float]]

SHAPES = ((1, 0), (1, 1), (1, 2), (2, 0), (2, 1))  # (letters, phonemes) of a chunk pair
TABLE = Path(__file__).with_name("g2p_alignment.json")  # p(x, y) learned from CMUdict
FLOOR = 1e-12  # p of a chunk pair EM never saw: possible, but only as a last resort


def edges(word: str, phonemes: Sequence[str]) -> list[Edge]:
    """Every chunk pair a cut of (word, phonemes) can contain, in order of its start (i, j):
    (i, j, a, b, (word[i:i+a], phonemes[j:j+b]))."""
    n, m = len(word), len(phonemes)
    return [
        (i, j, a, b, (word[i : i + a], " ".join(phonemes[j : j + b])))
        for i in range(n)
        for j in range(m + 1)
        for a, b in SHAPES
        if i + a <= n and j + b <= m
    ]


def _grid(n: int, m: int) -> Grid:
    return [[0.0] * (m + 1) for _ in range(n + 1)]


# forward[i+a][j+b] += forward[i][j] p(x, y),  forward[0][0] = 1
def forward(pairs: list[Edge], n: int, m: int, p: dict[Pair, float]) -> Grid:
    """forward[i][j]: the summed P of every cut of the first i letters and j phonemes."""
    f = _grid(n, m)
    f[0][0] = 1.0
    for i, j, a, b, pair in pairs:  # in order of (i, j): f[i][j] is complete when used
        f[i + a][j + b] += f[i][j] * p.get(pair, FLOOR)
    return f


# backward[i][j] += p(x, y) backward[i+a][j+b],  backward[n][m] = 1
def backward(pairs: list[Edge], n: int, m: int, p: dict[Pair, float]) -> Grid:
    """backward[i][j]: the summed P of every cut of the letters from i and phonemes from j."""
    g = _grid(n, m)
    g[n][m] = 1.0
    for i, j, a, b, pair in reversed(pairs):
        g[i][j] += p.get(pair, FLOOR) * g[i + a][j + b]
    return g


# count(x, y) += forward[i][j] p(x, y) backward[i+a][j+b] / forward[n][m]
def expected_counts(
    word: str, phonemes: Sequence[str], p: dict[Pair, float], counts: dict[Pair, float]
) -> bool:
    """E step for one word: add each pair's expected count (its share of P over all cuts)
    to `counts`. Returns False when the word has no cut at all."""
    n, m = len(word), len(phonemes)
    pairs = edges(word, phonemes)
    f, g = forward(pairs, n, m, p), backward(pairs, n, m, p)
    total = f[n][m]
    if total <= 0.0:
        return False
    for i, j, a, b, pair in pairs:
        share = f[i][j] * p.get(pair, FLOOR) * g[i + a][j + b] / total
        if share > 0.0:
            counts[pair] += share
    return True


# p(x, y) = count(x, y) / sum of all counts
def m_step(counts: dict[Pair, float], keep: float = 1e-7) -> dict[Pair, float]:
    """The new p from the expected counts; pairs below `keep` are dropped (p -> FLOOR)."""
    total = sum(counts.values())
    return {pair: c / total for pair, c in counts.items() if c / total > keep}


def learn(words: Sequence[tuple[str, Sequence[str]]], iterations: int = 5) -> dict[Pair, float]:
    """p(x, y) by EM over (word, phonemes) pairs, starting from uniform over the pairs seen."""
    from tqdm import tqdm  # only here: the app never learns, and starts without tqdm

    p: dict[Pair, float] = dict.fromkeys((e[4] for w, ph in words for e in edges(w, ph)), 1.0)
    for _ in tqdm(range(iterations), desc="EM", unit="iteration"):
        counts: dict[Pair, float] = defaultdict(float)
        for word, phonemes in words:
            expected_counts(word, phonemes, p, counts)
        p = m_step(counts)
    return p


# best[i+a][j+b] = max(best[i][j] + log p(x, y))
def viterbi(word: str, phonemes: Sequence[str], p: dict[Pair, float]) -> list[Span] | None:
    """The most likely cut, as the letter span of each phoneme; None when there is none.

    best[i][j] = max over the cuts of word[:i], phonemes[:j] of log P, and the last chunk."""
    n, m = len(word), len(phonemes)
    best = [[-math.inf] * (m + 1) for _ in range(n + 1)]
    back: dict[tuple[int, int], tuple[int, int]] = {}
    best[0][0] = 0.0
    for i, j, a, b, pair in edges(word, phonemes):
        score = best[i][j] + math.log(p.get(pair, FLOOR))
        if score > best[i + a][j + b]:
            best[i + a][j + b], back[i + a, j + b] = score, (a, b)
    if best[n][m] == -math.inf:
        return None
    spans: list[Span] = []
    i, j = n, m
    while (i, j) != (0, 0):
        a, b = back[i, j]
        spans[:0] = [(i - a, i)] * b  # each of the chunk's b phonemes comes from its letters
        i, j = i - a, j - b
    return spans


def even_spans(n_letters: int, n_phonemes: int) -> list[Span]:
    """Phoneme k from letter k * n / m: the fallback for a word with no cut."""
    starts = [k * n_letters // n_phonemes for k in range(n_phonemes)]
    return [(lo, lo + 1) for lo in starts]


def align(word: str, phonemes: Sequence[str], p: dict[Pair, float] | None = None) -> list[Span]:
    """Each phoneme's letter span [start, end): the Viterbi cut under p (the shipped table by
    default), or even spans when no cut exists."""
    spans = viterbi(word, phonemes, shipped_table() if p is None else p)
    return even_spans(len(word), len(phonemes)) if spans is None else spans


@functools.cache
def shipped_table() -> dict[Pair, float]:
    """p(x, y) as `make checkpoints` learned it from the training words (read once)."""
    rows = json.loads(TABLE.read_text(encoding="utf-8"))["pairs"]
    return {(letters, phonemes): prob for letters, phonemes, prob in rows}


def write_table(p: dict[Pair, float], path: Path = TABLE, **facts: object) -> None:
    """Save p as JSON rows [letters, phonemes, p], most likely first."""
    ranked = sorted(p.items(), key=lambda item: -item[1])
    rows = [[x, y, round(v, 8)] for (x, y), v in ranked]
    head = json.dumps(facts)[:-1]  # the facts, one line; then a pair per line, readable
    lines = ",\n".join(json.dumps(r) for r in rows)
    path.write_text(f'{head}, "pairs": [\n{lines}\n]}}\n', encoding="utf-8")
