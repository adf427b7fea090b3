"""The model world: the seed's formulas in code.

vocab.py       characters <-> ids, the special tokens, input errors
data.py        examples -> padded tensor batches, grouped by length
attention.py   the score functions a(s, h), the softmax over j, c_i = sum_j alpha_ij h_j
config.py      ModelConfig: which model (RNN with or without attention, Transformer), its sizes
steps.py       what a model hands the decoding loop: Encoded, StepTensors
rnn.py         the encoder f, the fixed context c, the decoder g, the readout
transformer.py scaled dot-product attention, heads, positions, the Transformer (seed §9-10)
build.py       build_model(cfg): the one or the other
decoding.py    greedy, forced and beam decoding, recorded step by step as a Trace
"""
