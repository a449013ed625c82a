"""The progress store: every checked attempt, kept in one local SQLite file.

Where: ``progress.sqlite3`` in ``platformdirs.user_data_dir("chainrule")``, or in the folder
``CHAINRULE_HOME`` names. What: one row per attempt (a unique id, the exercise id, type,
variant, difficulty, time, how it was made: check, interactive, review, import) and one row per
step (its status, the named mistake that explains a wrong number, whether its key was revealed).

Safety: WAL journal, a busy timeout (two processes recording at once wait for each other, and
nothing is lost), one transaction per attempt, the schema version in ``PRAGMA user_version``
with a migration per version, and ``PRAGMA application_id`` marking the file as ours. A file
that is not an SQLite database, belongs to another program, is damaged or comes from a newer
chainrule is refused (UserError, exit 2, naming the path) and never written to.
"""

from __future__ import annotations

import os
import sqlite3
import uuid as uuids
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from derive.errors import UserError

ENV_HOME = "CHAINRULE_HOME"
FILE_NAME = "progress.sqlite3"
APPLICATION_ID = 0x43685275  # "ChRu"
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000
MAX_STORE_BYTES = 50_000_000  # about 100,000 attempts (an attempt of 8 steps takes about 0.5 kB)
ARG = "progress store"

# MIGRATIONS[v] takes a store from version v - 1 to v (version 0: an empty file).
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: ("CREATE TABLE attempt (id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, exercise TEXT, type TEXT NOT NULL,"
        " variant TEXT, difficulty TEXT NOT NULL, at TEXT NOT NULL)",
        "CREATE TABLE step (attempt INTEGER NOT NULL REFERENCES attempt(id), position INTEGER NOT NULL,"
        " step TEXT NOT NULL, status TEXT NOT NULL, mistake TEXT, PRIMARY KEY (attempt, position))"),
    2: ("ALTER TABLE attempt ADD COLUMN source TEXT NOT NULL DEFAULT 'check'",
        "ALTER TABLE step ADD COLUMN revealed INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX attempt_by_type_and_time ON attempt (type, at)"),
    3: ("ALTER TABLE step ADD COLUMN tries INTEGER",  # answers typed at the prompt (NULL: not interactive or older)
        "ALTER TABLE step ADD COLUMN hints INTEGER"),  # '?' and 'h' asked for at the prompt
}
SCHEMA_VERSION = max(MIGRATIONS)


@dataclass
class StepRecord:
    """One step of an attempt: its id, status, named mistake (None), whether its key was
    revealed, and at the prompt how many answers were typed and hints asked for (else None)."""

    step: str
    status: str
    mistake: str | None = None
    revealed: bool = False
    tries: int | None = None
    hints: int | None = None


@dataclass
class Attempt:
    """One recorded attempt at an exercise (``at``: ISO 8601 UTC, see ``problems.study_clock``)."""

    type: str
    difficulty: str
    at: str
    exercise: str | None = None
    variant: str | None = None
    source: str = "check"
    steps: list[StepRecord] = field(default_factory=list)
    uuid: str = field(default_factory=lambda: str(uuids.uuid4()))


def store_path() -> Path:
    """The store's file: in ``CHAINRULE_HOME`` if set, else the user data folder."""
    home = os.environ.get(ENV_HOME, "").strip()
    if home:
        return Path(home).expanduser() / FILE_NAME
    import platformdirs
    return Path(platformdirs.user_data_dir("chainrule")) / FILE_NAME


def refuse(path: Path, why: str) -> UserError:
    """The error for a store that cannot be used (it is left as it is)."""
    return UserError(f"'{path}' {why}; it is left as it is (move it away, set {ENV_HOME} to use another folder, or check with --no-record)", ARG)


@contextmanager
def opened(path: Path | None = None, create: bool = True) -> Iterator[sqlite3.Connection | None]:
    """A connection to the store at ``path`` (default ``store_path()``), checked and migrated to
    the current schema; None when the file does not exist and not ``create`` (reading: a store
    over the size bound can still be read and exported). Every SQLite error
    inside becomes a UserError naming the path."""
    path = store_path() if path is None else path
    if not path.exists() and not create:
        yield None
        return
    _check_file(path, writing=create)
    if create:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"cannot create the folder '{path.parent}' ({exc.strerror})", ARG) from None
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise refuse(path, f"cannot be opened ({exc})") from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _prepare(conn, path)
        yield conn
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            raise UserError(f"'{path}' is locked by another program for more than {BUSY_TIMEOUT_MS // 1000} s", ARG) from None
        raise refuse(path, f"is damaged or not a chainrule progress store ({exc})") from None
    finally:
        conn.close()


def _check_file(path: Path, writing: bool) -> None:
    """Refuse a path that is not a regular file, does not start as SQLite does or (to write to)
    is larger than :data:`MAX_STORE_BYTES`."""
    if not path.exists():
        return
    if not path.is_file():
        raise refuse(path, "is not a regular file")
    size = path.stat().st_size
    if writing and size > MAX_STORE_BYTES:
        raise refuse(path, f"is larger than {MAX_STORE_BYTES // 1_000_000} MB (export what you need and start a new store)")
    if size:
        with open(path, "rb") as fh:
            if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                raise refuse(path, "is not an SQLite database, so not a chainrule progress store")


def _prepare(conn: sqlite3.Connection, path: Path) -> None:
    """Check that the store is ours and intact, switch it to WAL, and migrate it to the
    current schema in one transaction (a second process doing the same waits, then finds
    nothing left to do)."""
    app_id, version = _identity(conn, path)
    if version < SCHEMA_VERSION:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("BEGIN IMMEDIATE")
        try:
            app_id, version = _identity(conn, path)  # another process may have migrated meanwhile
            for v in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[v]:
                    conn.execute(statement)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    result = conn.execute("PRAGMA quick_check").fetchone()
    if not result or result[0] != "ok":
        raise refuse(path, f"is damaged ({result[0] if result else 'no answer from quick_check'})")


def _identity(conn: sqlite3.Connection, path: Path) -> tuple[int, int]:
    """(application id, schema version); refuses a foreign or newer file."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if app_id != APPLICATION_ID and (app_id != 0 or tables or version):
        raise refuse(path, "belongs to another program (not a chainrule progress store)")
    if version > SCHEMA_VERSION:
        raise refuse(path, f"was written by a newer chainrule (schema {version}; this one reads up to {SCHEMA_VERSION})")
    return app_id, version


def add(conn: sqlite3.Connection, attempts: list[Attempt]) -> int:
    """Add ``attempts`` in one transaction, skipping those whose uuid is present; returns how
    many were new."""
    new = 0
    conn.execute("BEGIN IMMEDIATE")
    try:
        for a in attempts:
            cur = conn.execute("INSERT OR IGNORE INTO attempt (uuid, exercise, type, variant, difficulty, at, source)"
                               " VALUES (?, ?, ?, ?, ?, ?, ?)",
                               (a.uuid, a.exercise, a.type, a.variant, a.difficulty, a.at, a.source))
            if cur.rowcount == 1:
                new += 1
                conn.executemany("INSERT INTO step (attempt, position, step, status, mistake, revealed, tries, hints)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                 [(cur.lastrowid, i, s.step, s.status, s.mistake, int(s.revealed), s.tries, s.hints)
                                  for i, s in enumerate(a.steps)])
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return new


def attempts(conn: sqlite3.Connection | None) -> list[Attempt]:
    """Every attempt with its steps, oldest first (none without a store)."""
    if conn is None:
        return []
    steps: dict[int, list[StepRecord]] = {}
    for attempt_id, *row in conn.execute("SELECT attempt, step, status, mistake, revealed, tries, hints FROM step"
                                         " ORDER BY attempt, position"):
        steps.setdefault(attempt_id, []).append(StepRecord(row[0], row[1], row[2], bool(row[3]), row[4], row[5]))
    rows = conn.execute("SELECT id, uuid, exercise, type, variant, difficulty, at, source FROM attempt ORDER BY at, id")
    return [Attempt(type=t, difficulty=d, at=_checked_time(i, at), exercise=e, variant=v, source=src, steps=steps.get(i, []),
                    uuid=u) for i, u, e, t, v, d, at, src in rows]


def _checked_time(attempt_id: int, at: Any) -> str:
    """``at`` when it is a stored time (ISO 8601, years 1970–8999); a store edited by hand to hold
    anything else is damaged (sqlite3.DatabaseError, which ``opened`` reports as such)."""
    from problems.study_clock import in_range, parse_iso
    try:
        in_range(parse_iso(at))
    except (ValueError, TypeError, AttributeError, OverflowError):
        raise sqlite3.DatabaseError(f"attempt {attempt_id} has the time {str(at)[:40]!r}, not an ISO 8601 time "
                                    "in the years 1970 to 8999") from None
    return at


def record(attempt: Attempt, path: Path | None = None) -> None:
    """Append one attempt to the store (created when absent)."""
    with opened(path) as conn:
        assert conn is not None
        add(conn, [attempt])


def record_check(report: Any, exercise: Any, source: str, prompt_logs: Any = None) -> Attempt | None:
    """Record a check report of ``exercise`` (a ``derive.steps.Exercise``) made by ``source``
    (check, interactive, review) at ``problems.study_clock.now()``, with the tries and hints of
    each step from ``prompt_logs`` (step id → ``problems.interactive.StepLog``) when it was
    solved at a prompt; returns the attempt. A report with no step answered or revealed is not
    recorded (nothing was tried): None."""
    if not any(m.status != "missing" or m.revealed for m in report.marks):
        return None
    from problems.registry import get
    from problems.study_clock import iso, now
    module = get(exercise.topic)
    logs = prompt_logs or {}
    steps = [StepRecord(m.id, m.status, mistake_name(module, m.diagnosis), m.status == "missing" and m.revealed,
                        *((logs[m.id].tries, logs[m.id].helps) if m.id in logs else (None, None))) for m in report.marks]
    attempt = Attempt(type=exercise.topic, difficulty=exercise.difficulty, at=iso(now()), exercise=report.exercise_id,
                      variant=exercise.variant, source=source, steps=steps)
    record(attempt)
    return attempt


def mistake_name(module: Any, diagnosis: str | None) -> str | None:
    """The catalogue name (``MISTAKES``/``DIAGNOSES``) of a diagnosis: the entry whose
    description it is or begins with (a hook may add details such as the distances), else
    the diagnosis itself cut to 120 characters; None for None."""
    if not diagnosis:
        return None
    catalogue = {**getattr(module, "DIAGNOSES", {}), **module.MISTAKES}
    found = [(len(d), n) for n, d in catalogue.items() if diagnosis == d or diagnosis.startswith(d)]
    return max(found)[1] if found else diagnosis[:120]
