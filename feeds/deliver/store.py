"""The delivery queue in the state database: ``outbox`` rows, WebSub pings, endpoint state.

Its own SQLite connection (WAL, busy timeout) beside the build's, so the worker and the
build never share a transaction. Every change is one short autocommitted statement: a
crash between two of them leaves each row in a state the next drain understands.

Two queues share one shape (``Job``):

- ``outbox``: one row per (release event, endpoint), written by the build with the
  publication state (``feeds.store``); ``age_from`` (added here) restarts the max-age
  clock when an operator retries a delivery.
- ``websub_pings``: one pending row per (hub, feed URL). A feed that changes again while
  its ping waits bumps ``generation`` instead of adding a row; a ping is done only if no
  change arrived while it was in flight, so the hub always hears about the last change.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from feeds.errors import StoreError
from feeds.store import SQLiteStore, connect, migrate_part, transaction

OUTBOX = "outbox"
PINGS = "websub_pings"
SCHEMA_KEY = "deliver_schema"

# Steps after the build's own schema (``feeds.store.SCHEMA``); the meta row
# ``deliver_schema`` counts the ones applied.
MIGRATIONS = [
    # 1
    """
    ALTER TABLE outbox ADD COLUMN age_from TEXT;
    CREATE TABLE websub_pings (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        delivery_id TEXT NOT NULL UNIQUE,
        endpoint TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'ping',
        release_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        last_error TEXT,
        done_at TEXT,
        age_from TEXT,
        generation INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX websub_pings_due ON websub_pings (status, endpoint, seq);
    CREATE INDEX websub_pings_topic ON websub_pings (endpoint, release_id, status);
    CREATE TABLE endpoint_state (
        name TEXT PRIMARY KEY,
        disabled_at TEXT,
        reason TEXT
    );
    """,
]

_COLUMNS = ("seq, delivery_id, endpoint, kind, release_id, created_at, payload, status, attempts,"
            " next_attempt_at, last_error, done_at, age_from")
STATUSES = ("pending", "done", "dead")


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat()


def _dt(text: str | None) -> datetime | None:
    if text is None:
        return None
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Job:
    """One delivery (or WebSub ping) as stored."""

    table: str  # OUTBOX or PINGS
    seq: int
    delivery_id: str  # what the receiver sees: webhook-id, Idempotency-Key
    endpoint: str
    kind: str  # "published", "updated", "retracted"; "ping" for WebSub
    release_id: str  # for a ping: the feed URL (topic)
    created_at: datetime  # when the event happened
    payload: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    done_at: datetime | None
    age_from: datetime  # max_age counts from here: the event, or the operator's last retry
    generation: int = 0

    def data(self) -> dict[str, object]:
        value = json.loads(self.payload)
        return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Disabled:
    name: str
    at: datetime
    reason: str


def _job(table: str, row: Sequence[object]) -> Job:
    (seq, did, endpoint, kind, rid, created, payload, status, attempts, nxt, err, done,
     age_from) = row[:13]
    created_at = _dt(str(created))
    assert created_at is not None
    return Job(
        table, int(str(seq)), str(did), str(endpoint), str(kind), str(rid), created_at,
        str(payload), str(status), int(str(attempts)), _dt(None if nxt is None else str(nxt)),
        None if err is None else str(err), _dt(None if done is None else str(done)),
        _dt(None if age_from is None else str(age_from)) or created_at,
        int(str(row[13])) if len(row) > 13 else 0,
    )


class DeliveryStore:
    """Queries and updates on the delivery queue."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        SQLiteStore(self.path).close()  # the build's schema first: outbox, meta, publications
        try:
            self._db = connect(self.path)
            self._migrate()
        except sqlite3.DatabaseError as e:
            raise StoreError(self.path, f"cannot open the delivery queue: {e}") from None

    def _version(self) -> int:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (SCHEMA_KEY,)).fetchone()
        return 0 if row is None else int(row[0])

    def _migrate(self) -> None:
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(outbox)")}
        if "age_from" not in columns and self._version() >= 1:
            # the build's schema rebuilt its outbox table after ours was applied
            self._db.execute("ALTER TABLE outbox ADD COLUMN age_from TEXT")
        migrate_part(self._db, self.path, SCHEMA_KEY, MIGRATIONS, "delivery queue")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> DeliveryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the worker's view ------------------------------------------------------------

    def head(self, endpoint: str, websub: bool) -> Job | None:
        """The endpoint's earliest pending job: nothing later goes out before it."""
        jobs = self.pending(endpoint, websub, 1)
        return jobs[0] if jobs else None

    def pending(self, endpoint: str, websub: bool, limit: int) -> list[Job]:
        """The endpoint's earliest pending jobs, in the order their events happened."""
        table = PINGS if websub else OUTBOX
        extra = ", generation" if websub else ""
        rows = self._db.execute(
            f"SELECT {_COLUMNS}{extra} FROM {table} WHERE status = 'pending' AND endpoint = ?"
            " ORDER BY seq LIMIT ?", (endpoint, limit),
        )
        return [_job(table, row) for row in rows]

    def mark_done(self, job: Job, at: datetime) -> bool:
        """Done, unless (for a ping) the feed changed again while the ping was in flight."""
        if job.table == PINGS:
            cur = self._db.execute(
                "UPDATE websub_pings SET status = 'done', done_at = ?, attempts = attempts + 1,"
                " last_error = NULL WHERE seq = ? AND status = 'pending' AND generation = ?",
                (iso(at), job.seq, job.generation),
            )
            if cur.rowcount:
                return True
            self._db.execute(
                "UPDATE websub_pings SET next_attempt_at = ?, last_error = NULL"
                " WHERE seq = ? AND status = 'pending'", (iso(at), job.seq))
            return False
        self._db.execute(
            "UPDATE outbox SET status = 'done', done_at = ?, attempts = attempts + 1,"
            " last_error = NULL WHERE seq = ? AND status = 'pending'", (iso(at), job.seq),
        )
        return True

    def mark_retry(self, job: Job, next_at: datetime, error: str) -> None:
        self._db.execute(
            f"UPDATE {job.table} SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?"
            " WHERE seq = ? AND status = 'pending'", (iso(next_at), error, job.seq),
        )

    def mark_dead(self, job: Job, at: datetime, error: str, attempted: bool = True) -> None:
        self._db.execute(
            f"UPDATE {job.table} SET status = 'dead', done_at = ?, last_error = ?,"
            f" attempts = attempts + ? WHERE seq = ? AND status = 'pending'",
            (iso(at), error, 1 if attempted else 0, job.seq),
        )

    def title_of(self, release_id: str) -> str | None:
        """The last title the build published for a release (a retraction's payload has none)."""
        row = self._db.execute("SELECT title FROM publications WHERE id = ?", (release_id,)).fetchone()
        return None if row is None else str(row[0])

    # -- endpoint state ---------------------------------------------------------------

    def disable(self, name: str, at: datetime, reason: str) -> None:
        self._db.execute(
            "INSERT INTO endpoint_state (name, disabled_at, reason) VALUES (?, ?, ?) ON CONFLICT"
            " (name) DO UPDATE SET disabled_at = excluded.disabled_at, reason = excluded.reason",
            (name, iso(at), reason),
        )

    def enable(self, name: str) -> bool:
        cur = self._db.execute(
            "UPDATE endpoint_state SET disabled_at = NULL, reason = NULL"
            " WHERE name = ? AND disabled_at IS NOT NULL", (name,))
        return bool(cur.rowcount)

    def disabled(self) -> dict[str, Disabled]:
        rows = self._db.execute(
            "SELECT name, disabled_at, reason FROM endpoint_state WHERE disabled_at IS NOT NULL")
        out = {}
        for name, at, reason in rows:
            when = _dt(at)
            assert when is not None
            out[name] = Disabled(name, when, reason or "")
        return out

    # -- WebSub pings -----------------------------------------------------------------

    def enqueue_pings(self, endpoint: str, topics: Iterable[str], now: datetime) -> int:
        """One pending ping per (hub, topic): a waiting ping is bumped, not duplicated."""
        count = 0
        with transaction(self._db):
            for topic in dict.fromkeys(topics):
                cur = self._db.execute(
                    "UPDATE websub_pings SET generation = generation + 1 WHERE endpoint = ? AND"
                    " release_id = ? AND status = 'pending'", (endpoint, topic))
                if not cur.rowcount:
                    self._db.execute(
                        "INSERT INTO websub_pings (delivery_id, endpoint, release_id, created_at,"
                        " payload, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)",
                        ("ping_" + secrets.token_hex(16), endpoint, topic, iso(now),
                         json.dumps({"topic": topic}), iso(now)),
                    )
                count += 1
        return count

    # -- the operator's view ----------------------------------------------------------

    def jobs(self, status: str | None = None, failed: bool = False, limit: int = 0) -> list[Job]:
        """Deliveries and pings, oldest first; ``status=None`` means everything not done."""
        where = "status != 'done'" if status is None else "status = ?"
        args: list[object] = [] if status is None else [status]
        if failed:
            where += " AND last_error IS NOT NULL"
        out: list[Job] = []
        for table in (OUTBOX, PINGS):
            extra = ", generation" if table == PINGS else ""
            rows = self._db.execute(
                f"SELECT {_COLUMNS}{extra} FROM {table} WHERE {where} ORDER BY seq", args)
            out += [_job(table, r) for r in rows]
        out.sort(key=lambda j: (j.created_at, j.table, j.seq))
        return out[-limit:] if limit else out

    def all_jobs(self) -> list[Job]:
        out: list[Job] = []
        for table in (OUTBOX, PINGS):
            extra = ", generation" if table == PINGS else ""
            rows = self._db.execute(f"SELECT {_COLUMNS}{extra} FROM {table} ORDER BY seq")
            out += [_job(table, r) for r in rows]
        return out

    def counts(self) -> dict[str, dict[str, int]]:
        """endpoint -> status -> rows."""
        out: dict[str, dict[str, int]] = {}
        for table in (OUTBOX, PINGS):
            for endpoint, status, n in self._db.execute(
                    f"SELECT endpoint, status, count(*) FROM {table} GROUP BY endpoint, status"):
                out.setdefault(endpoint, {})[status] = out.get(endpoint, {}).get(status, 0) + n
        return out

    def find(self, delivery_id: str) -> Job | None:
        for table in (OUTBOX, PINGS):
            extra = ", generation" if table == PINGS else ""
            row = self._db.execute(f"SELECT {_COLUMNS}{extra} FROM {table} WHERE delivery_id = ?",
                                   (delivery_id,)).fetchone()
            if row is not None:
                return _job(table, row)
        return None

    def retry(self, jobs: Iterable[Job], now: datetime) -> int:
        """Back to pending, due now, attempts and the max-age clock restarted."""
        count = 0
        with transaction(self._db):
            for job in jobs:
                cur = self._db.execute(
                    f"UPDATE {job.table} SET status = 'pending', attempts = 0, next_attempt_at = ?,"
                    " age_from = ?, done_at = NULL WHERE seq = ?", (iso(now), iso(now), job.seq))
                count += cur.rowcount
        return count

    def heads(self) -> list[Job]:
        """Each endpoint's earliest pending job, from both queues."""
        out: list[Job] = []
        for table in (OUTBOX, PINGS):
            extra = ", generation" if table == PINGS else ""
            rows = self._db.execute(
                f"SELECT {_COLUMNS}{extra} FROM {table} WHERE seq IN (SELECT min(seq) FROM {table}"
                " WHERE status = 'pending' GROUP BY endpoint)")
            out += [_job(table, r) for r in rows]
        return out
