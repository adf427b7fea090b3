"""The seed's sections as data: the text of the Theory page and of docs/theory.md.

"The seed" is the course text this app is built on, *Understanding the Seq2Seq Model*, in
ten sections; docs/theory.md retells it in our words with its formulas (written from here
by presentation/theory_doc.py). Each `Section` holds a short text, the keys of its formulas
in the registry (presentation/formulas.py), claims that are not formulas of the model, and
where the app shows it; `LIMITATIONS` is the seed's §9 table.

The live numbers each section shows come from analysis/ (examples.py, limits.py) and are
written as LaTeX by presentation/theory_latex.py. Here: text only.
"""

from __future__ import annotations

from dataclasses import dataclass

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
