"""The daemon's entry point: ``python scheduler.py`` is ``feeds run``.

Until the daemon lands (issue "The daemon"), this runs the commands the package has,
so ``python scheduler.py check`` works today.
"""

import sys

from feeds.cli import main

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:] or ["check"]))
