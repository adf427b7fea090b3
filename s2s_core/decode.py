"""`python -m s2s_core.decode ...` is `python -m s2s_core decode ...`: see cli/decode.py."""

import sys

from s2s_core.cli.decode import main

if __name__ == "__main__":
    sys.exit(main())
