from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

# The suite draws the same examples on every run, so that whether a change lands never depends
# on the draw (two latent bugs surfaced this way in one day, each in a run of an unrelated
# change). To look for new failures with fresh draws: HYPOTHESIS_PROFILE=explore pytest
settings.register_profile("default", derandomize=True)
settings.register_profile("explore", max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("FEEDS_SHARED", REPO.parent / "shared")).resolve()
CORPUS = SHARED / "corpus"


def write_config(site: Path, extra: str = "", **content: str) -> Path:
    lines = [
        "[site]",
        'title = "Test Newsroom"',
        'url = "https://news.example.org/"',
        'language = "en"',
        'id_prefix = "news.example.org"',
        'timezone = "Europe/Zurich"',
        "[content]",
        'dir = "content"',
    ]
    lines += [f"{k} = {v}" for k, v in content.items()]
    lines += ["[state]", 'path = "state/feeds.db"', "[output]", 'dir = "public"', extra]
    path = site / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """An empty site: config.toml and an empty content/ folder."""
    (tmp_path / "content").mkdir()
    write_config(tmp_path)
    return tmp_path


@pytest.fixture
def feeds_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the installed ``feeds`` command as a user would, in a given folder."""

    def run(*args: str, cwd: Path, check: bool = False) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "feeds", *args], cwd=cwd, capture_output=True, text=True,
            check=check, timeout=300,
        )

    return run


@pytest.fixture(scope="session")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hostile")
    subprocess.run([sys.executable, str(CORPUS / "make_hostile.py"), str(out)], check=True)
    return out
