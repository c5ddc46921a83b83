"""The rooms' state in an embedded SQLite database (stdlib ``sqlite3``, WAL) in the data directory.

Everything a room holds — its participants, the exercises pushed to it, its phase and timer, the
predictions, the runs and their results — is a row here, so a server restart loses nothing and
several rooms share one file without seeing each other: every query names its room.

Connections are short-lived (one per operation, opened by :meth:`Store.connect`), so any thread
(Solara's, the run worker's) may use a :class:`Store`. WAL lets readers (the views polling every
second) run while a writer commits; ``busy_timeout`` makes a writer wait rather than fail. Each
room has a ``version`` bumped by every write that touches it: a view polls that one integer and
reads the rest only when it changed.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
DB_NAME = "rooms.sqlite3"
ENV_DATA = "SERVICESIM_DATA"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rooms (
    code TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL,
    lang TEXT NOT NULL,
    created REAL NOT NULL,
    closed REAL,
    exercise TEXT,                -- the exercise pushed last (the one everyone sees)
    phase TEXT NOT NULL DEFAULT 'lobby',
    phase_started REAL,
    deadline REAL,                -- when the phase's timer ends (epoch seconds), or NULL
    version INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS participants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    room TEXT NOT NULL REFERENCES rooms(code),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,       -- casefolded: names are unique per room whatever their case
    key TEXT NOT NULL UNIQUE,     -- the participant's own link (so a reload finds them again)
    lang TEXT NOT NULL,
    joined REAL NOT NULL,
    UNIQUE (room, name_key)
);
CREATE TABLE IF NOT EXISTS pushes (
    room TEXT NOT NULL REFERENCES rooms(code),
    exercise TEXT NOT NULL,
    pushed REAL NOT NULL,
    locked REAL,                  -- predictions locked (the reveal)
    PRIMARY KEY (room, exercise)
);
CREATE TABLE IF NOT EXISTS predictions (
    room TEXT NOT NULL REFERENCES rooms(code),
    exercise TEXT NOT NULL,
    participant INTEGER NOT NULL REFERENCES participants(id),
    "values" TEXT NOT NULL,       -- JSON: field -> value
    at REAL NOT NULL,
    PRIMARY KEY (room, exercise, participant)
);
CREATE TABLE IF NOT EXISTS runs (
    room TEXT NOT NULL REFERENCES rooms(code),
    exercise TEXT NOT NULL,
    status TEXT NOT NULL,         -- queued | running | done | failed
    done INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    result TEXT,                  -- JSON: the outcome (runs.py)
    error TEXT,
    queued REAL NOT NULL,
    finished REAL,
    PRIMARY KEY (room, exercise)
);
CREATE TABLE IF NOT EXISTS outcomes (
    room TEXT NOT NULL REFERENCES rooms(code),
    exercise TEXT NOT NULL,
    participant INTEGER NOT NULL REFERENCES participants(id),
    result TEXT NOT NULL,         -- JSON: a participant's own outcome (the questionnaire's organisation)
    at REAL NOT NULL,
    PRIMARY KEY (room, exercise, participant)
);
CREATE INDEX IF NOT EXISTS participants_room ON participants(room);
"""


class Store:
    """The database of one data directory."""

    def __init__(self, data_dir: str | Path):
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / DB_NAME
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self.connect() as con:
            con.executescript(_SCHEMA)
            row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None:
                con.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            elif int(row[0]) > SCHEMA_VERSION:
                raise RuntimeError(f"{self.path}: schema version {row[0]} is newer than this servicesim "
                                   f"({SCHEMA_VERSION}); allowed: a database written by this version or older")
        with self._raw() as con:
            con.execute("PRAGMA journal_mode=WAL")

    @contextmanager
    def _raw(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection in one transaction: committed on success, rolled back on any error."""
        con = sqlite3.connect(self.path, timeout=10.0)
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("PRAGMA busy_timeout = 10000")
        try:
            with con:
                yield con
        finally:
            con.close()

    # --- rooms ------------------------------------------------------------------------------------
    def add_room(self, code: str, token_hash: str, lang: str) -> bool:
        """False when the code is taken."""
        try:
            with self.connect() as con:
                con.execute("INSERT INTO rooms (code, token_hash, lang, created) VALUES (?, ?, ?, ?)",
                            (code, token_hash, lang, time.time()))
            return True
        except sqlite3.IntegrityError:
            return False

    def room(self, code: str) -> dict | None:
        with self.connect() as con:
            row = con.execute("SELECT * FROM rooms WHERE code = ?", (code,)).fetchone()
        return dict(row) if row else None

    def version(self, code: str) -> int | None:
        """The room's change counter (cheap: what a view polls)."""
        with self.connect() as con:
            row = con.execute("SELECT version FROM rooms WHERE code = ?", (code,)).fetchone()
        return int(row[0]) if row else None

    def signature(self, code: str) -> tuple | None:
        """What a participant's screen depends on besides their own actions: the phase, the exercise, the
        timer, the room's state and the run's progress — not who else joined or answered (so thirty
        screens do not redraw at each of thirty predictions)."""
        with self.connect() as con:
            row = con.execute("SELECT r.phase, r.exercise, r.deadline, r.closed, u.status, u.done FROM rooms r "
                              "LEFT JOIN runs u ON u.room = r.code AND u.exercise = r.exercise WHERE r.code = ?",
                              (code,)).fetchone()
        return tuple(row) if row else None

    def update_room(self, code: str, **fields: Any) -> None:
        cols = ", ".join(f"{k} = ?" for k in fields)
        with self.connect() as con:
            con.execute(f"UPDATE rooms SET {cols}{', ' if cols else ''}version = version + 1 WHERE code = ?",
                        (*fields.values(), code))

    def touch(self, con: sqlite3.Connection, code: str) -> None:
        con.execute("UPDATE rooms SET version = version + 1 WHERE code = ?", (code,))

    # --- participants -----------------------------------------------------------------------------
    def add_participant(self, code: str, name: str, key: str, lang: str) -> int | None:
        """The new participant's id; None when the name is taken in this room (whatever its case)."""
        try:
            with self.connect() as con:
                cur = con.execute("INSERT INTO participants (room, name, name_key, key, lang, joined) "
                                  "VALUES (?, ?, ?, ?, ?, ?)", (code, name, name.casefold(), key, lang, time.time()))
                self.touch(con, code)
                return int(cur.lastrowid)
        except sqlite3.IntegrityError:
            return None

    def participant(self, code: str, key: str) -> dict | None:
        with self.connect() as con:
            row = con.execute("SELECT * FROM participants WHERE room = ? AND key = ?", (code, key)).fetchone()
        return dict(row) if row else None

    def participants(self, code: str) -> list[dict]:
        with self.connect() as con:
            rows = con.execute("SELECT id, name, lang, joined FROM participants WHERE room = ? ORDER BY id",
                               (code,)).fetchall()
        return [dict(r) for r in rows]

    def set_participant_lang(self, code: str, pid: int, lang: str) -> None:
        with self.connect() as con:
            con.execute("UPDATE participants SET lang = ? WHERE room = ? AND id = ?", (lang, code, pid))

    # --- exercises pushed -------------------------------------------------------------------------
    def push(self, code: str, exercise: str, phase: str) -> None:
        now = time.time()
        with self.connect() as con:
            con.execute("INSERT OR IGNORE INTO pushes (room, exercise, pushed) VALUES (?, ?, ?)", (code, exercise, now))
            con.execute("UPDATE rooms SET exercise = ?, phase = ?, phase_started = ?, deadline = NULL, "
                        "version = version + 1 WHERE code = ?", (exercise, phase, now, code))

    def pushes(self, code: str) -> list[dict]:
        with self.connect() as con:
            rows = con.execute("SELECT * FROM pushes WHERE room = ? ORDER BY pushed", (code,)).fetchall()
        return [dict(r) for r in rows]

    def lock(self, code: str, exercise: str) -> None:
        with self.connect() as con:
            con.execute("UPDATE pushes SET locked = COALESCE(locked, ?) WHERE room = ? AND exercise = ?",
                        (time.time(), code, exercise))
            self.touch(con, code)

    def locked(self, code: str, exercise: str) -> bool:
        with self.connect() as con:
            row = con.execute("SELECT locked FROM pushes WHERE room = ? AND exercise = ?", (code, exercise)).fetchone()
        return bool(row and row[0] is not None)

    # --- predictions ------------------------------------------------------------------------------
    def predict(self, code: str, exercise: str, pid: int, values: dict) -> bool:
        """Store (or replace) a prediction, unless the exercise's predictions are locked (then False).
        The lock is checked in the same transaction as the write: no prediction slips in after it."""
        with self.connect() as con:
            con.execute("BEGIN IMMEDIATE")
            row = con.execute("SELECT locked FROM pushes WHERE room = ? AND exercise = ?", (code, exercise)).fetchone()
            if row is None or row[0] is not None:
                return False
            con.execute('INSERT INTO predictions (room, exercise, participant, "values", at) VALUES (?, ?, ?, ?, ?) '
                        'ON CONFLICT (room, exercise, participant) DO UPDATE SET "values" = excluded."values", '
                        "at = excluded.at", (code, exercise, pid, json.dumps(values), time.time()))
            self.touch(con, code)
        return True

    def predictions(self, code: str, exercise: str) -> dict[int, dict]:
        with self.connect() as con:
            rows = con.execute('SELECT participant, "values" FROM predictions WHERE room = ? AND exercise = ?',
                               (code, exercise)).fetchall()
        return {int(r[0]): json.loads(r[1]) for r in rows}

    # --- runs -------------------------------------------------------------------------------------
    def queue_run(self, code: str, exercise: str, total: int) -> bool:
        """Mark the room's run of ``exercise`` as queued; False if one is already queued, running or done."""
        with self.connect() as con:
            con.execute("BEGIN IMMEDIATE")
            row = con.execute("SELECT status FROM runs WHERE room = ? AND exercise = ?", (code, exercise)).fetchone()
            if row is not None and row[0] != "failed":
                return False
            con.execute("INSERT OR REPLACE INTO runs (room, exercise, status, done, total, queued) "
                        "VALUES (?, ?, 'queued', 0, ?, ?)", (code, exercise, total, time.time()))
            self.touch(con, code)
        return True

    def run_progress(self, code: str, exercise: str, status: str, done: int | None = None) -> None:
        with self.connect() as con:
            if done is None:
                con.execute("UPDATE runs SET status = ? WHERE room = ? AND exercise = ?", (status, code, exercise))
            else:
                con.execute("UPDATE runs SET status = ?, done = ? WHERE room = ? AND exercise = ?",
                            (status, done, code, exercise))
            self.touch(con, code)

    def finish_run(self, code: str, exercise: str, result: dict | None, error: str | None = None) -> None:
        with self.connect() as con:
            con.execute("UPDATE runs SET status = ?, result = ?, error = ?, finished = ?, done = total "
                        "WHERE room = ? AND exercise = ?",
                        ("done" if error is None else "failed", json.dumps(result) if result is not None else None,
                         error, time.time(), code, exercise))
            self.touch(con, code)

    def run(self, code: str, exercise: str) -> dict | None:
        with self.connect() as con:
            row = con.execute("SELECT * FROM runs WHERE room = ? AND exercise = ?", (code, exercise)).fetchone()
        if row is None:
            return None
        out = dict(row)
        out["result"] = json.loads(out["result"]) if out["result"] else None
        return out

    def unfinished_runs(self) -> list[tuple[str, str]]:
        """(room, exercise) of every run queued or running (what a restarted server picks up again)."""
        with self.connect() as con:
            rows = con.execute("SELECT room, exercise FROM runs WHERE status IN ('queued', 'running') "
                               "ORDER BY queued").fetchall()
        return [(r[0], r[1]) for r in rows]

    # --- a participant's own outcome ----------------------------------------------------------------
    def set_outcome(self, code: str, exercise: str, pid: int, result: dict) -> None:
        with self.connect() as con:
            con.execute("INSERT OR REPLACE INTO outcomes (room, exercise, participant, result, at) "
                        "VALUES (?, ?, ?, ?, ?)", (code, exercise, pid, json.dumps(result), time.time()))
            self.touch(con, code)

    def outcomes(self, code: str, exercise: str) -> dict[int, dict]:
        with self.connect() as con:
            rows = con.execute("SELECT participant, result FROM outcomes WHERE room = ? AND exercise = ?",
                               (code, exercise)).fetchall()
        return {int(r[0]): json.loads(r[1]) for r in rows}


def default_data_dir(env: dict | None = None) -> Path:
    """Where rooms live when ``--data`` is not given: ``$SERVICESIM_DATA``, else the per-user data
    directory (``$XDG_DATA_HOME/servicesim``, else ``~/.local/share/servicesim``)."""
    env = os.environ if env is None else env
    if env.get(ENV_DATA):
        return Path(env[ENV_DATA])
    base = env.get("XDG_DATA_HOME") or str(Path(env.get("HOME") or Path.home()) / ".local" / "share")
    return Path(base) / "servicesim"


_STORES: dict[Path, Store] = {}


def shared_store(data_dir: str | Path | None = None) -> Store:
    """The one :class:`Store` of this process for a data directory (the server's)."""
    path = Path(data_dir) if data_dir is not None else default_data_dir()
    path = path.expanduser().resolve()
    if path not in _STORES:
        _STORES[path] = Store(path)
    return _STORES[path]
