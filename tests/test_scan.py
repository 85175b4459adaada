"""The folder scan through the state store: cache, identities, bad files contained."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from feeds.config import load_config
from feeds.intake.scan import scan
from feeds.store import SQLiteStore
from tests.conftest import REPO

NOW = datetime(2026, 3, 1, 9, tzinfo=UTC)

RELEASE = """Harbour Board Opens New Ferry Terminal

Portsmouth – The harbour board opened its new ferry terminal on Monday, doubling
the number of crossings to the island and cutting waiting times by half.

“This is a day the island has waited twenty years for,” said the board's chair.

For more information please contact Jo Bloggs, jo@example.org, +44 20 0000 0000
"""


def _scan(site: Path, now: datetime = NOW):  # type: ignore[no-untyped-def]
    config = load_config(site / "config.toml")
    with SQLiteStore(config.state_path) as store:
        return scan(config, store, now=now)


def test_ids_are_minted_once_and_survive_edit_and_rename(site: Path) -> None:
    content = site / "content"
    (content / "ferry.txt").write_text(RELEASE, encoding="utf-8")
    first = _scan(site)
    release = first.releases["ferry.txt"]
    assert release.id == "tag:news.example.org,2026-03-01:ferry"
    assert release.title == "Harbour Board Opens New Ferry Terminal"

    (content / "ferry.txt").write_text(RELEASE.replace("Monday", "Tuesday"), encoding="utf-8")
    edited = _scan(site, NOW + timedelta(days=1))
    assert edited.releases["ferry.txt"].id == release.id
    assert edited.parsed == 1

    os.rename(content / "ferry.txt", content / "renamed.txt")
    renamed = _scan(site, NOW + timedelta(days=2))
    assert renamed.releases["renamed.txt"].id == release.id
    assert renamed.gone == []


def test_date_first_seen_is_recorded_and_never_moves(site: Path) -> None:
    (site / "content" / "ferry.txt").write_text(RELEASE, encoding="utf-8")
    first = _scan(site).releases["ferry.txt"]
    assert first.date == NOW and first.date_source == "first_seen"
    later = _scan(site, NOW + timedelta(days=5)).releases["ferry.txt"]
    assert later.date == NOW


def test_warm_scan_reads_nothing_and_touch_does_not_reparse(site: Path) -> None:
    shutil.copytree(REPO / "content", site / "content", dirs_exist_ok=True)
    cold = _scan(site)
    assert cold.read == cold.files > 5
    warm = _scan(site)
    assert warm.read == 0 and warm.parsed == 0
    assert {p: r.id for p, r in warm.releases.items()} == {p: r.id for p, r in cold.releases.items()}
    target = next(iter(sorted((site / "content").glob("*.txt"))))
    os.utime(target, ns=(1, 1))
    touched = _scan(site)
    assert touched.read == 1 and touched.parsed == 0


def test_a_broken_file_keeps_the_last_good_version_and_the_rest_publish(site: Path) -> None:
    content = site / "content"
    (content / "ferry.txt").write_text(RELEASE, encoding="utf-8")
    (content / "other.txt").write_text(RELEASE.replace("Ferry", "Bus"), encoding="utf-8")
    good = _scan(site).releases["ferry.txt"]
    (content / "ferry.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    broken = _scan(site)
    assert "ferry.txt" in broken.refused
    assert broken.releases["ferry.txt"].id == good.id  # nothing retracted by a bad save
    assert "other.txt" in broken.releases
    assert broken.gone == []


def test_deleted_file_is_gone_and_ignored_names_are_skipped(site: Path) -> None:
    content = site / "content"
    (content / "ferry.txt").write_text(RELEASE, encoding="utf-8")
    rid = _scan(site).releases["ferry.txt"].id
    for name in (".hidden.txt", "ferry.txt~", ".#ferry.txt", "ferry.txt.swp", "photo.jpg", "x.tmp"):
        (content / name).write_text(RELEASE, encoding="utf-8")
    (content / "ferry.txt").unlink()
    result = _scan(site)
    assert result.releases == {}
    assert result.gone == [rid]


def test_file_over_the_size_limit_is_refused_without_reading(site: Path) -> None:
    (site / "config.toml").write_text(
        (site / "config.toml").read_text().replace('dir = "content"', 'dir = "content"\nmax_file_size = 100'),
        encoding="utf-8",
    )
    (site / "content" / "big.txt").write_text(RELEASE, encoding="utf-8")
    result = _scan(site)
    assert "big.txt" in result.refused
    message = result.refused["big.txt"].message
    assert f"{len(RELEASE.encode()):,}" in message and "100" in message


def test_a_new_parser_under_a_watching_daemon_reads_every_file_again(site: Path) -> None:
    """A watcher's scan of one file, just after feeds was upgraded (the cache is emptied):
    the other files are read again, not taken for deleted."""
    content = site / "content"
    for name in ("a", "b", "c"):
        (content / f"{name}.txt").write_text(RELEASE.replace("Monday", name), encoding="utf-8")
    config = load_config(site / "config.toml")
    memo: dict[str, object] = {}
    with SQLiteStore(config.state_path) as store:
        scan(config, store, now=NOW, files_memo=memo)  # type: ignore[arg-type]
        store.set_cache_key("written by an older feeds")
        (content / "d.txt").write_text(RELEASE.replace("Monday", "d"), encoding="utf-8")
        result = scan(config, store, now=NOW, only={"d.txt"}, files_memo=memo)  # type: ignore[arg-type]
    assert sorted(result.releases) == ["a.txt", "b.txt", "c.txt", "d.txt"]
    assert result.gone == [] and result.removed == 0


def test_an_emptied_content_folder_retracts_nothing_without_force(site: Path) -> None:
    """An unmounted share looks like an empty folder: no mass retraction."""
    from feeds.build import build
    from feeds.errors import IntakeError

    for n in range(12):
        (site / "content" / f"ferry-{n}.txt").write_text(RELEASE + str(n), encoding="utf-8")
    config = load_config(site / "config.toml")
    with SQLiteStore(config.state_path) as store:
        build(config, store, now=NOW)
    shutil.rmtree(site / "content")
    with SQLiteStore(config.state_path) as store:
        try:
            scan(config, store, now=NOW)
        except IntakeError as e:
            assert "content folder is missing" in str(e) and "12 files were read" in str(e)
        else:
            raise AssertionError("an emptied folder was taken for a retraction of everything")
        report = build(config, store, now=NOW, force=True)
    assert [e.kind for e in report.events] == ["retracted"] * 12


def test_an_emptied_folder_after_an_upgrade_is_still_an_error_every_time(site: Path) -> None:
    """A server restarts with a new feeds before its share is mounted: the new intake would
    empty the cache, and with it the memory of what the folder held."""
    from feeds.errors import IntakeError

    for n in range(12):
        (site / "content" / f"ferry-{n}.txt").write_text(RELEASE + str(n), encoding="utf-8")
    _scan(site)
    shutil.rmtree(site / "content")
    config = load_config(site / "config.toml")
    for _ in range(2):
        with SQLiteStore(config.state_path) as store:
            store.set_meta("intake_cache_key", "written by an older feeds")
            try:
                scan(config, store, now=NOW)
            except IntakeError as e:
                assert "12 files were read" in str(e)
            else:
                raise AssertionError("an emptied folder was taken for a retraction of everything")
