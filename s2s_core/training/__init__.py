"""Training and what surrounds it: the loop (loop.py: the run and `train`; config.py: what a
run is asked and reports; step.py: one optimisation step, with mixed precision on a GPU) and
several processes (distributed.py), checkpoints on disk (checkpoints.py), held-out scores
(evaluation.py) and the recipes of the shipped models (recipes.py).

Nothing is imported here, so `from s2s_core.training import checkpoints` loads no DDP code.
"""
