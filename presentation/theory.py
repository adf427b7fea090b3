"""The seed's sections as data, and the live numbers that make each one concrete.

"The seed" is the course text this app is built on, *Understanding the Seq2Seq Model*, in
ten sections; docs/theory.md retells it in our words with its formulas. Each `Section` here
holds a short text, the keys of its formulas in the registry (presentation/formulas.py),
claims that are not formulas of the model, and where the app shows it. The functions below
turn one decoding `Trace` into the numbers a section can point at:

    §1, §2  sequence_example    X, Y, T, T' and P(Y | X) = prod_t P(y_t | y_<t, X)
    §4      encoder_example     ||h_j|| for j = 1..T and the fixed context ||c||, c in R^d
    §5      decoder_example     one step t: y_{t-1}, ||s_t||, P(y_t | y_<t, X)
    §6      squeeze_latex       T vectors h_j in R^d squeezed into one c in R^d
    §7      attention_example   one row alpha_i., its scores e_i., the c_i it makes
    §6, §9  bucket_for,         the shipped models' exact match by source length and by d
            exact_by_length, ...
    §9      sequential_depth,   how many recurrent steps this input needs one after another,
            limitation_numbers  and one measured line per row of the seed's limitations table

Everything is plain data in, plain data out: no Streamlit, no figures (figures/explorer.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from presentation.step_formulas import attention_lines, top_positions
from presentation.text import latex_token, number
from s2s_core.model.decoding import Trace, sequence_log_probability
from s2s_core.shipped import ModelName, capacity_names, read_metrics
from s2s_core.training.throughput import Measured

# The pages, by the key the app knows them by (ui/navigation.py maps a key to its page).
HOME, EXPLORER, BOTTLENECK, TRAIN = "home", "explorer", "bottleneck", "train"


# --- the sections ------------------------------------------------------------------------


@dataclass(frozen=True)
class Pointer:
    """Where the app shows a section: a page (its key, e.g. "explorer") and what."""

    page: str
    label: str


@dataclass(frozen=True)
class Section:
    """One section of the seed: its number there, a short text, formulas, pointers."""

    number: int
    title: str
    text: str  # Markdown (symbols as $...$ math), our own words
    formulas: tuple[str, ...]  # keys of presentation.formulas.FORMULAS, in order
    statements: tuple[str, ...]  # LaTeX that is a claim about the model, not a formula of it
    shown_on: tuple[Pointer, ...]


SECTIONS: tuple[Section, ...] = (
    Section(
        1,
        "Introduction",
        "A sequence-to-sequence model turns one sequence into another, and the two may have "
        "different lengths: a date written in words becomes ten ISO characters, a string "
        "becomes its reverse. The encoder–decoder built for this problem is the direct "
        "ancestor of the Transformer.",
        (),
        (r"X = (x_1, \ldots, x_T) \;\longmapsto\; Y = (y_1, \ldots, y_{T'})",),
        (Pointer(HOME, "Home: type an input and decode it step by step"),),
    ),
    Section(
        2,
        "Formal definition",
        "The model learns a probability for every possible output given the input. It writes "
        "the output one symbol at a time, each symbol conditioned on the whole input and on "
        "every symbol it has already written (autoregressive generation), so the probability "
        "of the whole output is a product of one factor per step. $T$ and $T'$ need not be equal.",
        ("sequence",),
        (r"T \neq T' \text{ allowed}",),
        (Pointer(HOME, "Home: the formulas at each step end with this product so far"),),
    ),
    Section(
        4,
        "The encoder",
        "The encoder reads the input one symbol at a time and updates a hidden state $h_t$ "
        "after each. Here it is a bidirectional GRU: one GRU reads left to right, one right "
        "to left, and $h_j$ puts both together. Its final states form the fixed context "
        "vector $c$, one vector of $d$ numbers meant to summarise the whole input.",
        ("encoder_step", "annotation", "fixed_context"),
        (),
        (
            Pointer(HOME, "Home: the fixed ‖c‖ beside the attention model's ‖c_i‖"),
            Pointer(BOTTLENECK, "Bottleneck: ‖c‖ and ‖c_i‖ by input length"),
        ),
    ),
    Section(
        5,
        "The decoder",
        "The decoder is a second recurrent network that writes the output. At each step $t$ it "
        "updates its state $s_t$ from the symbol it wrote last, its previous state and the "
        "context, then turns $s_t$ into a probability for every output symbol with a softmax. "
        "Greedy decoding writes the most likely one; beam search keeps several candidates. "
        "The models here feed the context to the softmax too, $W_o [s_t ; c]$, as Cho et al. "
        "(2014) and Bahdanau et al. (2015) do: the second line.",
        ("initial_state", "decoder_step", "readout"),
        (),
        (
            Pointer(HOME, "Home: the top-k bar of P(y_t | y_<t, X) and the what-if choices"),
            Pointer(EXPLORER, "Attention explorer: beam search, the k best outputs"),
        ),
    ),
    Section(
        6,
        "The information bottleneck",
        "Without attention the decoder sees the input only through $c$, and $c$ has the same $d$ "
        "numbers whether the input has 3 symbols or 40. The longer the input, the more has "
        "to be squeezed into it, and the less of it comes out again: accuracy falls with "
        "length, most of all where every output symbol depends on a different input position "
        "(reversing a string).",
        ("fixed_context",),
        (
            r"c \in \mathbb{R}^d \text{ for every } T",
            r"\text{all of } x_1, \ldots, x_T \;\to\; c \;\to\; y_1, \ldots, y_{T'}",
        ),
        (
            Pointer(BOTTLENECK, "Bottleneck: accuracy by input length, with and without attention"),
            Pointer(HOME, "Home: the fixed-context model's output beside the attention model's"),
        ),
    ),
    Section(
        7,
        "Attention",
        "Attention lets the decoder look back at every encoder state $h_j$ at every step. It "
        "scores each $h_j$ against the decoder's state, turns the scores into weights that sum "
        "to 1 (a softmax over $j$), and takes the weighted sum: a context vector $c_i$ of its own "
        "for each step $i$. Three score functions are common: additive (Bahdanau) and dot and "
        "general (Luong). Luong et al. score the current state $s_i$; this app, like Bahdanau "
        "et al., scores the state before the step, $s_{i-1}$, for all three. The weights say "
        "where the decoder looked, not what it used: attribution asks the model itself how "
        "much each $x_j$ moved the chosen token's log-probability, and the two can disagree "
        "(Jain & Wallace 2019; Wiegreffe & Pinter 2019).",
        (
            "score",
            "mask",
            "softmax",
            "context",
            "decoder_step",
            "additive",
            "dot",
            "general",
            "keep_symbol",
            "attribution",
            "input_x_gradient",
        ),
        (),
        (
            Pointer(HOME, "Home: the heatmap of α_ij grows a row per step"),
            Pointer(EXPLORER, "Attention explorer: the three score functions side by side"),
        ),
    ),
    Section(
        8,
        "Visual representations",
        "Three pictures tell the story. The standard seq2seq: the input flows through the "
        "encoder states into one fixed $c$, and every decoder step reads that same $c$. With "
        "attention: every $h_j$ feeds a new $c_i$ at each step, as strongly as $\\alpha_{ij}$ "
        "says. The Transformer: no chain of states at all; each output position reads every "
        "source position, and every earlier output, through attention in one step. Here the "
        "three are drawn on your input: the arrows into the attention are as wide as this "
        "step's weights, and the boxes carry this step's norms.",
        (),
        (
            r"X \to h_1, \ldots, h_T \to c \to s_1, \ldots, s_{T'} \to Y",
            r"h_j \xrightarrow{\ \alpha_{ij}\ } c_i \to s_i \to y_i",
        ),
        (Pointer(HOME, "Home: the tab “The model as a diagram” moves with every step"),),
    ),
    Section(
        9,
        "Limitations and evolution",
        "Recurrence has three costs. It is sequential: step $t$ waits for step $t-1$, so the "
        "computation is as deep as the sequence is long. Information from far back fades as "
        "it passes through many steps. And a fixed-size vector limits what a model without "
        "attention can carry. Transformers keep attention and drop the recurrence: any two "
        "positions are one attention step apart. Their attention is the scaled dot product "
        "of queries and keys, in several heads at once; with no recurrence to count "
        "positions, each position gets a sinusoidal code added to its embedding.",
        ("scaled_dot_product", "multi_head", "positions", "transformer_readout"),
        (
            r"\text{sequential depth: } O(T)",
            r"\text{Transformer path between any two tokens: } O(1)",
        ),
        (
            Pointer(BOTTLENECK, "Bottleneck: cost by length, accuracy by length, capacity by d"),
            Pointer(TRAIN, "Train: train a small model yourself and compare"),
        ),
    ),
    Section(
        10,
        "Conclusion",
        "Encoder, decoder, a product of next-symbol probabilities and, with attention, a "
        "context vector made afresh at each step: these few formulas are the whole model. "
        "The Transformer keeps every one of them except the recurrence, so they are the "
        "best way into it.",
        ("sequence", "decoder_step", "context", "readout"),
        (),
        (
            Pointer(EXPLORER, "Attention explorer: every model of a task on one input"),
            Pointer(TRAIN, "Train: train your own and use it on the other pages"),
        ),
    ),
)


def section(number: int) -> Section:
    """The section with this number in the seed."""
    for s in SECTIONS:
        if s.number == number:
            return s
    raise KeyError(f"no section {number}; the sections are {[s.number for s in SECTIONS]}")


@dataclass(frozen=True)
class Limitation:
    """One row of the seed's §9 table, and what the app measures for it."""

    name: str
    impact: str  # the seed's "theoretical impact", in our words
    measured: str  # which measurement shows it
    page: str


LIMITATIONS: tuple[Limitation, ...] = (
    Limitation(
        "Sequential constraints",
        "Computation depth grows linearly with sequence length: O(T) steps in a row.",
        "decode time against input length (the Bottleneck page's cost chart)",
        BOTTLENECK,
    ),
    Limitation(
        "Long-range decay",
        "What is carried through many recurrent steps fades.",
        "exact match by input length of the fixed-context reverse model "
        "(checkpoints/reverse-none/metrics.json)",
        BOTTLENECK,
    ),
    Limitation(
        "Bottleneck",
        "A fixed dimension d limits what one context vector can hold.",
        "exact match against d, fixed-context reverse models d = 32 … 256",
        BOTTLENECK,
    ),
)


# --- live numbers from one trace ---------------------------------------------------------


def _source_latex(source: str, limit: int = 40) -> str:
    """The whole source as one LaTeX text (escaped; shortened past `limit` symbols)."""
    return latex_token(source if len(source) <= limit else source[:limit] + "…")


@dataclass
class SequenceExample:
    """§1-§2: X and Y of one decoding and P(Y | X) as the product of its step probabilities.

    T' counts the output steps including the final <eos>: stopping is a choice too.
    """

    source: str
    output: str
    T: int
    T_out: int  # T'
    step_probs: list[float]  # P(y_t | y_<t, X) for t = 1..T'
    probability: float  # prod_t P(y_t | y_<t, X)
    log_probability: float  # sum_t log P(y_t | y_<t, X)
    finished: bool  # the last step wrote <eos>

    def latex(self, shown: int = 4) -> list[str]:
        factors = [f"{p:.4f}" for p in self.step_probs[:shown]]
        more = r" \times \cdots" if len(self.step_probs) > shown else ""
        eos = r" + \langle\text{eos}\rangle" if self.finished else ""
        return [
            rf"X = {_source_latex(self.source)}\ (T = {self.T}), \quad "
            rf"Y = {_source_latex(self.output)}{eos}\ (T' = {self.T_out})",
            r"P(Y \mid X) = "
            + r" \times ".join(factors)
            + more
            + rf" = {self.probability:.4g}, \quad "
            rf"\log P(Y \mid X) = {number(self.log_probability, 3)}",
        ]


def sequence_example(trace: Trace) -> SequenceExample:
    probs = [s.prob for s in trace.steps]
    log_p = sequence_log_probability(probs)
    return SequenceExample(
        trace.source,
        trace.output,
        len(trace.source_tokens),
        len(probs),
        probs,
        math.prod(probs),
        log_p,
        trace.finished,
    )


@dataclass
class EncoderExample:
    """§4: the encoder's annotations h_j (their lengths) and the fixed context c."""

    tokens: list[str]  # x_1..x_T
    norms: list[float]  # ||h_j||
    fixed_norm: float  # ||c||
    d: int  # c in R^d

    @property
    def T(self) -> int:
        return len(self.tokens)

    def squeeze_latex(self) -> str:
        """§6: T vectors of d numbers in, one vector of d numbers out."""
        return (
            rf"{self.T} \text{{ states }} h_j \in \mathbb{{R}}^{{{self.d}}}"
            rf"\ ({self.T * self.d} \text{{ numbers}}) \;\to\; \text{{one }} c \in "
            rf"\mathbb{{R}}^{{{self.d}}}\ ({self.d} \text{{ numbers}})"
        )

    def latex(self) -> list[str]:
        j = max(range(len(self.norms)), key=self.norms.__getitem__)
        return [
            rf"T = {len(self.tokens)} \text{{ states }} h_1, \ldots, h_{{{len(self.tokens)}}}"
            rf" \in \mathbb{{R}}^{{{self.d}}}, \quad \max_j \lVert h_j \rVert = "
            rf"\lVert h_{{{j + 1}}} \rVert = {self.norms[j]:.2f}\ ({latex_token(self.tokens[j])})",
            rf"c \in \mathbb{{R}}^{{{self.d}}}, \quad \lVert c \rVert = {self.fixed_norm:.2f}",
        ]


def encoder_example(trace: Trace) -> EncoderExample:
    d = len(trace.steps[0].context) if trace.steps else 0  # c_i has the size of h_j and c
    return EncoderExample(
        list(trace.source_tokens), list(trace.encoder_norms), trace.fixed_context_norm, d
    )


@dataclass
class DecoderExample:
    """§5: step t of the decoder: what it was fed, its state and what it wrote."""

    t: int
    previous: str  # y_{t-1} (<sos> at t = 1)
    token: str  # y_t
    prob: float  # P(y_t | y_<t, X)
    state_norm: float  # ||s_t||
    topk: list[tuple[str, float]]

    def latex(self) -> list[str]:
        t = self.t
        runner = next(((tok, p) for tok, p in self.topk if tok != self.token), None)
        line = [
            rf"s_{{{t}}} = g(y_{{{t - 1}}} = {latex_token(self.previous)},\ s_{{{t - 1}}},\ c), "
            rf"\quad \lVert s_{{{t}}} \rVert = {self.state_norm:.2f}",
            rf"P(y_{{{t}}} = {latex_token(self.token)} \mid y_{{<{t}}}, X) = {self.prob:.3f}",
        ]
        if runner is not None:
            line[1] += rf", \quad \text{{next best: }} {latex_token(runner[0])}\ ({runner[1]:.3f})"
        return line


def decoder_example(trace: Trace, t: int) -> DecoderExample:
    """Step t (1-based; clamped to the trace's steps)."""
    t = max(1, min(t, len(trace.steps)))
    step = trace.steps[t - 1]
    previous = "<sos>" if t == 1 else trace.steps[t - 2].token
    return DecoderExample(t, previous, step.token, step.prob, step.state_norm, list(step.topk))


@dataclass
class AttentionExample:
    """§7: one row alpha_i. of an attention model, its scores e_i. and its c_i."""

    i: int
    kind: str  # the score function: additive, dot or general
    tokens: list[str]
    top: list[int]  # 0-based positions j with the largest alpha_ij, largest first
    alpha: list[float]  # alpha_i. over all positions j
    scores: list[float]  # e_i. over all positions j
    context_norm: float  # ||c_i||
    token: str  # y_i

    @property
    def alpha_sum(self) -> float:
        return sum(self.alpha)

    def latex(self) -> list[str]:
        scores, weights, context = attention_lines(
            self.i, self.tokens, self.alpha, self.scores, self.context_norm, self.top, digits=3
        )
        return [
            rf"\text{{{self.kind}: }} " + scores,
            weights,
            context + rf" \;\Rightarrow\; y_{{{self.i}}} = {latex_token(self.token)}",
        ]


def attention_example(trace: Trace, i: int, k: int = 3) -> AttentionExample:
    """Step i (1-based; clamped) of an attention trace; ValueError for a model without one."""
    if not trace.has_attention:
        raise ValueError("a model without attention has no alpha_ij")
    i = max(1, min(i, len(trace.steps)))
    step = trace.steps[i - 1]
    assert step.attention is not None and step.scores is not None
    return AttentionExample(
        i,
        trace.attention_kind,
        list(trace.source_tokens),
        top_positions(step.attention, k),
        list(step.attention),
        list(step.scores),
        step.context_norm,
        step.token,
    )


def sequential_depth(trace: Trace) -> tuple[int, int]:
    """(T, T'): the recurrent steps that must run one after another for this input.

    The encoder runs its two directions side by side, T steps each; the decoder then
    runs T' steps, each waiting for the symbol written by the one before.
    """
    return len(trace.source_tokens), len(trace.steps)


@dataclass(frozen=True)
class Architecture:
    """§9, counted for one input: what must run one after another, and how far apart two
    tokens are (the number of steps information takes from one to the other)."""

    name: str
    encoder_sequential: int  # operations that must wait for the one before, in the encoder
    training_sequential: int  # the same for one teacher-forced training pass (enc. + dec.)
    decoding_sequential: int  # ... and for decoding the output one token at a time
    longest_path: int  # the most steps between two source tokens


def architectures(T: int, T_out: int, layers: int) -> list[Architecture]:
    """The RNN encoder-decoder and an L-layer Transformer on a source of T tokens and an
    output of T' steps. The RNN's encoder is T steps deep whatever the hardware; the
    Transformer's is L layers, each over all positions at once. Both decoders still write
    one token at a time when decoding (the Transformer's each through its L layers): only
    training runs every target position at once.
    T counts the source as the RNN reads it (the Transformer adds an end marker, in parallel).
    """
    return [
        Architecture("RNN (bidirectional GRU + attention)", T, T + T_out, T + T_out, T - 1),
        Architecture(
            f"Transformer ({layers} layers)", layers, 2 * layers, layers + layers * T_out, 1
        ),
    ]


def architecture_rows(T: int, T_out: int, layers: int) -> list[dict[str, object]]:
    """architectures() as table rows, with the seed's orders of growth."""
    rnn, tf = architectures(T, T_out, layers)
    return [
        {
            "": "sequential operations, encoder",
            rnn.name: f"{rnn.encoder_sequential}  (O(T))",
            tf.name: f"{tf.encoder_sequential}  (O(L), any T)",
        },
        {
            "": "sequential operations, one training pass",
            rnn.name: f"{rnn.training_sequential}  (O(T + T'))",
            tf.name: f"{tf.training_sequential}  (O(L))",
        },
        {
            "": "sequential operations, decoding",
            rnn.name: f"{rnn.decoding_sequential}  (O(T + T'))",
            tf.name: f"{tf.decoding_sequential}  (O(L·T'))",
        },
        {
            "": "longest path between two source tokens",
            rnn.name: f"{rnn.longest_path}  (O(T))",
            tf.name: f"{tf.longest_path}  (O(1))",
        },
    ]


def throughput_rows(measured: list[Measured]) -> list[dict[str, object]]:
    """throughput.compare's lengths as table rows: times, tokens/s and the ratios."""
    return [
        {
            "T": m.length,
            "RNN encoder ms": round(m.rnn_encoder_ms, 2),
            "Transformer encoder ms": round(m.transformer_encoder_ms, 2),
            "RNN training tokens/s": round(m.rnn_tokens_per_s),
            "Transformer training tokens/s": round(m.transformer_tokens_per_s),
            "training speed, Transformer ÷ RNN": round(
                m.transformer_tokens_per_s / m.rnn_tokens_per_s, 2
            ),
        }
        for m in measured
    ]


def throughput_summary(measured: list[Measured]) -> str:
    """One sentence: how each encoder's time grew from the shortest to the longest T."""
    first, last = measured[0], measured[-1]
    if first is last:
        return f"Only T = {first.length} was measured in the time allowed."
    grow = last.length / first.length
    speed = last.transformer_tokens_per_s / last.rnn_tokens_per_s
    return (
        f"From T = {first.length} to T = {last.length} ({grow:.0f}× longer) the RNN encoder "
        f"took {last.rnn_encoder_ms / first.rnn_encoder_ms:.2g}× as long, the Transformer "
        f"encoder {last.transformer_encoder_ms / first.transformer_encoder_ms:.2g}× "
        "(one layer covers every position at once; at small T fixed costs dominate). "
        f"Training: the Transformer did {speed:.2g}× "
        f"the RNN's tokens per second at T = {last.length}."
    )


# --- the shipped models' measurements ------------------------------------------------------


def bucket_for(metrics: dict, length: int) -> dict | None:
    """The source-length bucket of `metrics` that holds inputs of this length."""
    for b in metrics["buckets"]:
        if b["lengths"][0] <= length <= b["lengths"][1]:
            return b
    return None


def longest_bucket(metrics: dict, in_training: bool = True) -> dict:
    """The bucket of the longest inputs (only those within the training lengths, if asked)."""
    buckets = [b for b in metrics["buckets"] if not (in_training and b["extrapolation"])]
    return max(buckets or metrics["buckets"], key=lambda b: b["lengths"][1])


def exact_by_length(metrics: dict) -> list[tuple[int, int, float]]:
    """(shortest, longest, exact match) for every source-length bucket."""
    return [(b["lengths"][0], b["lengths"][1], b["exact_match"]) for b in metrics["buckets"]]


def capacity(metrics: list[dict]) -> list[tuple[int, float]]:
    """(d, exact match within the training lengths) for models that differ in d, by d."""
    return sorted((m["hidden"], m["in_training_range"]["exact_match"]) for m in metrics)


def _percent(x: float) -> str:
    return f"{100 * x:.0f}%"


def limitation_numbers(trace: Trace) -> list[str]:
    """One measured line per row of LIMITATIONS: this input's depth, then shipped metrics."""
    T, T_out = sequential_depth(trace)
    rows = [
        f"this input: {T} encoder steps (each direction), then {T_out} decoder steps, "
        "one after another"
    ]
    fixed = read_metrics(str(ModelName("reverse", "none")), missing_ok=True)
    rows.append(
        "not shipped"
        if fixed is None
        else "exact match "
        + ", ".join(f"{lo}–{hi}: {_percent(x)}" for lo, hi, x in exact_by_length(fixed))
    )
    found = [read_metrics(n) for n in capacity_names("reverse")]
    rows.append(
        "not shipped"
        if not found
        else "exact match (training lengths) "
        + ", ".join(f"d = {d}: {_percent(x)}" for d, x in capacity(found))
    )
    return rows
