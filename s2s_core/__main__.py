"""`python -m s2s_core COMMAND ...`: the command lines of the core, in s2s_core/cli/.

    python -m s2s_core train     --task reverse --attention additive --out runs/reverse-additive
    python -m s2s_core evaluate  --checkpoint checkpoints/reverse-additive
    python -m s2s_core decode    --checkpoint checkpoints/reverse-additive --input attention
    python -m s2s_core zoo       --build            (rebuild the shipped checkpoints)

Each command is also `python -m s2s_core.cli.COMMAND` (and evaluate and decode
`python -m s2s_core.evaluate`, `python -m s2s_core.decode`); `--help` after it lists its options.
"""

from __future__ import annotations

import importlib
import sys

COMMANDS = ("train", "evaluate", "decode", "zoo")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__.strip(), file=sys.stderr)
        print(f"\nerror: choose a command: {', '.join(COMMANDS)}", file=sys.stderr)
        return 2
    command = importlib.import_module(f"s2s_core.cli.{argv[0]}")
    return command.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
