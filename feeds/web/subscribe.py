"""Subscribe (double opt-in), confirm, preferences and unsubscribe (RFC 8058 one-click).

- ``GET /subscribe`` shows the form; ``POST /subscribe`` sends a confirmation message with a
  signed link that expires, through the configured mail transport, and answers the same page
  whether or not the address was known (no address enumeration). Limits per address and per
  client address stop a form flood.
- ``GET /subscribe/confirm/<token>`` activates the subscription.
- ``/unsubscribe/<token>`` is the ``List-Unsubscribe`` URL of every digest message: ``POST``
  (``List-Unsubscribe=One-Click``, or the page's button) unsubscribes at once, with no cookie
  or login; ``GET`` shows a page with the button and changes nothing, because link scanners
  follow GETs. The same token opens ``/preferences/<token>``.
- A tampered or unknown token gets a clear page and changes nothing.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from feeds.config import Config
from feeds.digest.errors import AddressError
from feeds.digest.store import DigestStore
from feeds.digest.subscribers import parse_address
from feeds.digest.tokens import unsubscribe_secret, verify_token
from feeds.render.site import template_environment

log = logging.getLogger("feeds.web")

CONFIRM_MAX_AGE = 2 * 24 * 3600  # seconds a confirmation link stays valid
PER_ADDRESS = (3, 3600.0)  # confirmation messages per address per hour
PER_CLIENT = (20, 600.0)  # subscribe attempts per client address per ten minutes
WEB_SECRET_KEY = "web_secret"


class RateLimit:
    """At most ``limit`` events per ``window`` seconds for each key, in this process: with
    ``feeds serve --workers N`` each worker counts on its own (N times the limit in all)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._events: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        events = self._events.setdefault(key, deque())
        while events and now - events[0] > self.window:
            events.popleft()
        if len(events) >= self.limit:
            return False
        events.append(now)
        if len(self._events) > 100_000:  # a flood of distinct keys: forget the quiet ones
            self._events = {k: v for k, v in self._events.items() if v}
        return True


def web_secret(config: Config) -> str:
    """From the environment ([serve] secret_env), else made once and kept in the state store."""
    value = os.environ.get(config.serve.secret_env, "") if config.serve.secret_env else ""
    if value:
        return value
    with DigestStore(config.state_path) as store:
        db = store.db
        db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                   (WEB_SECRET_KEY, secrets.token_hex(32)))
        row = db.execute("SELECT value FROM meta WHERE key = ?", (WEB_SECRET_KEY,)).fetchone()
        return str(row[0])


def _activate(config: Config, address: str, digests: list[str], now: datetime) -> None:
    """The confirmed person receives these digests, even after an earlier unsubscribe:
    confirming is the opt-in that an import is not."""
    with DigestStore(config.state_path) as store:
        store.confirm(parse_address(address), digests, now)


def _active_digests(config: Config, address: str) -> set[str]:
    with DigestStore(config.state_path) as store:
        rows = store.db.execute(
            "SELECT d.digest FROM digest_subscribers s JOIN digest_subscriptions d"
            " ON d.subscriber_id = s.id WHERE s.key = ? AND d.active = 1 AND s.status = 'active'",
            (parse_address(address).key,)).fetchall()
    return {str(r[0]) for r in rows}


def _set_digests(config: Config, address: str, wanted: set[str], now: datetime) -> None:
    names = [d.name for d in config.digests]
    with DigestStore(config.state_path) as store:
        for name in names:
            if name not in wanted:
                store.unsubscribe(address, name, now)
    if wanted:
        _activate(config, address, sorted(wanted & set(names)), now)


def routes(config: Config) -> list[BaseRoute]:
    env = template_environment(config)
    signer = URLSafeTimedSerializer(web_secret(config), salt="feeds-subscribe-confirm")
    per_address, per_client = RateLimit(*PER_ADDRESS), RateLimit(*PER_CLIENT)
    names = [d.name for d in config.digests]
    site = config.site
    feeds = [{"type": "application/atom+xml", "href": f"{site.url}feed.atom",
              "title": f"{site.title} (Atom)", "label": "Atom"}]

    def page(template: str, status: int = 200, **values: Any) -> HTMLResponse:
        html = env.get_template(template).render(site=site, feeds=feeds, lang=site.language,
                                                  rtl=False, digests=config.digests, **values)
        return HTMLResponse(html, status_code=status, headers={
            "Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
            "X-Frame-Options": "DENY"})

    def message(heading: str, text: str, status: int = 200, **extra: Any) -> HTMLResponse:
        return page("message.html", status, heading=heading, text=text, **extra)

    def invalid() -> HTMLResponse:
        return message("This link is not valid",
                       "The link is incomplete, was changed, or belongs to another site. Nothing "
                       "was changed. Use the link in your latest message, or subscribe again.",
                       status=400, link=f"{site.url}subscribe", link_text="Subscribe")

    async def subscribe_form(request: Request) -> Response:
        return page("subscribe.html", action=str(request.url_for("subscribe")))

    async def subscribe(request: Request) -> Response:
        form = await request.form()
        email = str(form.get("email", "")).strip()
        wanted = [d for d in (str(v) for v in form.getlist("digest")) if d in names] or names
        client = request.client.host if request.client else "?"
        if not per_client.allow(client):
            return message("Too many requests", "Please try again in a few minutes.", status=429)
        try:
            parsed = parse_address(email)
        except AddressError:
            return page("subscribe.html", status=422, email=email,
                        action=str(request.url_for("subscribe")),
                        message="That does not look like an email address.")
        if per_address.allow(parsed.key):
            token = signer.dumps({"a": parsed.address, "d": wanted})
            link = f"{site.url}subscribe/confirm/{token}"
            try:
                await _send_confirmation(config, parsed.address, parsed.envelope, link)
            except Exception as e:  # the page must not tell; the log must
                log.error("subscribe: cannot send the confirmation to %s: %s", parsed.address, e)
        else:
            log.warning("subscribe: too many confirmations for %s; not sent", parsed.address)
        return message("Check your inbox",
                       f"If {parsed.address} can receive our mail, a message with a link to "
                       "confirm the subscription is on its way. The link works for two days.")

    async def confirm(request: Request) -> Response:
        try:
            data = signer.loads(request.path_params["token"], max_age=CONFIRM_MAX_AGE)
            address, wanted = str(data["a"]), [d for d in data["d"] if d in names]
        except SignatureExpired:
            return message("This link has expired",
                           "Confirmation links work for two days. Nothing was changed.",
                           status=400, link=f"{site.url}subscribe", link_text="Subscribe again")
        except (BadSignature, KeyError, TypeError, ValueError):
            return invalid()
        _activate(config, address, wanted, datetime.now(UTC))
        log.info("subscribe: %s confirmed (%s)", address, ", ".join(wanted))
        return message("You are subscribed",
                       f"{address} will receive: {', '.join(wanted) or 'our digests'}.")

    def _token(request: Request) -> tuple[str, str] | None:
        return verify_token(request.path_params["token"], unsubscribe_secret(config))

    async def unsubscribe(request: Request) -> Response:
        who = _token(request)
        if who is None:
            return invalid()
        address, list_name = who
        action = request.url.path
        if request.method == "GET":  # scanners follow GETs: show the button, change nothing
            return page("preferences.html", address=address, list_name=list_name, action=action,
                        preferences_action=action.replace("/unsubscribe/", "/preferences/", 1),
                        active=_active_digests(config, address))
        with DigestStore(config.state_path) as store:
            store.unsubscribe(address, list_name if list_name in names else None,
                              datetime.now(UTC))
        log.info("unsubscribe: %s left %s", address, list_name)
        return message("You are unsubscribed",
                       f"{address} will no longer receive {list_name}.")

    async def preferences(request: Request) -> Response:
        who = _token(request)
        if who is None:
            return invalid()
        address, list_name = who
        path = request.url.path
        values: dict[str, Any] = {
            "address": address, "list_name": list_name, "preferences_action": path,
            "action": path.replace("/preferences/", "/unsubscribe/", 1)}
        if request.method == "POST":
            form = await request.form()
            now = datetime.now(UTC)
            if form.get("action") == "unsubscribe-all":
                with DigestStore(config.state_path) as store:
                    store.unsubscribe(address, None, now)
                return message("You are unsubscribed",
                               f"{address} will no longer receive anything from us.")
            _set_digests(config, address, {str(v) for v in form.getlist("digest")}, now)
            values["message"] = "Saved."
        return page("preferences.html", 200, active=_active_digests(config, address), **values)

    return [
        Route("/subscribe", subscribe_form, methods=["GET"]),
        Route("/subscribe", subscribe, methods=["POST"], name="subscribe"),
        Route("/subscribe/confirm/{token}", confirm, methods=["GET"]),
        Route("/unsubscribe/{token}", unsubscribe, methods=["GET", "POST"]),
        Route("/preferences/{token}", preferences, methods=["GET", "POST"]),
    ]


async def _send_confirmation(config: Config, address: str, envelope: str, link: str) -> None:
    from feeds.digest.send import make_transport

    assert config.email is not None
    msg = EmailMessage()
    msg["From"] = config.email.sender
    msg["To"] = address
    msg["Subject"] = f"Confirm your subscription to {config.site.title}"
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = make_msgid(domain=config.email.sender.rpartition("@")[2].strip(">"))
    msg["Auto-Submitted"] = "auto-generated"
    text = (f"Someone, hopefully you, asked to receive {config.site.title} digests at this "
            f"address.\n\nTo confirm, open this link within two days:\n\n{link}\n\n"
            "If it was not you, ignore this message: nothing will be sent.\n")
    msg.set_content(text)
    msg.add_alternative(
        f"<p>Someone, hopefully you, asked to receive {config.site.title} digests at this "
        f'address.</p><p><a href="{link}">Confirm the subscription</a> (the link works for two '
        "days).</p><p>If it was not you, ignore this message: nothing will be sent.</p>",
        subtype="html")
    data = msg.as_bytes()
    key = f"confirm.{hashlib.sha256(link.encode()).hexdigest()[:16]}.{secrets.token_hex(4)}"
    sender = config.email.sender.rpartition("<")[2].rstrip(">") or config.email.sender
    transport = make_transport(config)
    channel = transport.channel()
    deliver: Callable[..., Awaitable[None]] = channel.deliver
    try:
        await deliver(sender, envelope, data, key, lambda: None)
    finally:
        await channel.close()
