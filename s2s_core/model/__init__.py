"""The model world: the seed's formulas in code.

vocab.py       characters <-> ids, the special tokens, input errors
data.py        examples -> padded tensor batches, grouped by length
attention.py   the score functions a(s, h), the softmax over j, c_i = sum_j alpha_ij h_j
rnn.py         the encoder f, the fixed context c, the decoder g, the readout
decoding.py    greedy, forced and beam decoding, recorded step by step as a Trace
"""
