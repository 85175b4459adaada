"""Progress of long work (the first intake of a large archive): a bar on a terminal,
a log line every tenth of the way otherwise."""

from __future__ import annotations

import logging
import sys
import time
from typing import TextIO

from feeds.intake.scan import Progress

log = logging.getLogger("feeds.progress")


def progress_reporter(what: str, stream: TextIO | None = None) -> Progress:
    out = stream or sys.stderr
    interactive = out.isatty()
    state = {"last_tenth": -1, "drawn": 0.0}

    def report(done: int, total: int) -> None:
        if total < 200:
            return  # short work needs no progress
        if interactive:
            now = time.monotonic()
            if done < total and now - state["drawn"] < 0.1:
                return
            state["drawn"] = now
            width = 30
            filled = width * done // total
            out.write(f"\r{what} [{'#' * filled}{' ' * (width - filled)}] {done}/{total}")
            if done >= total:
                out.write("\n")
            out.flush()
        else:
            tenth = 10 * done // total
            if tenth > state["last_tenth"]:
                state["last_tenth"] = tenth
                log.info("%s: %d of %d files (%d%%)", what, done, total, 100 * done // total)

    return report
