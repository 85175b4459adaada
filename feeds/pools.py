"""Worker processes for the long, parallel stages (a first scan, a full render).

Workers are forked, so they start at once and share what the parent already loaded (the
language model, compiled templates, the releases). The parent's objects are moved out of
the garbage collector's reach first (``gc.freeze``): a collection in a worker would
otherwise write to every object's header and copy every page the worker shares. Memory
the parent freed is handed back to the system first (``malloc_trim``): left in the heap,
the workers' allocations would land in it and copy those pages, one per worker.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import cache
from multiprocessing import get_context

RENDER_IN_WORKERS = 300  # files to render from which the writer forks workers for them


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        trim: Callable[[int], int] = libc.malloc_trim  # glibc only
    except (OSError, AttributeError, TypeError):
        return None
    return trim


def release_freed_memory() -> None:
    """Collect garbage and give the heap's free pages back to the system (glibc; elsewhere
    only the collection)."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@contextmanager
def forked_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    release_freed_memory()
    gc.freeze()
    try:
        with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
            yield pool
    finally:
        gc.unfreeze()
