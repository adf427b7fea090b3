"""The command lines: train, evaluate, decode, zoo (run as `python -m s2s_core COMMAND`)."""
