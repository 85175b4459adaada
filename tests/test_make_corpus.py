"""bench/make_corpus.py: deterministic, ~5 KB per file, every format present."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "make_corpus.py"
N = 60


def _load():
    spec = importlib.util.spec_from_file_location("make_corpus", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_corpus = _load().make_corpus


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _format(path: Path) -> str:
    text = path.read_bytes().decode("utf-8").lstrip("\ufeff").replace("\r\n", "\n")
    if path.suffix == ".md":
        return {"---": "md-yaml", "+++": "md-toml"}[text[:3]]
    if re.search(r"[\u0600-\u06ff]", text):
        return "text-ar"
    if re.search(r"\b\d{1,2}(er)? (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4}", text):
        return "text-fr"
    if re.search(r"\b\d{1,2} de [a-z]+ de \d{4}\b", text):
        return "text-es"
    if re.search(r"\b\d{1,2}\. (Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember) \d{4}", text):
        return "text-de"
    return "text-en"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    root = tmp_path_factory.mktemp("corpus-a")
    return root, make_corpus(N, root)


def test_same_n_gives_identical_trees(corpus: tuple[Path, list[Path]], tmp_path: Path) -> None:
    root_a, _ = corpus
    root_b = tmp_path / "elsewhere" / "corpus-b"
    make_corpus(N, root_b)
    tree_a, tree_b = _tree(root_a), _tree(root_b)
    assert len(tree_a) == N
    assert tree_a == tree_b


def test_returns_every_written_file_under_year_month(corpus: tuple[Path, list[Path]]) -> None:
    root, paths = corpus
    assert len(paths) == N == len(set(paths))
    assert sorted(p.relative_to(root).as_posix() for p in paths) == sorted(_tree(root))
    for p in paths:
        year, month, _name = p.relative_to(root).parts
        assert re.fullmatch(r"20\d\d", year) and re.fullmatch(r"0[1-9]|1[0-2]", month)
        assert p.suffix in (".txt", ".md")


def test_sizes_average_about_five_kilobytes(corpus: tuple[Path, list[Path]]) -> None:
    _, paths = corpus
    sizes = [p.stat().st_size for p in paths]
    assert 4000 <= sum(sizes) / len(sizes) <= 6000
    assert min(sizes) >= 2500


def test_all_formats_present(corpus: tuple[Path, list[Path]]) -> None:
    _, paths = corpus
    found = {_format(p) for p in paths}
    assert found == {"text-en", "md-yaml", "md-toml", "text-fr", "text-es", "text-de", "text-ar"}


def test_front_matter_parses_and_titles_are_unique(corpus: tuple[Path, list[Path]]) -> None:
    yaml = pytest.importorskip("yaml")
    _, paths = corpus
    titles = []
    for p in paths:
        text = p.read_text(encoding="utf-8-sig")
        if p.suffix == ".md":
            fence = text[:3]
            meta = (tomllib.loads if fence == "+++" else yaml.safe_load)(text.split(fence + "\n")[1])
            assert isinstance(meta["tags"], list) and meta["tags"]
            heading = re.search(r"^# (.+)$", text, re.M)
            titles.append(meta.get("title") or (heading and heading.group(1)))
        else:
            lines = [line for line in text.splitlines() if line.strip()]
            furniture = ("FOR IMMEDIATE RELEASE", "EMBARGOED", "Home ")
            while lines[0].startswith(furniture) or re.fullmatch(r"\d+ \w+ \d{4}|\w+ \d+, \d{4}", lines[0]):
                lines.pop(0)
            titles.append(lines[0])
    assert all(titles)
    assert len(set(titles)) == len(titles)


def test_command_line(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "12", str(tmp_path / "c")],
        capture_output=True, text=True, check=True,
    ).stdout
    files = [p for p in (tmp_path / "c").rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    assert len(files) == 12
    assert out.startswith(f"12 files, {total} bytes")
