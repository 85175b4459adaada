"""The digest's tables in the state store: subscribers, issues and send records.

They live in the same SQLite file as the rest of the state (``config.state_path``), created
by a migration of their own keyed by the ``meta`` row ``digest_schema``, and are reached
through a connection of their own (WAL, a busy timeout), so a digest run and a publishing
pass can share the file.

Send records move ``pending -> sending -> sent`` (or ``failed``, or ``skipped`` when the
person unsubscribed before their turn); every move is its own committed transaction. See
``feeds.digest.send`` for what ``sending`` means after a crash. ``uncertain`` marks a record
with an attempt whose outcome is unknown (it was sent again, with the same Message-ID).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from feeds.digest.subscribers import SUPPRESSED, Address, address_key
from feeds.errors import StoreError
from feeds.model import Release
from feeds.store import SQLiteStore, decode_release, migrate_part, transaction
from feeds.store import connect as connect_state

SCHEMA_KEY = "digest_schema"
SCHEMA = [
    # version 1
    """
    CREATE TABLE IF NOT EXISTS digest_subscribers (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        address TEXT NOT NULL,
        envelope TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'unsubscribed', 'bounced')),
        hard_failures INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS digest_subscriptions (
        subscriber_id INTEGER NOT NULL REFERENCES digest_subscribers (id) ON DELETE CASCADE,
        digest TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (subscriber_id, digest)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS digest_subscriptions_digest ON digest_subscriptions (digest, active);
    CREATE TABLE IF NOT EXISTS digest_issues (
        id INTEGER PRIMARY KEY,
        digest TEXT NOT NULL,
        number INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        watermark INTEGER NOT NULL,
        release_ids TEXT NOT NULL,
        subject TEXT NOT NULL,
        html TEXT NOT NULL,
        text TEXT NOT NULL,
        web_html TEXT NOT NULL,
        placeholder TEXT NOT NULL,
        nonce TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'sending' CHECK (status IN ('sending', 'done')),
        completed_at TEXT,
        UNIQUE (digest, number)
    );
    CREATE TABLE IF NOT EXISTS digest_sends (
        issue_id INTEGER NOT NULL REFERENCES digest_issues (id),
        subscriber_id INTEGER NOT NULL REFERENCES digest_subscribers (id) ON DELETE CASCADE,
        status TEXT NOT NULL DEFAULT 'pending'
            CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
        attempts INTEGER NOT NULL DEFAULT 0,
        uncertain INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        last_error TEXT,
        sent_at TEXT,
        PRIMARY KEY (issue_id, subscriber_id)
    ) WITHOUT ROWID
    """,  # no index on status: each send commits twice, and one index is half the pages
]

# Who receives a digest now: an active person with an active subscription to it.
_RECEIVES = (
    "SELECT s.id FROM digest_subscribers s JOIN digest_subscriptions d ON d.subscriber_id = s.id"
    " WHERE s.status = 'active' AND d.active = 1 AND d.digest = ?"
)


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat()


def _dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def connect(path: Path) -> sqlite3.Connection:
    """A connection of the digest's own to the state store, with its tables in place."""
    SQLiteStore(path).close()  # the state store's own schema (and its meta table) first
    try:
        db = connect_state(path, busy_timeout_ms=10000)
        _migrate(db, path)
    except sqlite3.DatabaseError as e:
        raise StoreError(path, f"cannot open the digest tables: {e}") from None
    return db


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    migrate_part(db, path, SCHEMA_KEY, SCHEMA, "digest tables")


@dataclass(frozen=True)
class Subscriber:
    id: int
    address: str
    envelope: str
    status: str
    digests: tuple[str, ...]  # active subscriptions
    unsubscribed_from: tuple[str, ...]  # digests this person left (never re-added by import)
    hard_failures: int
    created_at: str
    updated_at: str

    def as_dict(self) -> dict[str, object]:
        return {
            "email": self.address, "status": self.status, "digests": " ".join(self.digests),
            "unsubscribed_from": " ".join(self.unsubscribed_from),
            "hard_failures": self.hard_failures, "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass
class UpsertReport:
    added: list[str]
    updated: list[str]
    unchanged: list[str]
    suppressed: list[tuple[str, str]]  # (address, its sticky status)


@dataclass(frozen=True)
class Issue:
    id: int
    digest: str
    number: int
    created_at: datetime
    watermark: int  # the state store's event sequence this issue covers up to
    release_ids: tuple[str, ...]
    subject: str
    html: str
    text: str
    web_html: str
    placeholder: str  # stands for the recipient's unsubscribe token in html and text
    nonce: str  # makes this issue's Message-IDs unique, even across rebuilt state stores
    status: str  # "sending" until no record is pending, then "done"
    completed_at: datetime | None


@dataclass(frozen=True)
class IssueSummary:
    id: int
    digest: str
    number: int
    created_at: datetime
    subject: str
    releases: int
    status: str
    completed_at: datetime | None
    counts: dict[str, int]  # pending, sending, sent, failed, skipped, uncertain, total


@dataclass(frozen=True, slots=True)
class SendRecord:
    subscriber_id: int
    address: str
    envelope: str
    attempts: int
    hard_failures: int


@dataclass(frozen=True)
class Snapshot:
    """Published releases the state store has recorded since a given event."""

    watermark: int
    releases: tuple[Release, ...]


_ISSUE_COLUMNS = ("id, digest, number, created_at, watermark, release_ids, subject, html, text,"
                  " web_html, placeholder, nonce, status, completed_at")


def _issue(row: Sequence[object]) -> Issue:
    (iid, digest, number, created, watermark, ids, subject, html, text, web, placeholder, nonce,
     status, completed) = row
    return Issue(int(str(iid)), str(digest), int(str(number)), datetime.fromisoformat(str(created)),
                 int(str(watermark)), tuple(json.loads(str(ids))), str(subject), str(html),
                 str(text), str(web), str(placeholder), str(nonce), str(status),
                 _dt(None if completed is None else str(completed)))


class DigestStore:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.db = connect(self.path)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> DigestStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def transaction(self, mode: str = "IMMEDIATE") -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self.db, mode)

    # -- subscribers -------------------------------------------------------------------

    def upsert(
        self, rows: Iterable[tuple[Address, str | None, tuple[str, ...]]], now: datetime,
    ) -> UpsertReport:
        """Add or merge subscribers in one transaction. ``unsubscribed`` and ``bounced`` are
        sticky: a row may set them but never clears them, and a digest a person left is not
        re-added; a new address without a status becomes active."""
        report = UpsertReport([], [], [], [])
        stamp = _iso(now)
        db = self.db
        with self.transaction():
            for address, status, digests in rows:
                row = db.execute("SELECT id, status FROM digest_subscribers WHERE key = ?",
                                 (address.key,)).fetchone()
                if row is None:
                    cur = db.execute(
                        "INSERT INTO digest_subscribers (key, address, envelope, status,"
                        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                        (address.key, address.address, address.envelope, status or "active",
                         stamp, stamp),
                    )
                    db.executemany(
                        "INSERT INTO digest_subscriptions (subscriber_id, digest, active,"
                        " updated_at) VALUES (?, ?, 1, ?)",
                        ((cur.lastrowid, d, stamp) for d in digests),
                    )
                    report.added.append(address.address)
                    continue
                sid, old = int(row[0]), str(row[1])
                if old in SUPPRESSED:
                    report.suppressed.append((address.address, old))
                    continue
                changed = False
                if status is not None and status != old:
                    db.execute("UPDATE digest_subscribers SET status = ?, updated_at = ?"
                               " WHERE id = ?", (status, stamp, sid))
                    changed = True
                for d in digests:
                    cur = db.execute(
                        "INSERT OR IGNORE INTO digest_subscriptions (subscriber_id, digest,"
                        " active, updated_at) VALUES (?, ?, 1, ?)", (sid, d, stamp))
                    changed = changed or cur.rowcount > 0
                (report.updated if changed else report.unchanged).append(address.address)
        return report

    def remove(
        self, addresses: Iterable[Address], digests: Sequence[str] | None, now: datetime,
        forget: bool = False,
    ) -> tuple[list[str], list[str]]:
        """Unsubscribe (from ``digests``, or from everything), or ``forget`` entirely.
        Returns (removed, unknown)."""
        removed: list[str] = []
        unknown: list[str] = []
        stamp = _iso(now)
        db = self.db
        with self.transaction():
            for address in addresses:
                row = db.execute("SELECT id FROM digest_subscribers WHERE key = ?",
                                 (address.key,)).fetchone()
                if row is None:
                    unknown.append(address.address)
                    continue
                sid = int(row[0])
                if forget:
                    db.execute("DELETE FROM digest_subscribers WHERE id = ?", (sid,))
                elif digests:
                    self._leave(sid, digests, stamp)
                else:
                    db.execute(
                        "UPDATE digest_subscribers SET status = 'unsubscribed', updated_at = ?"
                        " WHERE id = ? AND status != 'bounced'", (stamp, sid))
                removed.append(address.address)
        return removed, unknown

    def _leave(self, sid: int, digests: Iterable[str], stamp: str) -> None:
        self.db.executemany(
            "INSERT INTO digest_subscriptions (subscriber_id, digest, active, updated_at)"
            " VALUES (?, ?, 0, ?) ON CONFLICT (subscriber_id, digest)"
            " DO UPDATE SET active = 0, updated_at = excluded.updated_at",
            ((sid, d, stamp) for d in digests),
        )

    def confirm(self, address: Address, digests: Sequence[str], now: datetime) -> None:
        """The person asked for these digests and confirmed it (double opt-in, for the web
        front): the one way back from ``unsubscribed`` or ``bounced``, for those digests."""
        stamp = _iso(now)
        with self.transaction() as db:
            db.execute(
                "INSERT INTO digest_subscribers (key, address, envelope, status, created_at,"
                " updated_at) VALUES (?, ?, ?, 'active', ?, ?) ON CONFLICT (key) DO UPDATE SET"
                " status = 'active', hard_failures = 0, updated_at = excluded.updated_at",
                (address.key, address.address, address.envelope, stamp, stamp))
            (sid,) = db.execute("SELECT id FROM digest_subscribers WHERE key = ?",
                                (address.key,)).fetchone()
            db.executemany(
                "INSERT INTO digest_subscriptions (subscriber_id, digest, active, updated_at)"
                " VALUES (?, ?, 1, ?) ON CONFLICT (subscriber_id, digest)"
                " DO UPDATE SET active = 1, updated_at = excluded.updated_at",
                ((sid, d, stamp) for d in digests))

    def unsubscribe(self, address: str, digest: str | None, now: datetime) -> bool:
        """What a one-click unsubscribe does (for the web front): leave one digest, or all
        with ``digest=None``. False when the address is not known."""
        with self.transaction():
            row = self.db.execute("SELECT id FROM digest_subscribers WHERE key = ?",
                                  (address_key(address),)).fetchone()
            if row is None:
                return False
            if digest is None:
                self.db.execute(
                    "UPDATE digest_subscribers SET status = 'unsubscribed', updated_at = ?"
                    " WHERE id = ? AND status != 'bounced'", (_iso(now), row[0]))
            else:
                self._leave(int(row[0]), [digest], _iso(now))
        return True

    def subscribers(self, status: str | None = None, digest: str | None = None) -> list[Subscriber]:
        rows = self.db.execute(
            "SELECT s.id, s.address, s.envelope, s.status, s.hard_failures, s.created_at,"
            " s.updated_at, d.digest, d.active FROM digest_subscribers s"
            " LEFT JOIN digest_subscriptions d ON d.subscriber_id = s.id ORDER BY s.id, d.digest"
        )
        out: list[Subscriber] = []
        current: list[object] | None = None
        active: list[str] = []
        left: list[str] = []

        def flush() -> None:
            if current is not None:
                sid, address, envelope, st, hard, created, updated = current
                out.append(Subscriber(int(str(sid)), str(address), str(envelope), str(st),
                                      tuple(active), tuple(left), int(str(hard)), str(created),
                                      str(updated)))

        for row in rows:
            if current is None or current[0] != row[0]:
                flush()
                current, active, left = list(row[:7]), [], []
            if row[7] is not None:
                (active if row[8] else left).append(str(row[7]))
        flush()
        if status is not None:
            out = [s for s in out if s.status == status]
        if digest is not None:
            out = [s for s in out if digest in s.digests]
        return out

    def recipients_count(self, digest: str) -> int:
        (n,) = self.db.execute(f"SELECT COUNT(*) FROM ({_RECEIVES})", (digest,)).fetchone()
        return int(n)

    # -- what the next issue holds ---------------------------------------------------------

    def snapshot(self, after: int) -> Snapshot:
        """Releases published (and not retracted since) after event ``after``, read in one
        consistent snapshot. Event numbers, not clocks: a publishing pass that computed its
        time before this issue but committed after it lands in the next issue."""
        with self.transaction("DEFERRED") as db:
            (top,) = db.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()
            top = max(int(top), after)
            rows = db.execute(
                "SELECT p.id, f.release FROM publications p JOIN files f ON f.path = p.path"
                " WHERE p.retracted_at IS NULL AND f.release IS NOT NULL AND p.id IN"
                " (SELECT release_id FROM events WHERE kind = 'published' AND seq > ? AND seq <= ?)",
                (after, top),
            ).fetchall()
        releases = []
        for rid, blob in rows:
            release = decode_release(blob)
            if release.id == rid and release.date is not None:
                releases.append(release)
        return Snapshot(top, tuple(releases))

    # -- issues ----------------------------------------------------------------------------

    def last_issue(self, digest: str) -> tuple[int, int] | None:
        """(number, watermark) of the newest issue of ``digest``."""
        row = self.db.execute(
            "SELECT number, watermark FROM digest_issues WHERE digest = ?"
            " ORDER BY number DESC LIMIT 1", (digest,)).fetchone()
        return None if row is None else (int(row[0]), int(row[1]))

    def create_issue(
        self, *, digest: str, number: int, now: datetime, watermark: int,
        release_ids: Sequence[str], subject: str, html: str, text: str, web_html: str,
        placeholder: str, nonce: str,
    ) -> Issue:
        """The issue and a send record for everyone who receives the digest now, at once."""
        with self.transaction() as db:
            cur = db.execute(
                f"INSERT INTO digest_issues ({_ISSUE_COLUMNS.removeprefix('id, ')})"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'sending', NULL)",
                (digest, number, _iso(now), watermark, json.dumps(list(release_ids)), subject,
                 html, text, web_html, placeholder, nonce),
            )
            issue_id = cur.lastrowid
            db.execute(
                f"INSERT INTO digest_sends (issue_id, subscriber_id) SELECT ?, id FROM ({_RECEIVES})",
                (issue_id, digest),
            )
        issue = self.issue(int(str(issue_id)))
        assert issue is not None
        return issue

    def issue(self, issue_id: int) -> Issue | None:
        row = self.db.execute(f"SELECT {_ISSUE_COLUMNS} FROM digest_issues WHERE id = ?",
                              (issue_id,)).fetchone()
        return None if row is None else _issue(row)

    def unfinished(self, digest: str) -> list[Issue]:
        rows = self.db.execute(
            f"SELECT {_ISSUE_COLUMNS} FROM digest_issues WHERE digest = ? AND status = 'sending'"
            " ORDER BY number", (digest,))
        return [_issue(r) for r in rows]

    def unfinished_digests(self) -> list[str]:
        rows = self.db.execute(
            "SELECT DISTINCT digest FROM digest_issues WHERE status = 'sending' ORDER BY digest")
        return [str(r[0]) for r in rows]

    def summaries(self, digest: str | None = None, limit: int | None = None) -> list[IssueSummary]:
        """Issues newest first, with their send counts (without their bodies)."""
        where, params = ("WHERE digest = ?", [digest]) if digest is not None else ("", [])
        rows = self.db.execute(
            "SELECT id, digest, number, created_at, subject, release_ids, status, completed_at"
            f" FROM digest_issues {where} ORDER BY created_at DESC, digest, number DESC"
            + (" LIMIT ?" if limit is not None else ""),
            [*params, *([limit] if limit is not None else [])],
        ).fetchall()
        out = []
        for iid, dname, number, created, subject, ids, status, completed in rows:
            out.append(IssueSummary(
                int(iid), str(dname), int(number), datetime.fromisoformat(created), str(subject),
                len(json.loads(ids)), str(status), _dt(completed), self.counts(int(iid))))
        return out

    def counts(self, issue_id: int) -> dict[str, int]:
        counts = dict.fromkeys(("pending", "sending", "sent", "failed", "skipped"), 0)
        for status, n in self.db.execute(
            "SELECT status, COUNT(*) FROM digest_sends WHERE issue_id = ? GROUP BY status",
            (issue_id,),
        ):
            counts[str(status)] = int(n)
        (uncertain,) = self.db.execute(
            "SELECT COUNT(*) FROM digest_sends WHERE issue_id = ? AND uncertain = 1", (issue_id,)
        ).fetchone()
        counts["uncertain"] = int(uncertain)
        counts["total"] = sum(counts[k] for k in ("pending", "sending", "sent", "failed", "skipped"))
        return counts

    # -- send records ----------------------------------------------------------------------

    def recover(self, issue_id: int, delivered: Callable[[int], bool] | None,
                now: datetime) -> tuple[int, int]:
        """Settle records left ``sending`` by a process that died (the caller holds the
        digest's lock, so none is in flight). ``delivered(subscriber_id)`` asks the transport;
        None means it cannot tell, and the record is sent again (see feeds.digest.send).
        Returns (found delivered, back to pending)."""
        rows = self.db.execute(
            "SELECT subscriber_id FROM digest_sends WHERE issue_id = ? AND status = 'sending'",
            (issue_id,)).fetchall()
        sent = pending = 0
        stamp = _iso(now)
        with self.transaction() as db:
            for (sid,) in rows:
                if delivered is not None and delivered(int(sid)):
                    db.execute("UPDATE digest_sends SET status = 'sent', sent_at = ?"
                               " WHERE issue_id = ? AND subscriber_id = ?", (stamp, issue_id, sid))
                    sent += 1
                elif delivered is not None:
                    db.execute("UPDATE digest_sends SET status = 'pending'"
                               " WHERE issue_id = ? AND subscriber_id = ?", (issue_id, sid))
                    pending += 1
                else:
                    db.execute(
                        "UPDATE digest_sends SET status = 'pending', uncertain = 1,"
                        " last_error = 'the sender stopped during the transaction;"
                        " sent again with the same Message-ID'"
                        " WHERE issue_id = ? AND subscriber_id = ?", (issue_id, sid))
                    pending += 1
        return sent, pending

    def skip_departed(self, issue_id: int, digest: str) -> int:
        """Pending records of people who unsubscribed or bounced since the issue was made."""
        cur = self.db.execute(
            "UPDATE digest_sends SET status = 'skipped', last_error = 'no longer subscribed'"
            f" WHERE issue_id = ? AND status = 'pending' AND subscriber_id NOT IN ({_RECEIVES})",
            (issue_id, digest))
        return cur.rowcount

    def due(self, issue_id: int, now: datetime | None) -> list[SendRecord]:
        """Pending records, in subscriber order; with ``now``, only those whose retry is due."""
        sql = ("SELECT s.id, s.address, s.envelope, r.attempts, s.hard_failures"
               " FROM digest_sends r JOIN digest_subscribers s ON s.id = r.subscriber_id"
               " WHERE r.issue_id = ? AND r.status = 'pending'")
        params: list[object] = [issue_id]
        if now is not None:
            sql += " AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= ?)"
            params.append(_iso(now))
        rows = self.db.execute(sql + " ORDER BY s.id", params)
        return [SendRecord(int(a), str(b), str(c), int(d), int(e)) for a, b, c, d, e in rows]

    def mark_sending(self, issue_id: int, sid: int) -> None:
        self.db.execute("UPDATE digest_sends SET status = 'sending'"
                        " WHERE issue_id = ? AND subscriber_id = ?", (issue_id, sid))

    def mark_sent(self, issue_id: int, sid: int, now: datetime) -> None:
        self.db.execute(
            "UPDATE digest_sends SET status = 'sent', attempts = attempts + 1, sent_at = ?"
            " WHERE issue_id = ? AND subscriber_id = ?", (_iso(now), issue_id, sid))

    def release(self, issue_id: int, sid: int) -> None:
        """An attempt that never reached the server: the record waits again."""
        self.db.execute("UPDATE digest_sends SET status = 'pending' WHERE issue_id = ?"
                        " AND subscriber_id = ? AND status = 'sending'", (issue_id, sid))

    def mark_pending(self, issue_id: int, sid: int, error: str) -> None:
        """An attempt that may have arrived (the connection broke during it): again later."""
        self.db.execute(
            "UPDATE digest_sends SET status = 'pending', uncertain = 1, attempts = attempts + 1,"
            " last_error = ? WHERE issue_id = ? AND subscriber_id = ?", (error, issue_id, sid))

    def reset_failures(self, sid: int) -> None:
        self.db.execute("UPDATE digest_subscribers SET hard_failures = 0 WHERE id = ?", (sid,))

    def mark_deferred(self, issue_id: int, sid: int, error: str, retry_at: datetime) -> None:
        self.db.execute(
            "UPDATE digest_sends SET status = 'pending', attempts = attempts + 1,"
            " last_error = ?, next_attempt_at = ? WHERE issue_id = ? AND subscriber_id = ?",
            (error, _iso(retry_at), issue_id, sid))

    def mark_failed(self, issue_id: int, sid: int, error: str, *, hard: bool, now: datetime,
                    bounce_after: int) -> bool:
        """A refusal; a hard one counts toward ``bounced``. True when this made it bounced."""
        with self.transaction() as db:
            db.execute(
                "UPDATE digest_sends SET status = 'failed', attempts = attempts + 1,"
                " last_error = ? WHERE issue_id = ? AND subscriber_id = ?", (error, issue_id, sid))
            if not hard:
                return False
            db.execute("UPDATE digest_subscribers SET hard_failures = hard_failures + 1"
                       " WHERE id = ?", (sid,))
            cur = db.execute(
                "UPDATE digest_subscribers SET status = 'bounced', updated_at = ?"
                " WHERE id = ? AND hard_failures >= ? AND status IN ('active', 'pending')",
                (_iso(now), sid, bounce_after))
            return cur.rowcount > 0

    def finish_if_done(self, issue_id: int, now: datetime) -> bool:
        """Mark the issue done when no record is pending or in flight."""
        with self.transaction() as db:
            (open_,) = db.execute(
                "SELECT COUNT(*) FROM digest_sends WHERE issue_id = ?"
                " AND status IN ('pending', 'sending')", (issue_id,)).fetchone()
            if open_:
                return False
            db.execute("UPDATE digest_issues SET status = 'done', completed_at = COALESCE("
                       "completed_at, ?) WHERE id = ?", (_iso(now), issue_id))
        return True
