"""Addresses and subscriber lists in and out: validation, CSV import and export.

An address is checked for syntax by email-validator (no DNS: a press office imports lists
offline). Its domain is normalised (lower case, IDNA); the local part is kept as given but
compared without case, so ``Ann@Example.org`` and ``ann@example.ORG`` are one subscriber.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from feeds.digest.errors import AddressError

STATUSES = ("pending", "active", "unsubscribed", "bounced")
SUPPRESSED = frozenset({"unsubscribed", "bounced"})  # sticky: never mailed, never re-activated
CSV_FIELDS = ("email", "status", "digests", "hard_failures", "created_at", "updated_at")


@dataclass(frozen=True)
class Address:
    address: str  # normalised: the local part as given, the domain lower-cased
    envelope: str  # what SMTP uses: the ASCII (IDNA) form when the local part allows it
    key: str  # the comparison key: case-insensitive

    def __str__(self) -> str:
        return self.address


def address_key(address: str) -> str:
    local, _, domain = address.rpartition("@")
    return f"{local.casefold()}@{domain.lower()}"


def parse_address(text: str) -> Address:
    raw = text.strip()
    try:
        valid = validate_email(raw, check_deliverability=False)
    except EmailNotValidError as e:
        raise AddressError(raw, str(e)) from None
    normalized = valid.normalized
    return Address(normalized, valid.ascii_email or normalized, address_key(normalized))


@dataclass(frozen=True)
class ImportRow:
    line: int
    address: Address
    status: str | None  # None: new addresses become active, known ones keep theirs
    digests: tuple[str, ...] | None  # None: the command's --digest, else every digest


@dataclass(frozen=True)
class ImportProblem:
    line: int
    text: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.text!r}: {self.reason}"


def split_digests(cell: str) -> tuple[str, ...]:
    parts = cell.replace(";", " ").replace(",", " ").split()
    return tuple(dict.fromkeys(parts))


def read_csv(text: str, known_digests: Iterable[str]) -> tuple[list[ImportRow], list[ImportProblem]]:
    """Rows of a CSV file: with a header naming ``email`` (and optionally ``status`` and
    ``digests``), or without one, the address in the first column."""
    known = set(known_digests)
    rows: list[ImportRow] = []
    problems: list[ImportProblem] = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    email_col, status_col, digests_col = 0, None, None
    for number, cells in enumerate(reader, start=1):
        if not cells or not any(c.strip() for c in cells):
            continue
        lowered = [c.strip().lower() for c in cells]
        if number == 1 and ("email" in lowered or "address" in lowered):
            email_col = lowered.index("email") if "email" in lowered else lowered.index("address")
            status_col = lowered.index("status") if "status" in lowered else None
            digests_col = lowered.index("digests") if "digests" in lowered else None
            continue
        raw = cells[email_col].strip() if email_col < len(cells) else ""
        if not raw or raw.startswith("#"):
            continue
        try:
            address = parse_address(raw)
        except AddressError as e:
            problems.append(ImportProblem(number, raw, e.reason))
            continue
        status: str | None = None
        if status_col is not None and status_col < len(cells) and cells[status_col].strip():
            status = cells[status_col].strip().lower()
            if status not in STATUSES:
                problems.append(ImportProblem(number, raw, f"unknown status {status!r}; "
                                              f"expected one of {', '.join(STATUSES)}"))
                continue
        digests: tuple[str, ...] | None = None
        if digests_col is not None and digests_col < len(cells):
            digests = split_digests(cells[digests_col])
            unknown = [d for d in digests if d not in known]
            if unknown:
                problems.append(ImportProblem(number, raw, f"no [[digest]] named "
                                              f"{', '.join(map(repr, unknown))}"))
                continue
        rows.append(ImportRow(number, address, status, digests))
    return rows, problems


def write_csv(rows: Iterable[dict[str, object]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()
