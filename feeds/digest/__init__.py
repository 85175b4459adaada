"""Email digests: subscribers, issues, rendering and sending, each recipient once.

- ``store``: the digest's tables in the state store (subscribers, issues, send records)
- ``subscribers``: address validation, CSV import and export
- ``render``: the issue's subject, HTML (CSS inlined) and text, rendered once; the web archive
- ``message``: per-recipient messages from the rendered issue, List-* headers, DKIM
- ``tokens``: unsubscribe tokens that verify without a database lookup (``verify_token``)
- ``send``: SMTP and Maildir transports and the send loop; the exactly-once reasoning
- ``service``: what the CLI and the daemon call (``run_digest``, ``unfinished_issues``)
- ``cli``: ``feeds digest`` and ``feeds subscribers``

Importing this package is cheap (the CLI imports ``feeds.digest.cli`` at start-up).
"""

from feeds.digest.tokens import make_token, unsubscribe_secret, verify_token

__all__ = ["make_token", "unsubscribe_secret", "verify_token"]
