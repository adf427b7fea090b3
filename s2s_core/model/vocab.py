"""Character vocabularies: tokens <-> ids.

Every vocabulary starts with the four special tokens, always at the same ids:

    <pad> = 0   fills batches up to the longest sequence (masked everywhere)
    <sos> = 1   the decoder's first input y_0
    <eos> = 2   the decoder's last output: "the sequence ends here"
    <unk> = 3   a symbol the model never saw (only when asked for, see `encode`)

A decoder writes only the vocabulary's symbols and <eos> (`Vocab.may_write`): it reads
<sos>, batches are padded with <pad>, and <unk> stands for a source symbol (NEVER_WRITTEN).

Tokens are single characters: the tasks here are character-level, so a source
like "attention" is 9 tokens, and its repeated letters stay distinct positions.
One kind of target is made of words instead: g2p's phonemes ("AY", "N"). A vocabulary with
a symbol longer than one character writes its texts with a space between tokens,
"N AY T", and reads them back by splitting at the spaces (`separator`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

PAD, SOS, EOS, UNK = "<pad>", "<sos>", "<eos>", "<unk>"
SPECIALS = (PAD, SOS, EOS, UNK)
PAD_ID, SOS_ID, EOS_ID, UNK_ID = 0, 1, 2, 3
NEVER_WRITTEN = frozenset({PAD, SOS, UNK})  # in every output layer, never a model's output


class InputError(ValueError):
    """A source text the model cannot take; the message says why, in one line."""


class UnknownSymbolError(InputError):
    """The input holds symbols that are not in the vocabulary."""

    def __init__(self, symbols: list[str], alphabet: str):
        self.symbols = symbols
        shown = ", ".join(repr(s) for s in symbols[:8])
        more = f" (+{len(symbols) - 8} more)" if len(symbols) > 8 else ""
        super().__init__(
            f"unknown symbol{'s' if len(symbols) > 1 else ''} {shown}{more}; "
            f"this model accepts: {describe_alphabet(alphabet)}"
        )


def describe_alphabet(alphabet: str, limit: int = 60) -> str:
    """A short, readable description of an alphabet for error messages."""
    shown = "".join(ch if ch != " " else "␣" for ch in alphabet)
    return shown if len(shown) <= limit else shown[:limit] + "…"


def split_tokens(text: str, separator: str) -> list[str]:
    """A text's tokens: its characters (separator ''), or its space-separated words."""
    return list(text) if not separator else text.split()


@dataclass
class Vocab:
    """A character vocabulary: `symbols` are the non-special tokens, in id order."""

    symbols: list[str]
    stoi: dict[str, int] = field(init=False, repr=False)
    separator: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.itos = list(SPECIALS) + list(self.symbols)
        self.stoi = {s: i for i, s in enumerate(self.itos)}
        # '' for a vocabulary of characters ("abc"), ' ' for one of words ("N AY T")
        self.separator = "" if all(len(s) == 1 for s in self.symbols) else " "

    @classmethod
    def from_texts(cls, texts: list[str] | str) -> Vocab:
        """The sorted set of characters that occur in `texts`."""
        chars: set[str] = set()
        for t in [texts] if isinstance(texts, str) else texts:
            chars.update(t)
        return cls(sorted(chars))

    def __len__(self) -> int:
        return len(self.itos)

    def tokens(self, text: str) -> list[str]:
        """`text` cut into this vocabulary's tokens: its characters, or its words."""
        return split_tokens(text, self.separator)

    @property
    def alphabet(self) -> str:
        """The symbols, as an error message lists them: "abc…", or "AA, AE, …" for words."""
        return (", " if self.separator else "").join(self.symbols)

    def may_write(self, token: str) -> bool:
        """Whether a decoder with this target vocabulary may write `token`: one of its
        symbols, or <eos> to end the output; never <pad>, <sos> or <unk> (NEVER_WRITTEN)."""
        return token in self.stoi and token not in NEVER_WRITTEN

    def unknown(self, text: str) -> list[str]:
        """The distinct symbols of `text` that this vocabulary lacks, in order of appearance."""
        return list(dict.fromkeys(t for t in self.tokens(text) if t not in self.stoi))

    def encode(self, text: str, *, unknown: str = "error", eos: bool = False) -> list[int]:
        """Ids of the characters of `text`.

        unknown="error" raises UnknownSymbolError naming the symbols (what the app
        and CLI do); unknown="unk" maps them to <unk> instead.
        """
        if unknown == "error":
            missing = self.unknown(text)
            if missing:
                raise UnknownSymbolError(missing, self.alphabet)
        ids = [self.stoi.get(t, UNK_ID) for t in self.tokens(text)]
        return ids + [EOS_ID] if eos else ids

    def decode(self, ids: list[int]) -> str:
        """Text of `ids` (tokens joined by `separator`), stopping at <eos>, skipping <pad>/<sos>."""
        out = []
        for i in ids:
            if i == EOS_ID:
                break
            if i in (PAD_ID, SOS_ID):
                continue
            out.append(self.itos[i])
        return self.separator.join(out)

    def to_json(self) -> list[str]:
        return list(self.symbols)

    @classmethod
    def from_json(cls, symbols: list[str]) -> Vocab:
        return cls(list(symbols))
