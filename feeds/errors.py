"""The one exception tree of ``feeds``.

Every error a user can meet is a ``FeedsError`` and names the thing it is about
(a file, a config key, an endpoint) and the reason::

    FeedsError
    ├── ConfigError            config.toml missing, unreadable or invalid (file, key, expectation)
    ├── IntakeError            a content file that cannot become a release (path, line, reason)
    │   ├── FileRefused        empty, binary, too large, undecodable: nothing is published from it
    │   └── FrontMatterError   front matter that does not parse or has wrong types
    ├── StoreError             the state store cannot be opened, migrated or written (path)
    │   └── StateLocked        another process holds the state store
    ├── OutputError            the output folder cannot be written (path)
    └── DigestError            (feeds.digest.errors) a digest cannot be made or sent
        ├── AddressError       not an email address (the address, the reason)
        ├── DigestBusy         another process is sending this digest
        └── TransportError     the mail transport failed
            └── SmtpUnavailable  the SMTP server cannot be reached (host:port)

Callers catch ``FeedsError`` at the edge (the CLI, the daemon's job loop), print
``str(error)`` and go on with everything else; a traceback is a bug.
"""

from __future__ import annotations

from pathlib import Path


class FeedsError(Exception):
    """Root of every error ``feeds`` raises on purpose."""


class ConfigError(FeedsError):
    """The configuration is missing, unreadable or invalid."""

    def __init__(self, path: Path | str, message: str, key: str | None = None) -> None:
        self.path = Path(path)
        self.key = key
        self.message = message
        where = f"{self.path}: [{key}] " if key else f"{self.path}: "
        super().__init__(where + message)


class IntakeError(FeedsError):
    """A content file that cannot become a release."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}: " if line else f"{self.path}: "
        super().__init__(where + message)


class FileRefused(IntakeError):
    """Empty, binary, too large or undecodable: nothing is published from this file."""


class FrontMatterError(IntakeError):
    """Front matter that does not parse, or holds a value of the wrong kind."""


class StoreError(FeedsError):
    """The state store cannot be opened, migrated or written."""

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = Path(path)
        self.message = message
        super().__init__(f"{self.path}: {message}")


class StateLocked(StoreError):
    """Another process holds the state store."""


class OutputError(FeedsError):
    """The output folder cannot be written."""

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = Path(path)
        self.message = message
        super().__init__(f"{self.path}: {message}")
