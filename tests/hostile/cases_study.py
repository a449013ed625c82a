"""Hostile inputs for the study loop: progress stores that are not ours (a directory, a FIFO, text,
another program's SQLite file, an empty file), a folder that cannot be made, a clock that is not a
time, import files that are huge, endless, nested or malformed, and option values out of bounds.
Each store case runs in its own CHAINRULE_HOME (relative to the case's folder)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Callable

from tests.hostile.cases_cli import fifo, file, folder, sparse
from tests.hostile.harness import Case

REFUSED = (2,)
OK = (0,)
HOME = {"CHAINRULE_HOME": "home"}
STORE = "home/progress.sqlite3"
CHECK = ["check", "ztest@3", "--answer", "sum=1"]


def in_home(setup: Callable[[Path], None]) -> Callable[[Path], None]:
    """``setup`` run after making the case's ``home`` folder."""
    def run(tmp: Path) -> None:
        (tmp / "home").mkdir(exist_ok=True)
        setup(tmp)
    return run


def foreign_sqlite(tmp: Path) -> None:
    (tmp / "home").mkdir(exist_ok=True)
    with sqlite3.connect(tmp / STORE) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")


def export_file(attempts: str) -> Callable[[Path], None]:
    return file("in.json", '{"format": "chainrule-progress", "version": 1, "attempts": ' + attempts + "}")


CASES = [
    Case("store-is-a-directory", CHECK, setup=in_home(folder(STORE)), env=HOME, rc=REFUSED, stderr_match="progress store"),
    Case("store-is-a-fifo", ["progress"], setup=in_home(fifo(STORE)), env=HOME, rc=REFUSED, stderr_match="progress store"),
    Case("store-is-text", CHECK, setup=in_home(file(STORE, "hello\n")), env=HOME, rc=REFUSED, stderr_match="not an SQLite"),
    Case("store-is-foreign-sqlite", ["review"], setup=foreign_sqlite, env=HOME, rc=REFUSED, stderr_match="another program"),
    Case("store-is-empty-file", CHECK, setup=in_home(file(STORE, "")), env=HOME, rc=OK),
    Case("store-sparse-huge", CHECK, setup=in_home(sparse(STORE, 60_000_000)), env=HOME, rc=REFUSED, stderr_match="larger than"),
    Case("home-is-a-file", CHECK, setup=file("home", "x"), env=HOME, rc=REFUSED, stderr_match="progress store"),
    Case("clock-not-a-time", ["review"], env={**HOME, "CHAINRULE_NOW": "next tuesday"}, rc=REFUSED, stderr_match="CHAINRULE_NOW"),
    Case("clock-far-future", ["review"], env={**HOME, "CHAINRULE_NOW": "9999-12-31T23:59:59"}, rc=REFUSED,
         stderr_match="CHAINRULE_NOW"),
    Case("clock-year-one-with-offset", CHECK, env={**HOME, "CHAINRULE_NOW": "0001-01-01T00:00:00+05:00"}, rc=REFUSED,
         stderr_match="CHAINRULE_NOW"),
    Case("import-time-year-one-with-offset", ["progress", "--import", "{tmp}/in.json"], env=HOME, rc=REFUSED, stderr_match="'at'",
         setup=export_file('[{"uuid": "u", "type": "som", "difficulty": "exam", "at": "0001-01-01T00:00:00+05:00",'
                           ' "source": "check", "steps": []}]')),
    Case("import-time-year-9999", ["progress", "--import", "{tmp}/in.json"], env=HOME, rc=REFUSED, stderr_match="'at'",
         setup=export_file('[{"uuid": "u", "type": "som", "difficulty": "exam", "at": "9999-12-31T23:59:59Z",'
                           ' "source": "check", "steps": []}]')),
    Case("import-dev-zero", ["progress", "--import", "/dev/zero"], env=HOME, rc=REFUSED, stderr_match="--import"),
    Case("import-huge", ["progress", "--import", "{tmp}/big.json"], setup=sparse("big.json", 60_000_000), env=HOME, rc=REFUSED,
         stderr_match="--import"),
    Case("import-nested", ["progress", "--import", "{tmp}/in.json"], setup=file("in.json", "[" * 100_000 + "]" * 100_000),
         env=HOME, rc=REFUSED, stderr_match="--import"),
    Case("import-wrong-types", ["progress", "--import", "{tmp}/in.json"], env=HOME, rc=REFUSED, stderr_match="--import",
         setup=export_file('[{"uuid": 1, "type": [], "difficulty": "exam", "at": "x", "source": "check", "steps": []}]')),
    Case("import-bad-time", ["progress", "--import", "{tmp}/in.json"], env=HOME, rc=REFUSED, stderr_match="'at'",
         setup=export_file('[{"uuid": "u", "type": "som", "difficulty": "exam", "at": "yesterday", "source": "check", "steps": []}]')),
    Case("export-to-directory", ["progress", "--export", "{tmp}"], env=HOME, rc=REFUSED, stderr_match="--export"),
    Case("plot-not-png", ["progress", "--plot", "{tmp}/a.pdf"], env=HOME, rc=REFUSED, stderr_match="--plot"),
    Case("review-count-huge", ["review", "--count", "1000000"], env=HOME, rc=REFUSED, stderr_match="--count"),
    Case("review-topics-empty", ["review", "--topics", ""], env=HOME, rc=REFUSED, stderr_match="--topics"),
    Case("tries-zero", ["check", "ztest@3", "-i", "--tries", "0"], env=HOME, rc=REFUSED, stderr_match="--tries"),
    Case("tries-huge", ["practice", "ztest@3", "-i", "--tries", "99999999999"], env=HOME, rc=REFUSED, stderr_match="--tries"),
    Case("focus-unknown", ["practice", "--focus", "x" * 10_000], env=HOME, rc=REFUSED, stderr_match="--focus"),
    Case("focus-no-history", ["practice", "--focus", "mistakes"], env=HOME, rc=REFUSED, stderr_match="--focus"),
    Case("key-out-same-as-out", ["practice", "som", "--out", "{tmp}/a.md", "--key-out", "{tmp}/a.md"], env=HOME, rc=REFUSED,
         stderr_match="--key-out"),
    Case("key-out-fifo", ["practice", "som", "--key-out", "{tmp}/f.md"], setup=fifo("f.md"), env=HOME, rc=REFUSED),
    Case("interactive-review-eof", ["review", "--topics", "som", "-i"], env=HOME, stdin="", rc=OK, check_output=False),
    Case("interactive-hint-spam", ["practice", "ztest@3", "-i"], env=HOME, stdin="h\n" * 500 + "r\n" * 10, rc=OK,
         check_output=False),
]

# an export of another chainrule: a type (or a variant) this one does not know is imported as it is;
# review and the mistake drill leave it out instead of ending in a KeyError traceback
FOREIGN_ATTEMPTS = ('[{"uuid": "u1", "type": "newtype", "difficulty": "exam", "at": "2026-03-01T10:00:00Z", "source": "check",'
                    ' "steps": [{"step": "a", "status": "incorrect", "mistake": "m1", "revealed": false}]},'
                    ' {"uuid": "u2", "type": "som", "variant": "hexgrid", "difficulty": "exam", "at": "2026-03-01T11:00:00Z",'
                    ' "source": "check", "steps": [{"step": "d2.1", "status": "incorrect", "mistake": "m2", "revealed": false}]}]')


def foreign_store(tmp: Path) -> None:
    """A store holding the attempts above, imported as ``progress --import`` does."""
    from problems import progress_store, progress_transfer
    export_file(FOREIGN_ATTEMPTS)(tmp)
    (tmp / "home").mkdir(exist_ok=True)
    with progress_store.opened(tmp / STORE) as conn:
        progress_store.add(conn, progress_transfer.read(tmp / "in.json"))


LATER = {**HOME, "CHAINRULE_NOW": "2026-03-05T10:00:00"}
CASES += [
    Case("review-unknown-imported-type", ["review"], setup=foreign_store, env=LATER, rc=OK, stdout_match="newtype"),
    Case("focus-unknown-imported-type", ["practice", "--focus", "mistakes"], setup=foreign_store, env=LATER, rc=REFUSED,
         stderr_match="--focus"),
]
