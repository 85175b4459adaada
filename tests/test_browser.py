"""A person in a browser: subscribe through the form, confirm, unsubscribe through the
preferences page. Headless Chromium (Debian's `chromium`) driven by Playwright, no browser
download; screenshots of each page at 375 px and 1280 px wide land in the test's folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from feeds.config import load_config
from feeds.digest.tokens import make_token, unsubscribe_secret
from tests.test_web_subscribe import confirm_link, mails, server, status  # noqa: F401

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def test_subscribe_confirm_unsubscribe_in_a_browser(server: tuple[Path, str], tmp_path: Path) -> None:  # noqa: F811
    site, base = server
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            for width in (375, 1280):
                page = browser.new_page(viewport={"width": width, "height": 900})
                address = f"reader{width}@example.org"
                page.goto(base + "/subscribe")
                page.screenshot(path=str(shots / f"subscribe-{width}.png"), full_page=True)
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                page.get_by_label("Your email address").fill(address)
                page.get_by_label("weekly").uncheck()
                page.get_by_role("button", name="Subscribe").click()
                page.wait_for_selector("text=Check your inbox")
                page.screenshot(path=str(shots / f"check-inbox-{width}.png"), full_page=True)

                mail = next(m for m in mails(site) if m["To"] == address)
                page.goto(f"{base}/{confirm_link(mail)}")
                page.wait_for_selector("text=You are subscribed")
                page.screenshot(path=str(shots / f"confirmed-{width}.png"), full_page=True)
                assert status(site, address) == ("active", ("daily",))

                secret = unsubscribe_secret(load_config(site / "config.toml"))
                page.goto(f"{base}/preferences/{make_token(address, 'daily', secret)}")
                page.screenshot(path=str(shots / f"preferences-{width}.png"), full_page=True)
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                page.get_by_role("button", name="Unsubscribe from everything").click()
                page.wait_for_selector("text=You are unsubscribed")
                page.screenshot(path=str(shots / f"unsubscribed-{width}.png"), full_page=True)
                assert status(site, address)[0] == "unsubscribed"  # type: ignore[index]
                page.close()
        finally:
            browser.close()
    assert len(list(shots.glob("*.png"))) == 10
