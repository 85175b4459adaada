"""`feeds deliveries`, its retry and enable, and the start-up check of secrets."""

from __future__ import annotations

import json
import logging
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from feeds.cli import main
from feeds.deliver.worker import check_secrets
from feeds.errors import ConfigError
from tests.test_deliver_support import (
    Received,
    Receiver,
    Reply,
    add_release,
    build_site,
    configure,
    drain_until,
    endpoint,
    ok,
    outbox,
    run_drain,
    secrets_env,  # noqa: F401 - a fixture
)


@pytest.fixture(autouse=True)
def _keep_logging() -> Iterator[None]:
    """``main`` points the root logger at the stderr pytest captures: put it back after."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def deliveries(capsys: pytest.CaptureFixture[str], site: Path, *args: str) -> tuple[int, str]:
    code = main(["deliveries", "--config", str(site / "config.toml"), *args])
    return code, capsys.readouterr().out


@pytest.mark.usefixtures("secrets_env")
def test_list_retry_and_enable(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mode = {"answer": 400}

    def respond(r: Received) -> Reply:
        if r.path == "/gone" and not mode.get("back"):
            return 410, {}, b"gone"
        if r.path == "/flaky" and mode["answer"] != 200:
            return mode["answer"], {"retry-after": "30"}, b"no thanks"
        return ok(r)

    rx = Receiver(respond)
    try:
        config = configure(site, endpoint("flaky", "webhook", rx.url("/flaky")),
                           endpoint("gone", "slack", rx.url("/gone")))
        add_release(site, "a.md", "A")
        build_site(config)
        run_drain(config)  # flaky: 400, dead; gone: 410, disabled
        add_release(site, "b.md", "B")
        build_site(config)
        mode["answer"] = 503
        run_drain(config)  # flaky: 503, retry in 30 s

        code, out = deliveries(capsys, site, "--json")
        assert code == 0
        listing = json.loads(out)
        endpoints = {e["name"]: e for e in listing["endpoints"]}
        assert endpoints["gone"]["disabled_at"] and "410 Gone" in endpoints["gone"]["disabled_reason"]
        assert endpoints["flaky"]["dead"] == 1 and endpoints["flaky"]["pending"] == 1
        by_status = {(d["endpoint"], d["status"]): d for d in listing["deliveries"]}
        dead = by_status[("flaky", "dead")]
        assert dead["last_error"] == "400 Bad Request: no thanks" and dead["attempts"] == 1
        pending = by_status[("flaky", "pending")]
        assert pending["last_error"] == "503 Service Unavailable: no thanks"
        assert pending["next_attempt_at"] is not None
        assert all(d["endpoint_disabled"] for d in listing["deliveries"] if d["endpoint"] == "gone")

        _, out = deliveries(capsys, site, "--dead", "--json")
        assert [d["id"] for d in json.loads(out)["deliveries"]] == [dead["id"]]
        _, out = deliveries(capsys, site, "--failed", "--json")
        failed = json.loads(out)["deliveries"]
        assert {d["status"] for d in failed} == {"pending"} and all(d["last_error"] for d in failed)
        _, out = deliveries(capsys, site)
        assert "DISABLED since" in out and "`feeds deliveries enable gone`" in out
        assert "last error: 400 Bad Request: no thanks" in out

        mode["answer"] = 200
        code, out = deliveries(capsys, site, "retry", "--dead")
        assert code == 0 and "1 delivery pending again" in out and dead["id"] in out
        code, out = deliveries(capsys, site, "retry", pending["id"])
        assert code == 0
        mode["back"] = 1
        code, out = deliveries(capsys, site, "enable", "gone")
        assert "endpoint gone re-enabled" in out
        drain_until(config, lambda: all(r["status"] == "done" for r in outbox(config)))
        assert [r.path for r in rx.received("/gone")] == ["/gone"] * 3  # 410, then both again
        _, out = deliveries(capsys, site, "--done", "--json")
        assert len(json.loads(out)["deliveries"]) == 4
        _, out = deliveries(capsys, site)
        assert out.endswith("no deliveries waiting or dead\n")
    finally:
        rx.close()


def test_retry_of_an_unknown_id_is_a_one_line_error(
        site: Path, feeds_cli: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    configure(site)
    out = feeds_cli("deliveries", "retry", "msg_nope", cwd=site)
    assert out.returncode == 2
    assert out.stderr.strip() == "feeds: error: no delivery 'msg_nope' (see `feeds deliveries --all`)"
    out = feeds_cli("deliveries", "--json", cwd=site)
    assert out.returncode == 0 and json.loads(out.stdout) == {"endpoints": [], "deliveries": []}


def test_missing_secrets_name_the_endpoint_and_the_variable(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CMS_SECRET", raising=False)
    monkeypatch.delenv("MASTO_TOKEN", raising=False)
    config = configure(
        site, endpoint("cms", "webhook", "http://127.0.0.1:9/h", secret_env="CMS_SECRET"),
        endpoint("toots", "mastodon", "http://127.0.0.1:9", token_env="MASTO_TOKEN"),
        endpoint("chat", "slack", "http://127.0.0.1:9/s"),
    )
    with pytest.raises(ConfigError) as e:
        check_secrets(config)
    message = str(e.value)
    assert "endpoint 'cms': the environment variable CMS_SECRET (secret_env) is not set" in message
    assert "endpoint 'toots': the environment variable MASTO_TOKEN (token_env) is not set" in message
    assert e.value.key == "endpoint.0.secret_env"
    monkeypatch.setenv("CMS_SECRET", "not base64 at all!")
    monkeypatch.setenv("MASTO_TOKEN", "t")
    with pytest.raises(ConfigError, match="CMS_SECRET: not a Standard Webhooks secret"):
        check_secrets(config)
    monkeypatch.setenv("CMS_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    check_secrets(config)
    no_var = configure(site, endpoint("cms", "webhook", "http://127.0.0.1:9/h", secret_env=""))
    with pytest.raises(ConfigError, match="endpoint 'cms' \\(webhook\\) needs secret_env"):
        check_secrets(no_var)


def test_a_drain_skips_an_endpoint_without_its_secret_and_delivers_the_rest(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CMS_SECRET", raising=False)
    rx = Receiver()
    try:
        config = configure(site, endpoint("cms", "webhook", rx.url("/cms"), secret_env="CMS_SECRET"),
                           endpoint("chat", "mattermost", rx.url("/mm")))
        add_release(site, "a.md", "A")
        build_site(config)
        report = run_drain(config)
        assert report.delivered == 1 and "CMS_SECRET" in report.skipped["cms"]
        assert report.next_attempt_at is None  # a skipped endpoint does not make the daemon spin
        assert [r.path for r in rx.received()] == ["/mm"]
    finally:
        rx.close()
