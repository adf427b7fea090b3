"""The baseline: a tutorial-style training loop, for the speed-up in `make bench`.

Shaped like the classic PyTorch tutorial "Translation with a Sequence to Sequence Network
and Attention": one pair at a time (batch 1), the encoder called once per source token and
the decoder once per target token in Python loops, additive attention over the encoder
outputs, the loss summed over the steps. Same task (reverse), same sizes as the shipped
model. It is here only to be measured against `s2s_core.training`.
"""

from __future__ import annotations

import random
import time

import torch
from torch import nn

from s2s_core import tasks
from s2s_core.model.vocab import EOS_ID, SOS_ID, Vocab


class EncoderRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden: int):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, hidden)
        self.gru = nn.GRU(hidden, hidden)

    def forward(self, token, hidden):
        output, hidden = self.gru(self.embedding(token).view(1, 1, -1), hidden)
        return output, hidden


class AttnDecoderRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden: int):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, hidden)
        self.W_a, self.U_a = nn.Linear(hidden, hidden), nn.Linear(hidden, hidden)
        self.v_a = nn.Linear(hidden, 1)
        self.gru = nn.GRU(2 * hidden, hidden)
        self.out = nn.Linear(hidden, vocab_size)

    def forward(self, token, hidden, encoder_outputs):
        embedded = self.embedding(token).view(1, 1, -1)
        scores = self.v_a(torch.tanh(self.W_a(hidden[0]) + self.U_a(encoder_outputs)))
        weights = torch.softmax(scores.view(1, -1), dim=1)
        context = weights @ encoder_outputs
        output, hidden = self.gru(torch.cat([embedded[0], context], 1).unsqueeze(0), hidden)
        return torch.log_softmax(self.out(output[0]), dim=1), hidden


def tokens_per_second(seconds: float = 10.0, hidden: int = 64, seed: int = 0) -> float:
    """Target tokens trained per second by the tutorial-style loop on `reverse`."""
    torch.manual_seed(seed)
    task = tasks.get_task("reverse")
    vocab = Vocab(list(task.source_alphabet))
    encoder, decoder = EncoderRNN(len(vocab), hidden), AttnDecoderRNN(len(vocab), hidden)
    params = list(encoder.parameters()) + list(decoder.parameters())
    optimizer = torch.optim.Adam(params, lr=1e-3)
    criterion = nn.NLLLoss()
    pairs = tasks.train_examples(task, 5000, seed)
    rng = random.Random(seed)
    tokens, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        pair = rng.choice(pairs)
        src = torch.tensor(vocab.encode(pair.source))
        tgt = torch.tensor(vocab.encode(pair.target, eos=True))
        optimizer.zero_grad()
        hidden_state = torch.zeros(1, 1, hidden)
        outputs = []
        for token in src:  # encoder: one token at a time
            out, hidden_state = encoder(token, hidden_state)
            outputs.append(out[0])
        encoder_outputs = torch.cat(outputs)  # (T, hidden)
        token, loss = torch.tensor([SOS_ID]), torch.zeros(())
        for target in tgt:  # decoder: one token at a time, teacher forcing
            log_p, hidden_state = decoder(token, hidden_state, encoder_outputs)
            loss = loss + criterion(log_p, target.view(1))
            token = target.view(1)
        loss.backward()
        optimizer.step()
        tokens += len(tgt)
    assert tgt[-1] == EOS_ID
    return tokens / (time.perf_counter() - start)
