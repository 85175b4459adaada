"""The daemon's entry point: ``python scheduler.py`` is ``feeds run``.

The jobs (reconcile, embargo lifts, the rescan timer) are built in ``feeds.daemon`` from the
config and the state store, so an installed ``feeds run`` and this file run the same code.
"""

import sys

from feeds.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["run", *sys.argv[1:]]))
