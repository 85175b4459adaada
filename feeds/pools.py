"""Worker processes for the long, parallel stages (a first scan, a full render).

Workers are forked, so they start at once and share what the parent already loaded (the
language model, compiled templates, the releases). The parent's objects are moved out of
the garbage collector's reach first (``gc.freeze``): a collection in a worker would
otherwise write to every object's header and copy every page the worker shares.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context

RENDER_IN_WORKERS = 300  # files to render from which the writer forks workers for them


@contextmanager
def forked_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    gc.collect()
    gc.freeze()
    try:
        with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
            yield pool
    finally:
        gc.unfreeze()
