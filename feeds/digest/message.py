"""Per-recipient messages from one rendered issue.

Everything that is the same for every recipient (From, Subject, List-Id, the MIME frame)
is encoded once; per recipient only To, Date, Message-ID, the List-Unsubscribe URL and the
token in the bodies differ: a string substitution and a quoted-printable encoding (C code),
no template, no ``email.message`` object. Lines end in CRLF, as on the wire.
"""

from __future__ import annotations

import binascii
import email.policy
import hashlib
import os
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parseaddr
from pathlib import Path
from urllib.parse import quote, urlsplit

from feeds.config import Config
from feeds.digest.errors import DigestError
from feeds.digest.render import clean_header, digest_slug, heading, unsubscribe_url
from feeds.digest.tokens import make_token

_POLICY = email.policy.SMTP.clone(max_line_length=78)
CRLF = b"\r\n"
# Headers DKIM signs: the list headers too, so nobody can swap the unsubscribe target.
SIGNED_HEADERS = (b"from", b"to", b"subject", b"date", b"message-id", b"reply-to",
                  b"list-id", b"list-unsubscribe", b"list-unsubscribe-post", b"auto-submitted",
                  b"mime-version", b"content-type")


def _header(name: str, value: str) -> bytes:
    """One header, folded, non-ASCII as RFC 2047 encoded words."""
    folded: str = _POLICY.header_factory(name, value).fold(policy=_POLICY)
    return folded.encode("ascii")


def sender_domain(config: Config) -> str:
    assert config.email is not None
    return parseaddr(config.email.sender)[1].rpartition("@")[2].lower() or "localhost"


@dataclass(frozen=True)
class DkimKey:
    selector: bytes
    domain: bytes
    private_key: bytes


def dkim_key(config: Config) -> DkimKey | None:
    """The signing key when ``[email] dkim_key_env`` and ``dkim_selector`` are set: the
    variable holds the PEM key itself, or the path of a file holding it."""
    mail = config.email
    if mail is None or not (mail.dkim_key_env and mail.dkim_selector):
        return None
    value = os.environ.get(mail.dkim_key_env, "").strip()
    if not value:
        raise DigestError(f"[email] dkim_key_env names ${mail.dkim_key_env}, which is not set "
                          "(it should hold the PEM private key or its path)")
    if "-----BEGIN" in value:
        key = value.encode()
    else:
        try:
            key = Path(value).read_bytes()
        except OSError as e:
            raise DigestError(f"${mail.dkim_key_env}: cannot read the DKIM key {value!r}: "
                              f"{e.strerror}") from None
    return DkimKey(mail.dkim_selector.encode(), sender_domain(config).encode(), key)


def dkim_sign(message: bytes, key: DkimKey) -> bytes:
    """The message with a DKIM-Signature header in front (relaxed/relaxed)."""
    from feeds.digest import dkimsign

    dkimsign.init(key.selector, key.domain, key.private_key, SIGNED_HEADERS)
    return dkimsign.sign(message)


def _qp(text: str) -> bytes:
    return binascii.b2a_qp(text.encode(), istext=True).replace(b"\n", CRLF)


Encoded = list[bytes | str]


def qp_parts(text: str, placeholder: str) -> Encoded:
    """``text`` quoted-printable, encoded once: runs of lines without ``placeholder`` as
    bytes, the lines with it left as text, to be encoded per recipient. Quoted-printable works
    line by line, so the pieces joined are byte for byte the encoding of the whole."""
    lines = text.split("\n")
    parts: Encoded = []
    run: list[str] = []
    for i, line in enumerate(lines):
        piece = line if i == len(lines) - 1 else line + "\n"
        if placeholder in line:
            if run:
                parts.append(_qp("".join(run)))
                run = []
            parts.append(piece)
        else:
            run.append(piece)
    if run:
        parts.append(_qp("".join(run)))
    return parts


def qp_fill(parts: Encoded, placeholder: str, token: str) -> bytes:
    return b"".join(p if isinstance(p, bytes) else _qp(p.replace(placeholder, token))
                    for p in parts)


@dataclass(frozen=True)
class Letter:
    """What one issue says, as rendered once."""

    digest: str
    number: int
    nonce: str
    subject: str
    html: str
    text: str
    placeholder: str


class MessageFactory:
    """Builds each recipient's message of one issue."""

    def __init__(self, config: Config, letter: Letter, secret: bytes) -> None:
        mail = config.email
        if mail is None:
            raise DigestError("no [email] section in the configuration")
        self.config = config
        self.letter = letter
        self.secret = secret
        self.envelope_from = parseaddr(mail.sender)[1]
        self.domain = sender_domain(config)
        self.boundary = f"=_feeds_{secrets.token_hex(12)}"
        site_host = (urlsplit(config.site.url).hostname or self.domain).lower()
        list_label = f"{digest_slug(letter.digest)}.{site_host}"
        mailto = mail.unsubscribe_mailto.strip() or self.envelope_from
        if not mailto.startswith("mailto:"):
            mailto = f"mailto:{mailto}?subject=unsubscribe"
        self.mailto = quote(mailto, safe=":@?=&/").encode()
        fixed = [
            _header("From", mail.sender),
            _header("Subject", clean_header(letter.subject)),
        ]
        if mail.reply_to:
            fixed.append(_header("Reply-To", mail.reply_to))
        fixed += [
            _header("List-Id", f"{clean_header(config.site.title)} {heading(letter.digest)} "
                    f"<{list_label}>"),
            b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
            b"Auto-Submitted: auto-generated\r\n",
            b"MIME-Version: 1.0\r\n",
            f'Content-Type: multipart/alternative; boundary="{self.boundary}"\r\n'.encode(),
        ]
        self.fixed = b"".join(fixed)
        b = self.boundary.encode()
        self.text_head = (b"\r\n--" + b + b"\r\nContent-Type: text/plain; charset=utf-8\r\n"
                          b"Content-Transfer-Encoding: quoted-printable\r\n\r\n")
        self.html_head = (b"\r\n--" + b + b"\r\nContent-Type: text/html; charset=utf-8\r\n"
                          b"Content-Transfer-Encoding: quoted-printable\r\n\r\n")
        self.tail = b"\r\n--" + b + b"--\r\n"
        self.text_parts = qp_parts(letter.text, letter.placeholder)
        self.html_parts = qp_parts(letter.html, letter.placeholder)
        self._date_second = -1
        self._date = b""

    def record_key(self, subscriber_id: int) -> str:
        """Names one (issue, recipient): the same on every attempt, unique across issues and
        state stores (the issue's nonce). The Message-ID's left part and the .eml name."""
        h = hashlib.blake2s(f"{self.letter.nonce}:{subscriber_id}".encode(), digest_size=6)
        return f"{digest_slug(self.letter.digest)}.{self.letter.number}.{h.hexdigest()}"

    def message_id(self, subscriber_id: int) -> str:
        """Short, and the same on every attempt for one recipient of one issue."""
        return f"<{self.record_key(subscriber_id)}@{self.domain}>"

    def token(self, address: str) -> str:
        return make_token(address, self.letter.digest, self.secret)

    def _date_header(self) -> bytes:
        now = int(time.time())
        if now != self._date_second:
            self._date_second = now
            self._date = b"Date: " + format_datetime(datetime.fromtimestamp(now, UTC)).encode() + CRLF
        return self._date

    def build(self, address: str, envelope: str, subscriber_id: int,
              message_id: str | None = None) -> bytes:
        letter = self.letter
        token = self.token(address)
        url = unsubscribe_url(self.config, token)
        to = envelope if envelope.isascii() else address
        mid = message_id or self.message_id(subscriber_id)
        head = b"".join((
            self.fixed,
            b"To: ", to.encode(), CRLF,
            self._date_header(),
            b"Message-ID: ", mid.encode(), CRLF,
            b"List-Unsubscribe: <", url.encode(), b">,\r\n <", self.mailto, b">\r\n",
        ))
        ph = letter.placeholder
        return b"".join((
            head, self.text_head, qp_fill(self.text_parts, ph, token),
            self.html_head, qp_fill(self.html_parts, ph, token), self.tail,
        ))
