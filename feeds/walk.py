"""One walk of a folder tree, shared by the content scan and the output check."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator


def walk_files(
    root: str, enter: Callable[[str], bool] = lambda relpath: True
) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """(path relative to ``root`` with "/" separators, entry) for every file below ``root``,
    entering only the folders ``enter`` accepts (given their relative path). Unreadable
    folders are skipped."""
    stack = [(root, "")]
    while stack:
        folder, rel = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            relpath = rel + entry.name
            if entry.is_dir(follow_symlinks=False):
                if enter(relpath):
                    stack.append((entry.path, relpath + "/"))
            else:
                yield relpath, entry
