"""The state store: what was seen, when, under which id; the intake cache.

``StateStore`` is the seam (a ``Protocol``); ``SQLiteStore`` is the embedded default
(one file, WAL mode). A press office that outgrows one machine implements the same
protocol over PostgreSQL without touching intake, planning or rendering.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import msgspec

from feeds.catalogue import Listing
from feeds.errors import StoreError
from feeds.model import Release
from feeds.outbox import Delivery
from feeds.plan import Event, Publication


class CachedFile(NamedTuple):
    """What the intake knew of a file the last time it read it (a tuple: 10,000 per scan)."""

    path: str
    size: int
    mtime_ns: int
    content_hash: str
    error: str | None  # the refusal, when the file could not become a release
    # For a refusal of a front-matter id another file holds: that file. The refusal lasts
    # only as long as it holds the id, so this one is read again when that one changes.
    held_by: str | None = None


@dataclass(frozen=True)
class Identity:
    """A release's stable identity: minted once, never recomputed from text."""

    id: str
    path: str
    content_hash: str
    first_seen: datetime
    gone_at: datetime | None = None


@dataclass(frozen=True)
class Output:
    """A file the writer put in the output folder: what it was made from, its bytes' hash,
    and its size and mtime as the writer left it (None: not known, written by an older feeds)."""

    path: str
    input_key: str
    content_hash: str
    size: int | None = None
    mtime_ns: int | None = None


class StateStore(Protocol):
    def cache_key(self) -> str: ...
    def set_cache_key(self, key: str) -> None: ...
    def cached_files(self) -> dict[str, CachedFile]: ...
    def files_generation(self) -> str: ...
    def cached_releases(self, paths: Iterable[str]) -> dict[str, Release]: ...
    def release_loader(self) -> Callable[[Iterable[str]], dict[str, Release]]: ...
    def save_files(
        self, files: Iterable[tuple[CachedFile, Release | None]], removed: Iterable[str]
    ) -> None: ...
    def identities(
        self, paths: Iterable[str] | None = None, ids: Iterable[str] = ()
    ) -> dict[str, Identity]: ...
    def identity_exists(self, release_id: str) -> bool: ...
    def ids_with_page(self, key: str) -> list[str]: ...
    def save_identities(self, identities: Iterable[Identity]) -> None: ...
    def publications(self, ids: Iterable[str] | None = None) -> dict[str, Publication]: ...
    def record_plan(
        self, changed: Iterable[Publication], events: Iterable[Event],
        deliveries: Iterable[Delivery] = (),
    ) -> None: ...
    def listings(self) -> dict[str, Listing]: ...
    def save_listings(
        self, listings: Iterable[Listing], removed: Iterable[str] = (), *, complete: bool = False
    ) -> None: ...
    def output_paths(self) -> list[str]: ...
    def output_stats(self) -> list[tuple[str, int | None, int | None]]: ...
    def fragments(self, keys: Iterable[str]) -> dict[str, bytes]: ...
    def save_fragments(self, fragments: Mapping[str, bytes]) -> None: ...
    def outputs(
        self, paths: Iterable[str] | None = None, prefixes: Iterable[str] = ()
    ) -> dict[str, Output]: ...
    def save_outputs(self, written: Iterable[Output], removed: Iterable[str]) -> None: ...
    def get_meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str) -> None: ...
    def close(self) -> None: ...


SCHEMA = [
    # version 1
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE files (
        path TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        content_hash TEXT NOT NULL,
        error TEXT,
        release BLOB
    );
    CREATE TABLE identities (
        id TEXT PRIMARY KEY,
        path TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        gone_at TEXT
    );
    CREATE INDEX identities_path ON identities (path);
    CREATE INDEX identities_hash ON identities (content_hash);
    CREATE TABLE publications (
        id TEXT PRIMARY KEY,
        path TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        title TEXT NOT NULL,
        sort_date TEXT NOT NULL,
        published_at TEXT NOT NULL,
        edited_at TEXT,
        retracted_at TEXT
    );
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        release_id TEXT NOT NULL,
        at TEXT NOT NULL,
        path TEXT NOT NULL
    );
    CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        delivery_id TEXT NOT NULL UNIQUE,
        endpoint TEXT NOT NULL,
        kind TEXT NOT NULL,
        release_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        last_error TEXT,
        done_at TEXT
    );
    CREATE INDEX outbox_due ON outbox (status, endpoint, seq);
    CREATE TABLE outputs (
        path TEXT PRIMARY KEY,
        input_key TEXT NOT NULL,
        content_hash TEXT NOT NULL
    );
    """,
]

# The catalogue (feeds.catalogue): added after schema 1 was frozen, so migrated as a part.
CATALOGUE_SCHEMA = [
    """
    CREATE TABLE listings (
        id TEXT PRIMARY KEY,
        path TEXT NOT NULL,
        page TEXT NOT NULL,
        ord REAL NOT NULL,
        at TEXT NOT NULL,
        updated TEXT NOT NULL,
        language TEXT NOT NULL,
        tags TEXT NOT NULL,
        key TEXT NOT NULL,
        retracted INTEGER NOT NULL
    )
    """,
    # version 2: rendered entries of subscription feeds, by their fingerprint
    """
    CREATE TABLE fragments (key TEXT PRIMARY KEY, data BLOB NOT NULL)
    """,
    # version 3: the intake cache's index as a covering index, so that a scan reads it
    # without stepping over the pages of ten thousand cached releases
    """
    CREATE INDEX files_index ON files (path, size, mtime_ns, content_hash, error)
    """,
]
# Columns added to schema 1's tables after it was frozen, migrated as a part too.
STORE_SCHEMA = [
    # version 1: a refused file's holder (CachedFile.held_by)
    "ALTER TABLE files ADD COLUMN held_by TEXT",
    # version 2: each id's page (identity.page_key), to find the id that has a page
    """
    ALTER TABLE identities ADD COLUMN page TEXT;
    CREATE INDEX identities_page ON identities (page)
    """,
    # version 3: each output file's size and mtime (Output.size, Output.mtime_ns)
    """
    ALTER TABLE outputs ADD COLUMN size INTEGER;
    ALTER TABLE outputs ADD COLUMN mtime_ns INTEGER
    """,
    # version 4: the intake cache's covering index (catalogue version 3) with held_by too
    """
    DROP INDEX IF EXISTS files_index;
    CREATE INDEX files_index_2 ON files (path, size, mtime_ns, content_hash, error, held_by)
    """,
    # version 5: pages with a "%" are named anew since a bare "%" is escaped (slugify): their
    # keys are made again below, with those of the ids written before the page column
    "UPDATE identities SET page = NULL WHERE page LIKE '%\\%%' ESCAPE '\\'",
]
FRAGMENTS_LIMIT = 20_000  # more, and the table is emptied (old versions of edited entries)

_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(Release)


def encode_release(release: Release) -> bytes:
    return _encoder.encode(release)


def decode_release(blob: bytes) -> Release:
    return _decoder.decode(blob)


def connect(path: Path, busy_timeout_ms: int = 5000) -> sqlite3.Connection:
    """A connection to the state database as every part of feeds opens it: autocommit (each
    part begins its own transactions), WAL, a busy timeout, foreign keys on."""
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    db.execute("PRAGMA foreign_keys=ON")
    return db


@contextmanager
def transaction(db: sqlite3.Connection, mode: str = "IMMEDIATE") -> Iterator[sqlite3.Connection]:
    """Commit what the block did, or roll all of it back."""
    db.execute(f"BEGIN {mode}")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def migrate_part(
    db: sqlite3.Connection, path: Path, meta_key: str, migrations: list[str], name: str
) -> None:
    """Bring one part's own tables (the digests', the delivery queue's) up to date, its
    schema version kept in the ``meta`` row ``meta_key``; concurrent first callers agree."""

    def version() -> int:
        row = db.execute("SELECT value FROM meta WHERE key = ?", (meta_key,)).fetchone()
        return 0 if row is None else int(row[0])

    if version() > len(migrations):
        raise StoreError(path, f"{name} written by a newer feeds (schema {version()}, this one "
                         f"knows {len(migrations)})")
    if version() == len(migrations):
        return
    with transaction(db):
        for number in range(version(), len(migrations)):  # another process may have migrated
            for statement in migrations[number].split(";"):
                if statement.strip():
                    db.execute(statement)
        db.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                   "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                   (meta_key, str(len(migrations))))


def _iso(dt: datetime | None) -> str | None:
    return None if dt is None else dt.astimezone(UTC).isoformat()


def _from_iso(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


class SQLiteStore:
    """The embedded default: one SQLite file in WAL mode."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = connect(self.path)
            self._migrate()
        except sqlite3.DatabaseError as e:
            raise StoreError(self.path, f"cannot open the state database: {e}") from None
        except OSError as e:
            raise StoreError(self.path, f"cannot create the state folder: {e.strerror}") from None

    def _migrate(self) -> None:
        (version,) = self._db.execute("PRAGMA user_version").fetchone()
        if version > len(SCHEMA):
            raise StoreError(
                self.path,
                f"written by a newer feeds (schema {version}, this one knows {len(SCHEMA)})",
            )
        for number in range(version, len(SCHEMA)):
            # executescript commits on its own: the whole step is one script, one transaction.
            self._db.executescript(
                f"BEGIN IMMEDIATE; {SCHEMA[number]}; PRAGMA user_version={number + 1}; COMMIT;"
            )
        migrate_part(self._db, self.path, "catalogue_schema", CATALOGUE_SCHEMA, "the catalogue")
        migrate_part(self._db, self.path, "store_schema", STORE_SCHEMA, "the state store")
        # The ids written before the page column (or since, by an older feeds) get theirs.
        rows = self._db.execute("SELECT id FROM identities WHERE page IS NULL").fetchall()
        if rows:
            page_key = _page_key()
            with self.transaction():
                self._db.executemany("UPDATE identities SET page = ? WHERE id = ?",
                                     ((page_key(rid), rid) for (rid,) in rows))

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self._db)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- meta ---------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self._set_meta(key, value)

    def _set_meta(self, key: str, value: str) -> None:
        self._db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # -- intake cache -------------------------------------------------------------------

    def cache_key(self) -> str:
        return self.get_meta("intake_cache_key") or ""

    def set_cache_key(self, key: str) -> None:
        """A new parser or site setting: every cached parse is stale."""
        with self.transaction():
            self._db.execute("DELETE FROM files")
            self._set_meta("intake_cache_key", key)
            self._db.execute(
                "INSERT INTO meta (key, value) VALUES ('files_generation', '1') ON CONFLICT (key)"
                " DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)")

    def files_generation(self) -> str:
        """Changes whenever the intake cache does (whoever scanned: a build, `feeds check`)."""
        return self.get_meta("files_generation") or "0"

    def cached_files(self) -> dict[str, CachedFile]:
        rows = self._db.execute(
            "SELECT path, size, mtime_ns, content_hash, error, held_by FROM files")
        make = CachedFile._make
        return {row[0]: make(row) for row in rows.fetchall()}

    def release_loader(self) -> Callable[[Iterable[str]], dict[str, Release]]:
        """Reads cached releases later, even after this store is closed (its own connection)."""
        path = self.path

        def load(paths: Iterable[str]) -> dict[str, Release]:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                return _cached_releases(db, paths)
            finally:
                db.close()

        return load

    def cached_releases(self, paths: Iterable[str]) -> dict[str, Release]:
        return _cached_releases(self._db, paths)

    def save_files(
        self, files: Iterable[tuple[CachedFile, Release | None]], removed: Iterable[str]
    ) -> None:
        with self.transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO files (path, size, mtime_ns, content_hash, error, held_by,"
                " release) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    (f.path, f.size, f.mtime_ns, f.content_hash, f.error, f.held_by,
                     None if r is None else encode_release(r))
                    for f, r in files
                ),
            )
            self._db.executemany("DELETE FROM files WHERE path = ?", ((p,) for p in removed))
            self._db.execute(
                "INSERT INTO meta (key, value) VALUES ('files_generation', '1') ON CONFLICT (key)"
                " DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)")

    # -- identities ---------------------------------------------------------------------

    def identities(
        self, paths: Iterable[str] | None = None, ids: Iterable[str] = ()
    ) -> dict[str, Identity]:
        """Every identity, or those of ``paths`` and ``ids``."""
        query = "SELECT id, path, content_hash, first_seen, gone_at FROM identities"
        if paths is None:
            rows = self._db.execute(query).fetchall()
        else:
            rows = _in_chunks(self._db, query + " WHERE path IN ({})", list(paths))
            rows += _in_chunks(self._db, query + " WHERE id IN ({})", list(ids))
        out = {}
        for rid, path, chash, first_seen, gone_at in rows:
            out[rid] = Identity(rid, path, chash, datetime.fromisoformat(first_seen),
                                _from_iso(gone_at))
        return out

    def identity_exists(self, release_id: str) -> bool:
        row = self._db.execute("SELECT 1 FROM identities WHERE id = ?", (release_id,))
        return row.fetchone() is not None

    def ids_with_page(self, key: str) -> list[str]:
        """The ids whose ``page_key`` this is (minted or not: the caller tells)."""
        rows = self._db.execute("SELECT id FROM identities WHERE page = ?", (key,))
        return [rid for (rid,) in rows]

    def save_identities(self, identities: Iterable[Identity]) -> None:
        page_key = _page_key()
        with self.transaction():
            self._db.executemany(
                "INSERT INTO identities (id, path, content_hash, first_seen, gone_at, page)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET path = excluded.path,"
                " content_hash = excluded.content_hash, gone_at = excluded.gone_at",
                ((i.id, i.path, i.content_hash, _iso(i.first_seen), _iso(i.gone_at),
                  page_key(i.id)) for i in identities),
            )

    # -- publications and events ---------------------------------------------------------

    def publications(self, ids: Iterable[str] | None = None) -> dict[str, Publication]:
        """Every publication, or those of ``ids``."""
        query = ("SELECT id, path, content_hash, title, sort_date, published_at, edited_at,"
                 " retracted_at FROM publications")
        if ids is None:
            rows = self._db.execute(query).fetchall()
        else:
            rows = _in_chunks(self._db, query + " WHERE id IN ({})", list(ids))
        out = {}
        for rid, path, chash, title, sort_date, published_at, edited_at, retracted_at in rows:
            out[rid] = Publication(
                rid, path, chash, title, datetime.fromisoformat(sort_date),
                datetime.fromisoformat(published_at), _from_iso(edited_at), _from_iso(retracted_at),
            )
        return out

    def record_plan(
        self, changed: Iterable[Publication], events: Iterable[Event],
        deliveries: Iterable[Delivery] = (),
    ) -> None:
        """Publication state, the events it causes and the deliveries they fan out to
        commit together, or not at all."""
        with self.transaction():
            self._db.executemany(
                "INSERT OR IGNORE INTO outbox (delivery_id, endpoint, kind, release_id,"
                " created_at, payload, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                ((d.delivery_id, d.endpoint, d.kind, d.release_id, _iso(d.created_at), d.payload,
                  _iso(d.created_at)) for d in deliveries),
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO publications (id, path, content_hash, title, sort_date,"
                " published_at, edited_at, retracted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                ((p.id, p.path, p.content_hash, p.title, _iso(p.sort_date), _iso(p.published_at),
                  _iso(p.edited_at), _iso(p.retracted_at)) for p in changed),
            )
            self._db.executemany(
                "INSERT INTO events (kind, release_id, at, path) VALUES (?, ?, ?, ?)",
                ((e.kind, e.id, _iso(e.at), e.path) for e in events),
            )

    def events(self, after: int = 0) -> list[tuple[int, Event]]:
        rows = self._db.execute(
            "SELECT seq, kind, release_id, at, path FROM events WHERE seq > ? ORDER BY seq",
            (after,),
        )
        return [(seq, Event(kind, rid, datetime.fromisoformat(at), path))
                for seq, kind, rid, at, path in rows]

    # -- the catalogue --------------------------------------------------------------------

    def listings(self) -> dict[str, Listing]:
        rows = self._db.execute(
            "SELECT id, path, page, ord, at, updated, language, tags, key, retracted FROM listings"
        )
        make = Listing.from_row
        return {row[0]: make(row) for row in rows.fetchall()}

    def save_listings(
        self, listings: Iterable[Listing], removed: Iterable[str] = (), *, complete: bool = False
    ) -> None:
        """Write changed rows; ``complete``: these rows are the whole catalogue."""
        with self.transaction():
            if complete:
                self._db.execute("DELETE FROM listings")
            self._db.executemany(
                "INSERT OR REPLACE INTO listings (id, path, page, ord, at, updated, language,"
                " tags, key, retracted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (row.as_row() for row in listings),
            )
            self._db.executemany("DELETE FROM listings WHERE id = ?", ((i,) for i in removed))

    def output_paths(self) -> list[str]:
        return [path for (path,) in self._db.execute("SELECT path FROM outputs")]

    def output_stats(self) -> list[tuple[str, int | None, int | None]]:
        """Each file made, with its size and mtime as the writer left it."""
        return self._db.execute("SELECT path, size, mtime_ns FROM outputs").fetchall()

    def fragments(self, keys: Iterable[str]) -> dict[str, bytes]:
        rows = _in_chunks(self._db, "SELECT key, data FROM fragments WHERE key IN ({})",
                          list(keys))
        return {key: bytes(data) for key, data in rows}

    def save_fragments(self, fragments: Mapping[str, bytes]) -> None:
        with self.transaction():
            (count,) = self._db.execute("SELECT count(*) FROM fragments").fetchone()
            if count + len(fragments) > FRAGMENTS_LIMIT:
                self._db.execute("DELETE FROM fragments")
            self._db.executemany("INSERT OR REPLACE INTO fragments (key, data) VALUES (?, ?)",
                                 fragments.items())

    # -- the output manifest -------------------------------------------------------------

    def outputs(
        self, paths: Iterable[str] | None = None, prefixes: Iterable[str] = ()
    ) -> dict[str, Output]:
        """Every file made, or those of ``paths`` and those whose path starts with a prefix."""
        query = "SELECT path, input_key, content_hash, size, mtime_ns FROM outputs"
        if paths is None:
            return {row[0]: Output(*row) for row in self._db.execute(query)}
        rows = _in_chunks(self._db, query + " WHERE path IN ({})", list(paths))
        for prefix in prefixes:  # a range on the primary key: LIKE would not use it
            after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
            rows += self._db.execute(query + " WHERE path >= ? AND path < ?", (prefix, after))
        return {row[0]: Output(*row) for row in rows}

    def save_outputs(self, written: Iterable[Output], removed: Iterable[str]) -> None:
        with self.transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO outputs (path, input_key, content_hash, size, mtime_ns)"
                " VALUES (?, ?, ?, ?, ?)",
                ((o.path, o.input_key, o.content_hash, o.size, o.mtime_ns) for o in written),
            )
            self._db.executemany("DELETE FROM outputs WHERE path = ?", ((p,) for p in removed))


def _page_key() -> Callable[[str], str]:
    # Imported when used: the identity module imports this one.
    from feeds.intake.identity import page_key

    return page_key


def _in_chunks(db: sqlite3.Connection, query: str, values: list[str]) -> list[Any]:
    """Rows of ``query`` (its ``IN ({})`` filled with placeholders) for many values."""
    out: list[Any] = []
    for start in range(0, len(values), 500):
        chunk = values[start:start + 500]
        out += db.execute(query.format(",".join("?" * len(chunk))), chunk).fetchall()
    return out


def _cached_releases(db: sqlite3.Connection, paths: Iterable[str]) -> dict[str, Release]:
    wanted = list(paths)
    if len(wanted) > 500:  # most of the table: one pass beats many lookups
        wanted_set = set(wanted)
        rows = db.execute("SELECT path, release FROM files WHERE release IS NOT NULL")
        return {p: decode_release(b) for p, b in rows if p in wanted_set}
    out: dict[str, Release] = {}
    for start in range(0, len(wanted), 200):
        chunk = wanted[start:start + 200]
        marks = ",".join("?" * len(chunk))
        rows = db.execute(
            f"SELECT path, release FROM files WHERE release IS NOT NULL AND path IN ({marks})", chunk
        )
        out.update((p, decode_release(b)) for p, b in rows)
    return out
