"""`feeds check`, `feeds inspect` and `feeds init`, run as a user runs them."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

from tests.conftest import CORPUS, REPO, write_config

Run = Callable[..., CompletedProcess[str]]


def test_check_on_the_bundled_site(feeds_cli: Run, tmp_path: Path) -> None:
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copy(REPO / "config.toml", tmp_path / "config.toml")
    out = feeds_cli("check", cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    last = out.stdout.strip().splitlines()[-1]
    files = len(list((REPO / "content").iterdir()))
    assert last == f"{files} files read, {files} releases, {last.split(', ')[2]}, 0 refused"


def test_check_reports_every_hostile_file_and_reads_the_rest(
    feeds_cli: Run, site: Path, hostile_dir: Path
) -> None:
    for f in hostile_dir.iterdir():
        shutil.copy(f, site / "content" / f.name)
    shutil.copy(REPO / "content" / "communique-fr.txt", site / "content")
    out = feeds_cli("check", cwd=site)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr + out.stdout
    lines = out.stdout.splitlines()

    def about(name: str) -> str:
        return "\n".join(line for line in lines if line.startswith(name))

    assert "error: empty file" in about("01_empty.txt")
    assert "error: binary file" in about("02_binary-random.txt")
    assert "warning: not UTF-8" in about("03_latin1-accents.txt")
    assert "error:" in about("04_broken-frontmatter.md") and "never closed" in about("04_broken")
    assert "20,971,520" in about("05_huge-20mb.txt") and "2,097,152" in about("05_huge")
    assert "error" not in about("06_markup") and "error" not in about("07_future")
    assert lines[-1] == "8 files read, 4 releases, " + lines[-1].split(", ")[2] + ", 4 refused"


def test_inspect_json_fields_and_hostile_values(feeds_cli: Run, site: Path, hostile_dir: Path) -> None:
    out = feeds_cli(
        "inspect", "--json", *(str(p) for p in sorted(hostile_dir.iterdir())), cwd=site
    )
    items = {Path(i["path"]).name: i for i in json.loads(out.stdout)}
    assert out.returncode == 1  # some were refused
    assert set(items["01_empty.txt"]) == {"path", "error", "line"}
    latin = items["03_latin1-accents.txt"]
    assert latin["title"].startswith("Communiqué de presse : la Fondation Exemple")
    assert latin["dateline"] == "Genève"
    assert latin["language"] == "fr"
    markup = items["06_markup-and-control-chars.txt"]
    assert markup["title"].startswith("<script>alert(1)</script> &")  # text; escaped on output
    for value in json.dumps(markup):
        assert value not in "\x00\x01\x0b\ufffe\uffff"
    future = items["07_future-embargo.md"]
    assert future["embargo_until"].startswith("2999-01-01T00:01:00")
    assert future["date_source"] == "front_matter"
    keys = {"path", "id", "title", "summary", "dateline", "date", "date_source", "updated",
            "language", "embargo_until", "photo", "contacts", "tags", "paragraphs", "body_text",
            "end_mark", "draft", "warnings"}
    assert keys <= set(future)
    assert future["id"].startswith("tag:news.example.org,")


def test_inspect_readable_and_state_untouched(feeds_cli: Run, site: Path) -> None:
    out = feeds_cli("inspect", str(CORPUS / "releases" / "15_aha-bp-cuff-embargo.txt"), cwd=site)
    assert out.returncode == 0
    assert "embargo_until: 2024-09-05T09:00:00-04:00" in out.stdout
    assert not (site / "state").exists()


def test_init_writes_a_working_site(feeds_cli: Run, tmp_path: Path) -> None:
    target = tmp_path / "newsroom"
    out = feeds_cli("init", str(target), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert (target / "config.toml").exists() and (target / "templates").is_dir()
    check = feeds_cli("check", "--config", str(target / "config.toml"), cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.strip().splitlines()[-1].startswith("1 files read, 1 releases")
    again = feeds_cli("init", str(target), cwd=tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr


def test_a_broken_config_is_one_clear_line(feeds_cli: Run, site: Path) -> None:
    (site / "config.toml").write_text('[site]\ntitle = "x"\nurl = 5\n', encoding="utf-8")
    out = feeds_cli("check", cwd=site)
    assert out.returncode == 2
    assert out.stderr.strip() == "feeds: error: config.toml: [site.url] Expected `str`, got `int`"


def test_config_option_before_or_after_the_command(feeds_cli: Run, tmp_path: Path) -> None:
    assert feeds_cli("init", "site", cwd=tmp_path).returncode == 0
    before = feeds_cli("--config", "site/config.toml", "check", cwd=tmp_path)
    after = feeds_cli("check", "--config", "site/config.toml", cwd=tmp_path)
    assert before.returncode == after.returncode == 0, before.stderr + after.stderr
    assert before.stdout == after.stdout


def test_front_matter_languages_come_out_as_standard_tags(feeds_cli: Run, site: Path) -> None:
    """"FR", "pt_br", "English" and "français" are what press officers write; feeds carry BCP 47
    tags, so each is read as its standard tag, and a value that is no language is a warning."""
    body = "Geneva – The foundation opened its new office on Monday with its partners.\n"
    cases = {"upper.md": "FR", "under.md": "pt_br", "name.md": "English", "native.md": "français",
             "old.md": "iw", "none.md": "Martian"}
    for name, language in cases.items():
        (site / "content" / name).write_text(
            f"---\ntitle: Release {name}\nlanguage: {language}\n---\n\n{body}", encoding="utf-8")
    out = feeds_cli("inspect", "--json", *(f"content/{n}" for n in cases), cwd=site)
    assert out.returncode == 0, out.stderr
    items = {Path(i["path"]).name: i for i in json.loads(out.stdout)}
    assert {n: items[n]["language"] for n in cases} == {
        "upper.md": "fr", "under.md": "pt-BR", "name.md": "en", "native.md": "fr",
        "old.md": "he", "none.md": "en"}  # "Martian": detected from the (English) text
    assert any("'Martian' is neither a language tag" in w["message"]
               for w in items["none.md"]["warnings"])
    assert not items["upper.md"]["warnings"]


def test_site_language_is_written_in_its_standard_form(feeds_cli: Run, tmp_path: Path) -> None:
    write_config(tmp_path).write_text(
        write_config(tmp_path).read_text(encoding="utf-8").replace('language = "en"',
                                                                   'language = "EN_gb"'),
        encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text(
        "---\ntitle: A\ndate: 2026-05-01\n---\n\nGeneva – Text of the release.\n", encoding="utf-8")
    out = feeds_cli("build", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    atom = (tmp_path / "public" / "feed.atom").read_text(encoding="utf-8")
    rss = (tmp_path / "public" / "feed.rss").read_text(encoding="utf-8")
    assert 'xml:lang="en-GB"' in atom and "<language>en-GB</language>" in rss
    bad = feeds_cli("check", cwd=tmp_path, check=False)
    assert bad.returncode == 0
    write_config(tmp_path).write_text(
        write_config(tmp_path).read_text(encoding="utf-8").replace('language = "en"',
                                                                   'language = "Martian"'),
        encoding="utf-8")
    refused = feeds_cli("check", cwd=tmp_path)
    assert refused.returncode == 2 and "site.language" in refused.stderr


def test_check_front_matter_a_site_generator_wrote(feeds_cli: Run, site: Path) -> None:
    """What Hugo and Jekyll sites leave in front matter is read with a warning that names the
    file, the line and the key, and the release is kept; only a broken embargo refuses one."""
    content = site / "content"
    (content / "cms-date.md").write_text(
        "---\ntitle: Date from a CMS\ndate: 2020-07-15 23:51:39 UTC+0200\n---\n\nBern – Text.\n",
        encoding="utf-8")
    (content / "theme-image.md").write_text(
        "---\ntitle: Theme image\nimage:\n  src: /a.jpg\n  focal_point: ''\n---\n\nBern – Text.\n",
        encoding="utf-8")
    (content / "broken-key.md").write_text(
        "---\ntitle: One broken key\nimage: /a.jpg\n  src: b\ntags: [a]\n---\n\nBern – Text.\n",
        encoding="utf-8")
    (content / "broken-embargo.md").write_text(
        "---\ntitle: Broken embargo\nembargo: soon\n---\n\nBern – Text.\n", encoding="utf-8")
    out = feeds_cli("check", cwd=site)
    assert out.returncode == 1, out.stdout + out.stderr  # the embargo
    lines = out.stdout.splitlines()
    assert any(line.startswith("cms-date.md: warning: front matter 'date'") and
               "read as 2020-07-15T23:51:39+02:00" in line for line in lines)
    assert any(line.startswith("theme-image.md: warning:") and "focal_point" in line for line in lines)
    assert any(line.startswith("broken-key.md:3: warning: front matter 'image' does not parse")
               for line in lines)
    assert any(line.startswith("broken-embargo.md: error: front matter 'embargo'") for line in lines)
    assert lines[-1].startswith("4 files read, 3 releases,") and lines[-1].endswith("1 refused")
