"""`python -m s2s_core.evaluate ...` is `python -m s2s_core evaluate ...`: see cli/evaluate.py."""

import sys

from s2s_core.cli.evaluate import main

if __name__ == "__main__":
    sys.exit(main())
