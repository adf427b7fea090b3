"""Seq2Seq Attention Lab core: the seed in code, and what trains and serves it.

    model/       the model world: vocab, batches, attention, the RNN encoder-decoder,
                 decoding (greedy, forced, beam) recorded step by step as a Trace
    tasks/       the tasks and their data: letters (reverse, sort), dates, numbers
    training/    the training loop, several processes (DDP), checkpoints, evaluation,
                 the recipes of the shipped models
    cli/         the command lines: python -m s2s_core train | evaluate | decode | zoo
    shipped.py   where the shipped models live, their names, their metrics
    device.py    CUDA when present, the CPU otherwise

Data flows one way: text -> vocab -> model -> decoding trace -> (presentation) -> page.
Nothing in this package imports Streamlit, Plotly or Altair (`make lint` checks it).
"""
