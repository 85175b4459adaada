"""Every command the CLI has is documented in the README, and the README's two commands are the
ones .ci/run relies on."""

from __future__ import annotations

import re

from feeds.cli import build_parser
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sorted(sub.choices)  # type: ignore[arg-type]


def test_every_command_is_in_the_readme() -> None:
    for name in _commands():
        assert re.search(rf"`feeds {name}\b", README), f"`feeds {name}` is not documented"


def test_readme_opens_with_the_two_commands() -> None:
    blocks = re.findall(r"```sh\n(.+?)\n```", README, re.S)
    assert "feeds run --once" in blocks[0]
    assert "pytest" in blocks[1]
    assert "pytest" in (REPO / ".ci" / "run").read_text(encoding="utf-8")
