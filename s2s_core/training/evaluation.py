"""How good is a model? Exact match, token accuracy and alignment, by source length.

    exact match       share of sources whose whole output is right
    token accuracy    share of target symbols y_k that the output has at position k
    alignment         share of output steps whose largest alpha_ij falls on the source
                      position (or span) that output symbol really comes from
                      (only for tasks that know their alignment: reverse, dates, past, g2p)
    WER, PER          (g2p) word error rate = 1 - exact match; phoneme error rate = the
                      edits from output to the closest pronunciation / its length
    fresh             (reverse) the alignment on FRESH_SIZE fresh inputs of lengths 5-30, a
                      seeded draw of its own: the rule a task's default model meets (>= 95%)
    attribution       the same alignment test for the largest attribution a_ij of step i's
                      log-probability to position j (s2s_core/attribution.py: integrated
                      gradients, input x gradient), beside the attention's on the same steps

Results are split into source-length buckets: the seed's bottleneck (§6) shows up as
exact match falling with length for the fixed-context model, and lengths beyond the
training range show how far a model extrapolates.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import torch
from torch import Tensor

from s2s_core import tasks as task_registry
from s2s_core.attribution import Rows, hits, input_x_gradient, integrated_gradients
from s2s_core.model.data import encode_padded
from s2s_core.model.decoding import greedy_batch
from s2s_core.model.vocab import PAD_ID, SOS_ID, split_tokens
from s2s_core.tasks import Example, Task
from s2s_core.training.checkpoints import Checkpoint

HELD_OUT_SIZE = 2000  # the held-out set: tasks.test_examples(task, HELD_OUT_SIZE, seed=0)
ATTRIBUTION_SAMPLE = 100  # examples whose steps are attributed (integrated gradients is costly)
BUCKET_WIDTH = 5
FRESH_SIZE, FRESH_LENGTHS = 200, (5, 30)  # fresh inputs: how many, their source lengths


def held_out(task: Task, n: int | None = None) -> list[Example]:
    """The task's held-out examples (training never sees their sources): `n` of them, by
    default HELD_OUT_SIZE drawn ones, or the whole held-out pool of a task that has one
    (g2p: its 5,925 held-out words)."""
    pool = task.held_out_pool()
    if n is None:
        n = HELD_OUT_SIZE if pool is None else len(pool)
    return task_registry.test_examples(task, n, seed=0)


def fresh_examples(task: Task, n: int = FRESH_SIZE, seed: int = 0) -> list[Example]:
    """`n` fresh inputs of source lengths uniform over FRESH_LENGTHS, the same for the same
    seed: a random stream of their own (neither training's nor the held-out set's)."""
    rng = random.Random(f"{task.name}-fresh-{seed}")
    return [task.sample(rng, rng.randint(*FRESH_LENGTHS)) for _ in range(n)]


def fresh_scores(ckpt: Checkpoint, task: Task) -> dict:
    """Exact match and alignment on the fresh inputs (metrics.json's "fresh")."""
    s = summarize(predict(ckpt, fresh_examples(task)))
    return {"lengths": list(FRESH_LENGTHS), **scores_dict(s)}


def in_training_range(task: Task, example: Example) -> bool:
    return task.train_lengths is None or len(example.source) <= task.train_lengths[1]


@dataclass
class Prediction:
    example: Example
    output: str
    argmax: list[int] | None  # argmax_j alpha_ij for each output step i (None: no attention)
    separator: str = ""  # between output tokens: '' (characters) or ' ' (g2p's phonemes)
    head_argmax: list[list[list[int]]] | None = None  # Transformer: [step i][layer][head]

    def tokens(self, text: str) -> list[str]:
        """A text's tokens: its characters, or (g2p) its space-separated phonemes."""
        return split_tokens(text, self.separator)

    @property
    def exact(self) -> bool:
        return self.example.accepts(self.output)

    @property
    def reference(self) -> str:
        """The right answer the output is measured against: the output itself when it is
        one (an alternative pronunciation), else the target."""
        return self.output if self.exact else self.example.target

    @property
    def correct_tokens(self) -> int:
        output, reference = self.tokens(self.output), self.tokens(self.reference)
        return sum(p == g for p, g in zip(output, reference))

    def alignment_hits(self) -> tuple[int, int]:
        """(steps whose argmax lies in the gold span, steps that have a gold span)."""
        gold = self.example.alignment  # the target's: not the alternatives'
        if gold is None or self.argmax is None or self.reference != self.example.target:
            return 0, 0
        pairs = [(a, span) for a, span in zip(self.argmax, gold) if span is not None]
        return sum(lo <= a < hi for a, (lo, hi) in pairs), len(pairs)

    def head_hits(self) -> tuple[list[list[int]], int] | None:
        """A Transformer's alignment hits per head: ([layer][head] steps whose argmax of
        that head lies in the gold span, steps with a gold span); None without heads."""
        gold = self.example.alignment
        if gold is None or self.head_argmax is None or not self.head_argmax:
            return None
        L, H = len(self.head_argmax[0]), len(self.head_argmax[0][0])
        hits = [[0] * H for _ in range(L)]
        if self.reference != self.example.target:
            return hits, 0
        pairs = [(a, span) for a, span in zip(self.head_argmax, gold) if span is not None]
        for step, (lo, hi) in pairs:
            for layer in range(L):
                for h in range(H):
                    hits[layer][h] += lo <= step[layer][h] < hi
        return hits, len(pairs)


def predict(
    ckpt: Checkpoint, examples: list[Example], batch_size: int = 256, max_steps: int | None = None
) -> list[Prediction]:
    """Greedy outputs (and attention argmaxes) for many examples, batched."""
    model, device = ckpt.model, ckpt.model.device
    task = task_registry.get_task(ckpt.task)
    max_steps = max_steps or task.max_target_len + 1
    was_training = model.training
    model.eval()
    out: list[Prediction] = []
    for k in range(0, len(examples), batch_size):
        chunk = examples[k : k + batch_size]
        src, src_len = encode_padded([e.source for e in chunk], ckpt.src_vocab)
        ids, alpha, heads = greedy_batch(model, src.to(device), src_len.to(device), max_steps)
        argmax = None if alpha is None else alpha.argmax(2).tolist()
        head_argmax = None if heads is None else heads.argmax(4).tolist()  # (B, n, L, H)
        for row, e in enumerate(chunk):
            out.append(
                Prediction(
                    e,
                    ckpt.tgt_vocab.decode(ids[row].tolist()),
                    None if argmax is None else argmax[row],
                    ckpt.tgt_vocab.separator,
                    None if head_argmax is None else head_argmax[row],
                )
            )
    model.train(was_training)
    return out


@dataclass
class Scores:
    n: int
    exact_match: float
    token_accuracy: float
    alignment: float | None  # None where the task has no gold alignment or the model no attention
    wer: float | None = None  # word error rate, 1 - exact_match (tasks that report error rates)
    per: float | None = None  # phoneme (token) error rate: edits / reference tokens
    heads: list[list[float]] | None = None  # Transformer: alignment agreement [layer][head]


def summarize(preds: list[Prediction], with_error_rates: bool = False) -> Scores:
    """The scores of `preds`; WER and PER too `with_error_rates` (g2p)."""
    n = len(preds)
    gold_tokens = sum(len(p.tokens(p.reference)) for p in preds)
    hits = [p.alignment_hits() for p in preds]
    aligned = sum(h[1] for h in hits)
    exact = sum(p.exact for p in preds) / max(n, 1)
    scores = Scores(
        n=n,
        exact_match=exact,
        token_accuracy=sum(p.correct_tokens for p in preds) / max(gold_tokens, 1),
        alignment=sum(h[0] for h in hits) / aligned if aligned else None,
    )
    if with_error_rates:
        scores.wer, scores.per = word_and_token_error_rates(preds)
    scores.heads = head_agreement(preds)
    return scores


def head_agreement(preds: list[Prediction]) -> list[list[float]] | None:
    """A Transformer's alignment agreement of each head alone, [layer][head]: the share of
    gold-aligned steps whose argmax of that head hits the gold span."""
    per_example = [h for p in preds if (h := p.head_hits()) is not None]
    total = sum(n for _, n in per_example)
    if not total:
        return None
    L, H = len(per_example[0][0]), len(per_example[0][0][0])
    return [
        [sum(hits[layer][h] for hits, _ in per_example) / total for h in range(H)]
        for layer in range(L)
    ]


def scores_dict(scores: Scores) -> dict:
    """Scores as metrics.json writes them: WER, PER and per-head agreement only where they
    were measured."""
    optional = ("wer", "per", "heads")  # only where measured
    return {k: v for k, v in asdict(scores).items() if v is not None or k not in optional}


def word_and_token_error_rates(preds: list[Prediction]) -> tuple[float, float]:
    """(WER, PER) of predictions: `error_rates` of their tokens against every right answer."""
    return error_rates(
        [p.tokens(p.output) for p in preds],
        [[p.tokens(t) for t in (p.example.target, *p.example.alternatives)] for p in preds],
    )


def bucket_of(length: int) -> tuple[int, int]:
    lo = (length - 1) // BUCKET_WIDTH * BUCKET_WIDTH + 1
    return lo, lo + BUCKET_WIDTH - 1


def evaluate(
    ckpt: Checkpoint,
    examples: list[Example] | None = None,
    attribution_sample: int = ATTRIBUTION_SAMPLE,
) -> dict:
    """Scores overall, within the training lengths, and per source-length bucket; where the
    task knows its alignment, attention against attribution on `attribution_sample` right
    examples within the training lengths (0: not measured)."""
    task = task_registry.get_task(ckpt.task)
    examples = examples if examples is not None else held_out(task)
    preds = predict(ckpt, examples)
    in_range = [p for p in preds if in_training_range(task, p.example)]
    return {
        "checkpoint": ckpt.name,
        "task": ckpt.task,
        "attention": ckpt.model.cfg.attention,
        "hidden": ckpt.model.cfg.hidden,
        **scores_by_length(task, preds),
        **(
            {"fresh": fresh_scores(ckpt, task)}
            if task.has_alignment and task.train_lengths and ckpt.model.cfg.has_attention
            else {}
        ),
        **(
            {"attribution": attribution_agreement(ckpt, in_range, attribution_sample)}
            if task.has_alignment and attribution_sample > 0
            else {}
        ),
    }


@dataclass
class AttributionRow:
    """One gold-aligned step of a right output: what the decoder is fed, the token it wrote,
    where the gold says it comes from, and where the attention looked."""

    source: list[int]  # x_1..x_T, ids
    tgt_in: list[int]  # <sos> y_1 .. y_{i-1}
    target: int  # y_i
    span: tuple[int, int]  # the gold positions [start, end)
    attention: int | None  # argmax_j alpha_ij (None: no attention)


def attribution_steps(ckpt: Checkpoint, preds: list[Prediction]) -> list[AttributionRow]:
    """Every gold-aligned step of these predictions, the shortest prefixes first (so that a
    batch of neighbours needs little padding)."""
    rows = []
    for p in preds:
        source = ckpt.src_vocab.encode(p.example.source, unknown="unk")
        target = [ckpt.tgt_vocab.stoi[t] for t in p.tokens(p.example.target)]
        for i, span in enumerate(p.example.alignment or ()):
            if span is not None:
                looked = None if p.argmax is None else p.argmax[i]
                rows.append(AttributionRow(source, [SOS_ID, *target[:i]], target[i], span, looked))
    return sorted(rows, key=lambda r: (len(r.tgt_in), len(r.source)))


def padded_batch(
    rows: list[AttributionRow], device: torch.device
) -> tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
    """(src, src_len, tgt_in, target, step) for attribution.Rows, padded with <pad>."""
    T, n = max(len(r.source) for r in rows), max(len(r.tgt_in) for r in rows)
    return (
        torch.tensor([r.source + [PAD_ID] * (T - len(r.source)) for r in rows], device=device),
        torch.tensor([len(r.source) for r in rows], device=device),
        torch.tensor([r.tgt_in + [PAD_ID] * (n - len(r.tgt_in)) for r in rows], device=device),
        torch.tensor([r.target for r in rows], device=device),
        torch.tensor([len(r.tgt_in) - 1 for r in rows], device=device),
    )


def attribution_agreement(
    ckpt: Checkpoint, preds: list[Prediction], n: int = ATTRIBUTION_SAMPLE, rows_per_batch: int = 64
) -> dict:
    """Attention and attribution scored against the same gold spans, on the same steps.

    The first `n` predictions that are right and have a gold alignment (the held-out set is
    drawn at random, so these are a random sample): every step with a gold span is a row, the
    decoder fed the model's own (right) output. For each row: does the argmax of alpha_i.,
    of integrated gradients and of input x gradient fall in the span? Returns the shares, the
    sample's size, and integrated gradients' completeness gap over all its rows."""
    chosen = [
        p
        for p in preds
        if p.exact and p.reference == p.example.target and p.example.alignment is not None
    ][:n]
    rows = attribution_steps(ckpt, chosen)
    ig_argmax: list[int] = []
    ixg_argmax: list[int] = []
    gaps = changes = 0.0
    for k in range(0, len(rows), rows_per_batch):
        batch = padded_batch(rows[k : k + rows_per_batch], ckpt.model.device)
        ig, change, _ = integrated_gradients(ckpt.model, Rows(*batch))
        ixg = input_x_gradient(ckpt.model, Rows(*batch))
        gaps += float((ig.sum(1) - change).abs().sum())
        changes += float(change.abs().sum())
        padding = torch.arange(ig.size(1), device=ig.device) >= batch[1].unsqueeze(1)  # (R, T)
        ig_argmax += ig.masked_fill(padding, -torch.inf).argmax(1).tolist()
        ixg_argmax += ixg.masked_fill(padding, -torch.inf).argmax(1).tolist()

    def share(argmax: list[int]) -> float:
        return hits(argmax, [r.span for r in rows])[0] / max(len(rows), 1)

    looked = [-1 if r.attention is None else r.attention for r in rows]
    return {
        "examples": len(chosen),
        "steps": len(rows),
        "attention": share(looked) if ckpt.model.cfg.has_attention else None,
        "integrated_gradients": share(ig_argmax),
        "input_x_gradient": share(ixg_argmax),
        "completeness_gap": gaps / changes if changes else None,
    }


def scores_by_length(task: Task, preds: list[Prediction]) -> dict:
    """The scores of predictions overall, within the training lengths and per length bucket
    (the keys of metrics.json)."""
    buckets: dict[tuple[int, int], list[Prediction]] = {}
    for p in preds:
        buckets.setdefault(bucket_of(len(p.example.source)), []).append(p)
    train_max = task.train_lengths[1] if task.train_lengths else None
    rates = task.reports_error_rates

    def scores(ps: list[Prediction]) -> dict:
        return scores_dict(summarize(ps, rates))

    classes: dict[str, list[Prediction]] = {}
    for p in preds:
        kind = task.classify(p.example)
        if kind is not None:
            classes.setdefault(kind, []).append(p)
    return {
        "overall": scores(preds),
        **({"classes": {k: scores(ps) for k, ps in sorted(classes.items())}} if classes else {}),
        "in_training_range": scores([p for p in preds if in_training_range(task, p.example)]),
        "train_max_length": train_max,
        "buckets": [
            {
                "lengths": [lo, hi],
                "extrapolation": train_max is not None and hi > train_max,
                **scores(ps),
            }
            for (lo, hi), ps in sorted(buckets.items())
        ],
    }


# --- error rates of token sequences (g2p: phonemes) ------------------------------------------


def edit_distance(a: Sequence[str], b: Sequence[str]) -> int:
    """The fewest insertions, deletions and substitutions that turn `a` into `b` (Levenshtein),
    one row of the table at a time."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        diagonal, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (x != y))
    return row[-1]


def error_rates(
    outputs: Sequence[Sequence[str]], references: Sequence[Sequence[Sequence[str]]]
) -> tuple[float, float]:
    """(word error rate, token error rate) of outputs against their references.

    A word is right when its output equals any of its references (WER: the share of words
    wrong). PER = the edits to the closest reference, summed, over those references' lengths.
    """
    wrong = edits = length = 0
    for output, refs in zip(outputs, references, strict=True):
        distance, ref = min((edit_distance(output, r), r) for r in refs)
        wrong += distance > 0
        edits += distance
        length += len(ref)
    return wrong / max(len(outputs), 1), edits / max(length, 1)
