"""`feeds serve` as a real process: the feeds with conditional GET, gzip and Link headers."""

from __future__ import annotations

import gzip
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from tests.conftest import write_config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _server(args: list[str], cwd: Path | None, ready: str, name: str) -> Iterator[str]:
    """A server started as a real process on a free port (``{port}`` in ``args``); its base
    URL once it answers ``ready``."""
    port = free_port()
    proc = subprocess.Popen([a.format(port=port) for a in args], cwd=cwd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    try:
        while True:
            try:
                httpx.get(base + ready, timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise AssertionError(f"{name} did not start") from None
                time.sleep(0.05)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def serving(site: Path) -> AbstractContextManager[str]:
    """`feeds serve` on a free port as a real process; its base URL once it answers."""
    return _server([sys.executable, "-m", "feeds", "serve", "--port", "{port}"], site,
                   "/healthz", "feeds serve")


@pytest.fixture
def served(site: Path) -> Iterator[tuple[Path, str]]:
    write_config(site, extra='[[endpoint]]\nname = "hub"\nkind = "websub"\n'
                             'url = "https://hub.example.net/"\n')
    (site / "content" / "a.md").write_text(
        "---\ntitle: Served release\ntags: [water]\n---\n\nBern – " + "Body text. " * 100 + "\n",
        encoding="utf-8")
    subprocess.run([sys.executable, "-m", "feeds", "build"], cwd=site, check=True,
                   capture_output=True, timeout=120)
    with serving(site) as base:
        yield site, base


def test_feed_with_etag_then_304(served: tuple[Path, str]) -> None:
    site, base = served
    r = httpx.get(base + "/feed.atom")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert r.content == (site / "public" / "feed.atom").read_bytes()
    etag = r.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = httpx.get(base + "/feed.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    since = httpx.get(base + "/feed.atom", headers={"If-Modified-Since": r.headers["last-modified"]})
    assert since.status_code == 304
    stale = httpx.get(base + "/feed.atom", headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200


def test_media_types_gzip_links_and_cache_control(served: tuple[Path, str]) -> None:
    site, base = served
    json_feed = httpx.get(base + "/feed.json")
    assert json_feed.headers["content-type"] == "application/feed+json; charset=utf-8"
    rss = httpx.get(base + "/tags/water.rss")
    assert rss.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert rss.headers["link"] == ('<https://hub.example.net/>; rel="hub", '
                                   '<https://news.example.org/tags/water.rss>; rel="self"')
    assert rss.headers["cache-control"] == "public, max-age=300"
    raw = httpx.get(base + "/feed.atom", headers={"Accept-Encoding": "gzip"})
    assert raw.headers["content-encoding"] == "gzip"
    assert raw.content == (site / "public" / "feed.atom").read_bytes()  # httpx decodes
    plain = httpx.get(base + "/feed.atom", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    with httpx.stream("GET", base + "/feed.atom", headers={"Accept-Encoding": "gzip"}) as s:
        body = b"".join(s.iter_raw())
    assert gzip.decompress(body) == plain.content
    index = httpx.get(base + "/")
    assert index.headers["content-type"] == "text/html; charset=utf-8"
    assert 'rel="alternate" type="application/atom+xml"' in index.text


def test_changed_file_gets_a_new_etag_and_bad_paths_are_404(served: tuple[Path, str]) -> None:
    site, base = served
    first = httpx.get(base + "/feed.atom").headers["etag"]
    (site / "content" / "b.md").write_text("---\ntitle: Second\n---\n\nBern – Two.\n",
                                           encoding="utf-8")
    subprocess.run([sys.executable, "-m", "feeds", "build"], cwd=site, check=True,
                   capture_output=True, timeout=120)
    second = httpx.get(base + "/feed.atom", headers={"If-None-Match": first})
    assert second.status_code == 200 and second.headers["etag"] != first
    assert "Second" in second.text
    assert httpx.get(base + "/nope.atom").status_code == 404
    assert httpx.get(base + "/../config.toml").status_code == 404
    assert httpx.get(base + "/%2e%2e/config.toml").status_code == 404
    health = httpx.get(base + "/healthz")
    assert health.status_code == 200 and health.json()["ok"] is True


def plain_http_server(root: Path) -> AbstractContextManager[str]:
    """Python's own static file server (http.server) on the output folder: a server this
    project did not write, decoding request paths as every web server does."""
    return _server([sys.executable, "-m", "http.server", "{port}", "--bind", "127.0.0.1",
                    "--directory", str(root)], None, "/", "http.server")


def test_pages_and_feeds_with_arabic_names_are_found_at_their_links(site: Path) -> None:
    """A release file named in Arabic, with an Arabic tag: the links the feeds carry are
    percent-encoded, and the files are where a web server looks for those links."""
    import feedparser

    (site / "content" / "بيان-صحفي.md").write_text(
        "---\ntitle: بيان صحفي\nlanguage: ar\ntags: [مياه]\ndate: 2026-05-01\n---\n\n"
        "جنيف – افتتحت المؤسسة مكتبها الجديد يوم الاثنين مع شركائها.\n", encoding="utf-8")
    old = site / "public" / "releases" / (quote("بيان-صحفي").lower() + ".html")
    old.parent.mkdir(parents=True)
    old.write_text("where feeds 0.1 wrote it, under its URL form", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "feeds", "build"], cwd=site, check=True,
                   capture_output=True, timeout=120)
    public = site / "public"
    assert not old.exists() and not list(public.rglob("*%*"))
    feed = feedparser.parse((public / "feed.atom").read_bytes())
    link = feed.entries[0].link
    assert "%D8" in link.upper() and link.isascii()  # an IRI written as a URI
    page = link.removeprefix("https://news.example.org/")
    assert (public / "releases" / "بيان-صحفي.html").is_file()  # decoded on disk
    assert [p.name for p in (public / "tags").glob("*.atom")] == ["مياه.atom"]
    with serving(site) as ours, plain_http_server(public) as theirs:
        for base in (ours, theirs):
            r = httpx.get(f"{base}/{page}")
            assert r.status_code == 200 and "بيان صحفي" in r.text, base
            r = httpx.get(f"{base}/tags/{quote('مياه')}.atom")
            assert r.status_code == 200 and b"<feed" in r.content, base


def test_a_name_with_a_percent_sign_gets_a_link_that_works(site: Path) -> None:
    """"sales-up-15%.md" and the tag "100% renewable": a bare "%" in a URL starts an escape,
    so the links carry "%25", and a web server finds the files at them."""
    import feedparser

    (site / "content" / "sales-up-15%.md").write_text(
        "---\ntitle: Sales up 15%\ntags: [100% renewable]\ndate: 2026-05-01\n---\n\n"
        "Geneva – Sales of the cooperative rose by 15% this year, its board said.\n",
        encoding="utf-8")
    subprocess.run([sys.executable, "-m", "feeds", "build"], cwd=site, check=True,
                   capture_output=True, timeout=120)
    public = site / "public"
    link = feedparser.parse((public / "feed.atom").read_bytes()).entries[0].link
    assert link.endswith("releases/sales-up-15%25.html"), link
    assert (public / "releases" / "sales-up-15%.html").is_file()
    assert (public / "tags" / "100%-renewable.atom").is_file()
    with plain_http_server(public) as base:
        r = httpx.get(f"{base}/{link.removeprefix('https://news.example.org/')}")
        assert r.status_code == 200 and "Sales up 15%" in r.text
        assert httpx.get(f"{base}/tags/100%25-renewable.atom").status_code == 200
