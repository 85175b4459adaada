"""`feeds subscribers` and `feeds digest` as a user runs them; the file transport; the web
archive; template overrides; what the digest picks."""

from __future__ import annotations

import email
import email.policy
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from feeds.digest import service
from feeds.digest.store import DigestStore
from feeds.digest.tokens import unsubscribe_secret, verify_token
from feeds.errors import ConfigError
from tests.test_digest import (
    FAST,
    NOW,
    WAIT,
    Sink,
    _env,
    cli,
    make_site,
    people,
    publish,
    run_cli,
    send_counts,
    smtp_server,
    subscribe,
)


@pytest.fixture
def server() -> Iterator[tuple[Sink, int]]:
    with smtp_server() as running:
        yield running


def _eml(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)  # type: ignore[return-value]


# -- feeds subscribers ---------------------------------------------------------------------------


def test_subscribers_add_list_remove_and_case_variants(tmp_path: Path) -> None:
    make_site(tmp_path, transport="file")
    r = cli(tmp_path, "subscribers", "add", "Ann@Example.org", "ann@EXAMPLE.ORG", "bo@example.org")
    assert r.returncode == 0, r.stderr
    assert "2 added, 0 updated, 1 unchanged (digests: daily)" in r.stdout
    listed = json.loads(cli(tmp_path, "subscribers", "list", "--json").stdout)
    assert [(s["email"], s["status"], s["digests"]) for s in listed] == [
        ("Ann@example.org", "active", "daily"), ("bo@example.org", "active", "daily")]

    bad = cli(tmp_path, "subscribers", "add", "fine@example.org", "not-an-address")
    assert bad.returncode == 2 and bad.stderr.startswith("feeds: error: 'not-an-address': not a")
    assert len(json.loads(cli(tmp_path, "subscribers", "list", "--json").stdout)) == 2

    unknown = cli(tmp_path, "subscribers", "add", "x@example.org", "--digest", "weekly")
    assert unknown.returncode == 2 and "no [[digest]] named 'weekly'" in unknown.stderr

    r = cli(tmp_path, "subscribers", "remove", "ANN@example.org", "nobody@example.org")
    assert r.returncode == 0 and "unsubscribed: 1" in r.stdout and "nobody@example.org: not" in r.stdout
    r = cli(tmp_path, "subscribers", "add", "ann@example.org")
    assert "ann@example.org: unsubscribed, not re-added" in r.stdout
    text = cli(tmp_path, "subscribers", "list", "--status", "unsubscribed").stdout
    assert "Ann@example.org" in text and "1 subscribers" in text

    r = cli(tmp_path, "subscribers", "remove", "--forget", "ann@example.org")
    assert "forgot: 1" in r.stdout
    r = cli(tmp_path, "subscribers", "add", "ann@example.org")  # erased: a new person
    assert "1 added" in r.stdout


def test_import_and_export_round_trip(tmp_path: Path) -> None:
    make_site(tmp_path, transport="file")
    source = tmp_path / "list.csv"
    source.write_text(
        "Name,Email,Status\n"
        "Ann,ann@example.org,\n"
        "Bo,BO@example.org,pending\n"
        "Cy,cy@example.org,unsubscribed\n"
        "Dup,Ann@EXAMPLE.org,\n"
        "Bad,not an address,\n"
        "Odd,ed@example.org,sleeping\n",
        encoding="utf-8")
    r = cli(tmp_path, "subscribers", "import", str(source))
    assert r.returncode == 1
    assert "list.csv:6: 'not an address'" in r.stdout and "list.csv:7:" in r.stdout
    assert "3 added, 0 updated, 1 unchanged" in r.stdout and "2 rows refused" in r.stdout

    exported = cli(tmp_path, "subscribers", "export").stdout
    assert exported.splitlines()[0] == "email,status,digests,hard_failures,created_at,updated_at"
    rows = {line.split(",")[0]: line.split(",")[1] for line in exported.splitlines()[1:]}
    assert rows == {"ann@example.org": "active", "BO@example.org": "pending",
                    "cy@example.org": "unsubscribed"}

    other = tmp_path / "other"
    other.mkdir()
    make_site(other, transport="file")
    out = tmp_path / "out.csv"
    assert cli(tmp_path, "subscribers", "export", "-o", str(out)).returncode == 0
    assert cli(other, "subscribers", "import", str(out)).returncode == 0
    again = cli(other, "subscribers", "export").stdout
    strip = [line.split(",")[:3] for line in again.splitlines()]
    assert strip == [line.split(",")[:3] for line in exported.splitlines()]


# -- feeds digest ------------------------------------------------------------------------------


def test_preview_writes_html_and_records_nothing(tmp_path: Path) -> None:
    config = make_site(tmp_path, transport="file")
    subscribe(config, people(3))
    r = cli(tmp_path, "digest", "daily", "--preview", str(tmp_path / "preview.html"))
    assert r.returncode == 0, r.stderr
    assert "preview.html: issue 1 of daily, 'Test Newsroom: 3 new releases', 3 releases" in r.stdout
    html = (tmp_path / "preview.html").read_text()
    assert "unsubscribe/preview" in html and 'dir="rtl"' in html
    with DigestStore(config.state_path) as store:
        assert store.summaries() == []
    assert not (tmp_path / "mail").exists()


def test_send_to_one_address_is_a_test_not_the_issue(tmp_path: Path) -> None:
    config = make_site(tmp_path, transport="file")
    subscribe(config, people(3))
    r = cli(tmp_path, "digest", "daily", "--send", "--to", "editor@example.org")
    assert r.returncode == 0, r.stderr
    files = list((tmp_path / "mail" / "new").iterdir())
    assert len(files) == 1 and files[0].name.startswith("test-")
    m = _eml(files[0])
    assert m["To"] == "editor@example.org" and m["Message-ID"].startswith("<test-")
    with DigestStore(config.state_path) as store:
        assert store.summaries() == []
    r = cli(tmp_path, "digest", "daily", "--send")  # the real issue is still number 1
    assert "made issue 1 with 3 releases" in r.stdout and "3 sent" in r.stdout


def test_status_lists_the_last_issues(tmp_path: Path) -> None:
    config = make_site(tmp_path, transport="file", digest="skip_empty = false")
    subscribe(config, people(4))
    assert cli(tmp_path, "digest", "daily", "--status").stdout.endswith("no issues yet\n")
    service.send_now(config, "daily", NOW)
    service.run_digest(config, "daily", NOW + timedelta(days=1))
    r = cli(tmp_path, "digest", "daily", "--status")
    lines = r.stdout.splitlines()
    assert lines[0] == "digest daily: 4 recipients; cron '0 8 * * mon-fri' (Europe/Istanbul)"
    assert lines[2].split()[:2] == ["2", "2026-11-03"] and lines[2].split()[3:5] == ["0", "4"]
    assert lines[3].split()[3:] == ["3", "4", "0", "0", "0", "done"]
    data = json.loads(cli(tmp_path, "digest", "daily", "--status", "--json").stdout)
    assert [i["number"] for i in data["issues"]] == [2, 1]
    assert data["issues"][1]["counts"]["sent"] == 4
    bad = cli(tmp_path, "digest", "weekly", "--status")
    assert bad.returncode == 2 and "no [[digest]] named 'weekly'" in bad.stderr


# -- the file transport -------------------------------------------------------------------------


def test_file_transport_writes_one_eml_per_recipient(tmp_path: Path) -> None:
    config = make_site(tmp_path, transport="file")
    subscribe(config, people(25))
    run = service.send_now(config, "daily", NOW)
    assert (run.sent, run.complete) == (25, True)
    files = sorted((tmp_path / "mail" / "new").iterdir())
    assert len(files) == 25 and all(f.suffix == ".eml" for f in files)
    assert not list((tmp_path / "mail" / "tmp").iterdir())
    secret = unsubscribe_secret(config)
    recipients = []
    for f in files:
        m = _eml(f)
        assert m.get_content_type() == "multipart/alternative"
        token = m["List-Unsubscribe"].split(">")[0].rsplit("/", 1)[1]
        recipients.append(verify_token(token, secret))
    assert sorted(recipients) == [(a, "daily") for a in people(25)]
    assert service.send_now(config, "daily", NOW).sent == 0
    assert len(list((tmp_path / "mail" / "new").iterdir())) == 25


def test_file_transport_resumes_exactly_once_after_sigkill(tmp_path: Path) -> None:
    """The Maildir can be looked at: a record left "sending" is sent only if its file is not
    there (in new/, or in cur/ where a mail reader moved it)."""
    config = make_site(tmp_path, transport="file")
    subscribe(config, people(400))
    new = tmp_path / "mail" / "new"
    proc = subprocess.Popen([sys.executable, "-m", "feeds", "digest", "daily", "--send"],
                            cwd=tmp_path, env=_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + WAIT
        while (not new.is_dir() or len(os.listdir(new)) < 100) and time.monotonic() < deadline:
            time.sleep(0.002)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=WAIT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=WAIT)
    written = sorted(os.listdir(new))
    assert 100 <= len(written) < 400
    (tmp_path / "mail" / "cur").mkdir(exist_ok=True)
    os.rename(new / written[0], tmp_path / "mail" / "cur" / f"{written[0]}:2,S")  # read
    r = run_cli("digest", "daily", "--send", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    names = [n.split(":")[0] for n in os.listdir(new) + os.listdir(tmp_path / "mail" / "cur")]
    assert len(names) == len(set(names)) == 400
    tos = Counter(_eml(p)["To"] for d in ("new", "cur") for p in (tmp_path / "mail" / d).iterdir())
    assert tos == Counter({a: 1 for a in people(400)})
    assert send_counts(config)["sent"] == 400


# -- what the digest holds, and where it is published -----------------------------------------


def test_web_archive_page_and_index(tmp_path: Path) -> None:
    config = make_site(tmp_path, transport="file", digest="skip_empty = false")
    subscribe(config, people(2))
    service.send_now(config, "daily", NOW)
    service.run_digest(config, "daily", NOW + timedelta(days=1))
    page = tmp_path / "public" / "digests" / "daily" / "1.html"
    html = page.read_text()
    assert "Past issues" in html and "unsubscribe/" not in html and "preheader" not in html
    index = (tmp_path / "public" / "digests" / "index.html").read_text()
    assert index.index("digests/daily/2.html") < index.index("digests/daily/1.html")
    assert "Test Newsroom: 3 new releases" in index
    assert not list((tmp_path / "public" / "digests").rglob(".*.tmp"))


def test_skip_empty_and_new_releases_only(tmp_path: Path, server: tuple[Sink, int]) -> None:
    sink, port = server
    config = make_site(tmp_path, port=port, releases=("communique-fr.txt",))
    subscribe(config, people(2))
    assert service.run_digest(config, "daily", NOW, policy=FAST).created == 1
    skipped = service.run_digest(config, "daily", NOW + timedelta(days=1), policy=FAST)
    assert skipped.skipped_empty and skipped.created is None and skipped.sent == 0
    (tmp_path / "content" / "new.md").write_text(
        "---\ntitle: A new release\ndate: 2026-11-03T09:00:00+01:00\nlanguage: en\n---\n\nBody.\n")
    publish(config, NOW + timedelta(days=2))
    run = service.run_digest(config, "daily", NOW + timedelta(days=2), policy=FAST)
    assert (run.created, run.releases) == (2, 1)
    latest = [m for m in sink.parsed() if ".2." in m["Message-ID"]]
    assert len(latest) == 2
    assert "A new release" in latest[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Acc" not in latest[0]["Subject"]


def test_tags_and_languages_choose_the_releases(tmp_path: Path) -> None:
    config = make_site(tmp_path, transport="file", digest='languages = ["ar"]')
    subscribe(config, people(1))
    d = service.draft(config, "daily", NOW)
    assert d.releases == 1 and 'lang="ar"' in d.html
    config2 = make_site(tmp_path / "t", transport="file", digest='tags = ["CLIMATE"]')
    d = service.draft(config2, "daily", NOW)
    assert d.releases == 1 and "Geneva Forum" in d.text


def test_a_site_template_overrides_the_bundled_one(tmp_path: Path) -> None:
    config = make_site(tmp_path, transport="file")
    subscribe(config, people(1))
    bundled = (Path(__file__).resolve().parent.parent / "templates" / "digest.txt").read_text()
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "digest.txt").write_text("OUR OWN TEXT\n" + bundled)
    service.send_now(config, "daily", NOW)
    m = _eml(next((tmp_path / "mail" / "new").iterdir()))
    assert m.get_body(("plain",)).get_content().startswith("OUR OWN TEXT")  # type: ignore[union-attr]


def test_subject_template_is_cleaned_of_controls_and_bidi_overrides(tmp_path: Path) -> None:
    config = make_site(tmp_path, transport="file",
                       digest='subject = "{{ site.title }}\\u202e: {{ releases[0].title }}\\n\\tBcc: x@evil.example"')
    subscribe(config, people(1))
    service.send_now(config, "daily", NOW)
    raw = next((tmp_path / "mail" / "new").iterdir()).read_bytes()
    m = _eml(next((tmp_path / "mail" / "new").iterdir()))
    assert "\u202e" not in m["Subject"] and "Bcc: x@evil.example" in m["Subject"]
    assert b"\nBcc:" not in raw
    broken = make_site(tmp_path / "b", transport="file", digest='subject = "{{ nope.title }}"')
    with pytest.raises(ConfigError, match=r"\[digest.0.subject\]"):
        service.draft(broken, "daily", NOW)


def test_daemon_api(tmp_path: Path) -> None:
    config = make_site(tmp_path, transport="file")
    subscribe(config, people(3))
    assert service.unfinished_issues(config) == []
    with DigestStore(config.state_path) as store:
        # An issue made, then the process died before sending anything.
        store.create_issue(digest="daily", number=1, now=NOW, watermark=0, release_ids=[],
                           subject="s", html="x PH", text="x PH", web_html="w", placeholder="PH",
                           nonce="abcd")
    assert service.unfinished_issues(config) == ["daily"]
    run = service.resume_digest(config, "daily", NOW)
    assert (run.created, run.issues, run.sent, run.complete) == (None, [1], 3, True)
    assert service.unfinished_issues(config) == []
