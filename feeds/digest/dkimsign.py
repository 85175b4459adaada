"""DKIM signing in worker processes: dkimpy's RSA is pure Python (about 13 ms a message for
a 2048-bit key), so a large issue signs on every core while the sender keeps its SMTP
connections busy. This module imports nothing heavy: spawned workers start fast."""

from __future__ import annotations

_key: tuple[bytes, bytes, bytes, tuple[bytes, ...]] | None = None


def init(selector: bytes, domain: bytes, private_key: bytes, headers: tuple[bytes, ...]) -> None:
    global _key
    _key = (selector, domain, private_key, headers)


def sign(message: bytes) -> bytes:
    import dkim

    assert _key is not None, "init() first"
    selector, domain, private_key, headers = _key
    head = message.split(b"\r\n\r\n", 1)[0]
    present = {line.split(b":", 1)[0].strip().lower()
               for line in head.split(b"\r\n") if line[:1] not in (b" ", b"\t")}
    signature: bytes = dkim.sign(
        message, selector, domain, private_key, canonicalize=(b"relaxed", b"relaxed"),
        include_headers=[h for h in headers if h in present], linesep=b"\r\n",
    )
    return signature + message
