"""The digest's branch of the ``FeedsError`` tree::

    FeedsError
    └── DigestError              a digest cannot be prepared or sent (names the digest)
        ├── AddressError         an address email-validator refuses (the address, the reason)
        ├── DigestBusy           another process is sending this digest (its pid)
        └── TransportError       the mail transport failed as a whole (host:port or Maildir)
            └── SmtpUnavailable  the SMTP server cannot be reached; the issue resumes later

A refusal of one recipient is not an exception: it is recorded on that recipient's send
record and the others go on.
"""

from __future__ import annotations

from feeds.errors import FeedsError


class DigestError(FeedsError):
    """A digest cannot be prepared or sent."""


class AddressError(DigestError):
    """An address that is not a valid email address."""

    def __init__(self, address: str, reason: str) -> None:
        self.address = address
        self.reason = reason
        super().__init__(f"{address!r}: not a valid email address: {reason}")


class DigestBusy(DigestError):
    """Another process is sending this digest now."""


class TransportError(DigestError):
    """The transport failed as a whole (not one recipient)."""

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}")


class SmtpUnavailable(TransportError):
    """The SMTP server cannot be reached; unsent recipients stay pending."""
