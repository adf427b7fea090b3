"""From examples to padded tensor batches, grouped by length.

Sequences in one batch are padded with <pad> (id 0) to the longest one. Sorting the
data by source length before cutting it into batches ("length bucketing") keeps that
padding small, so the decoder loop runs few wasted steps.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from s2s_core.model.vocab import EOS_ID, PAD_ID, SOS_ID, SPECIALS, UNK_ID, Vocab


@dataclass
class Batch:
    src: Tensor  # (B, T)       x_1..x_T, padded
    src_len: Tensor  # (B,)     T of each source
    tgt_in: Tensor  # (B, T'+1) <sos> y_1 .. y_T'   (decoder inputs y_{i-1})
    tgt_out: Tensor  # (B, T'+1) y_1 .. y_T' <eos>  (what each step must predict)

    def to(self, device: torch.device) -> Batch:
        return Batch(*(t.to(device, non_blocking=True) for t in vars(self).values()))

    def __len__(self) -> int:
        return self.src.size(0)


def encode_padded(texts: Sequence[str], vocab: Vocab) -> tuple[Tensor, Tensor]:
    """Ids of many texts at once: ((N, max length) padded with <pad>, (N,) lengths).

    Vectorised for speed (200k strings in a fraction of a second): numpy lays the
    texts out as a grid of Unicode code points, and a sorted lookup maps each code
    point to its id (unknown symbols become <unk>).
    """
    if vocab.separator:  # a vocabulary of words (g2p's phonemes): token by token
        return _encode_words(texts, vocab)
    width = max(1, max(len(t) for t in texts))
    codes = np.array(texts, dtype=f"<U{width}").view(np.uint32).reshape(len(texts), width)
    known = np.array([ord(ch) for ch in vocab.symbols], dtype=np.uint32)
    order = np.argsort(known)
    slot = np.clip(np.searchsorted(known[order], codes), 0, len(known) - 1)
    found = known[order][slot] == codes
    ids = np.where(found, order[slot] + len(SPECIALS), UNK_ID)
    ids[codes == 0] = PAD_ID  # numpy pads short strings with code point 0
    lengths = torch.tensor([len(t) for t in texts], dtype=torch.long)
    return torch.from_numpy(ids.astype(np.int64)), lengths


def _encode_words(texts: Sequence[str], vocab: Vocab) -> tuple[Tensor, Tensor]:
    """encode_padded for a vocabulary of space-separated words ("N AY T")."""
    rows = [vocab.encode(t, unknown="unk") for t in texts]
    lengths = torch.tensor([len(r) for r in rows], dtype=torch.long)
    ids = torch.full((len(rows), max(1, int(lengths.max()))), PAD_ID, dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = torch.tensor(r, dtype=torch.long)
    return ids, lengths


def make_batch(
    sources: Sequence[str], targets: Sequence[str], src_vocab: Vocab, tgt_vocab: Vocab
) -> Batch:
    """Encode (source, target) string pairs into one padded Batch."""
    src, src_len = encode_padded(sources, src_vocab)
    tgt, tgt_len = encode_padded(targets, tgt_vocab)
    n = len(targets)
    tgt_in = torch.cat([torch.full((n, 1), SOS_ID), tgt], dim=1)  # <sos> y_1 .. y_T'
    tgt_out = torch.cat([tgt, torch.full((n, 1), PAD_ID)], dim=1)
    tgt_out[torch.arange(n), tgt_len] = EOS_ID  # y_1 .. y_T' <eos>
    return Batch(src=src, src_len=src_len, tgt_in=tgt_in, tgt_out=tgt_out)


def bucketed_batches(batch: Batch, batch_size: int, generator: torch.Generator) -> Iterator[Batch]:
    """One epoch over `batch` in minibatches of similar source length, in random order.

    Each minibatch is trimmed to its own longest source and target.
    """
    n = len(batch)
    noise = torch.rand(n, generator=generator)  # shuffles within equal lengths
    order = torch.argsort(batch.src_len.float() + noise)
    chunks = list(torch.split(order, batch_size))
    for k in torch.randperm(len(chunks), generator=generator).tolist():
        idx = chunks[k]
        src_len = batch.src_len[idx]
        tgt = batch.tgt_out[idx]
        t_len = int((tgt != PAD_ID).sum(1).max())
        yield Batch(
            src=batch.src[idx, : int(src_len.max())],
            src_len=src_len,
            tgt_in=batch.tgt_in[idx, :t_len],
            tgt_out=tgt[:, :t_len],
        )
