"""Feedback on answers, and the answers themselves (the latest few thousand, for feedback context and
export), kept in SQLite in the data directory (one file, readable with any SQLite tool).

One rating per answer: rating an answer again replaces the earlier rating (the thumbs of a chat
message are a state, not a tally)."""

from __future__ import annotations

import csv
import io
import json
import logging
import queue
import re
import sqlite3
import threading
from collections import OrderedDict
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from advisor.model import Answer

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    answer_id TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    comment TEXT NOT NULL DEFAULT '',
    question TEXT,
    answer TEXT,
    created TEXT NOT NULL
)
"""
ANSWERS_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    answer_id TEXT NOT NULL UNIQUE,
    question TEXT NOT NULL,
    body TEXT NOT NULL,
    created TEXT NOT NULL
)
"""
log = logging.getLogger("advisor.feedback")

# Answers kept for export and feedback context; older ones are forgotten.
KEEP_ANSWERS = 5000
RECENT_IN_MEMORY = 256  # the newest answers, also held in memory
WRITE_BATCH = 200       # answers written in one transaction at most
COLUMNS = ("id", "answer_id", "rating", "comment", "question", "answer", "created")
# Control characters (but tab and line feed) can drive the terminal an export is printed to.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """A stored value as it may leave the store: no control characters."""
    return _CONTROL.sub("", value) if isinstance(value, str) else value


def csv_cell(value):
    """A value for a CSV cell: inert, and text a spreadsheet would run as a formula starts with '."""
    value = inert(value)
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


class FeedbackStore:
    def __init__(self, path: Path, keep_answers: int = KEEP_ANSWERS):
        self.path = Path(path)
        self.keep_answers = keep_answers
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        # One connection for the store's life, used under the lock from any thread: opening one per
        # call (and never closing it) cost the event loop about half its time under load.
        self._conn = sqlite3.connect(self.path, timeout=10, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")  # with WAL: no fsync per answer, never corrupt
        with self._db() as db:
            db.execute(SCHEMA)
            db.execute(ANSWERS_SCHEMA)
        # Answers are kept by a writer thread, in batches, so answering never waits on the disk; the
        # newest are also held in memory until written, so an export right after an answer finds it.
        self._pending: queue.Queue = queue.Queue()
        self._recent: OrderedDict[str, tuple[str, Answer]] = OrderedDict()
        self._recent_lock = threading.Lock()
        self._writer = threading.Thread(target=self._write_answers, name="feedback-writer", daemon=True)
        self._writer.start()

    @contextmanager
    def _db(self):
        """The connection, alone, in a transaction (committed, or rolled back on an error)."""
        with self._lock, self._conn:
            yield self._conn

    def close(self) -> None:
        """Write what is pending, then close the connection."""
        self._pending.put(None)
        self._writer.join()
        with self._lock:
            self._conn.close()

    def add(self, answer_id: str, rating: int, comment: str = "", question: str | None = None,
            answer: str | None = None) -> int:
        """Store the rating of an answer, replacing an earlier rating of it (whose comment is kept
        when this one has none)."""
        created = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self._db() as db:
            if not comment:
                earlier = db.execute("SELECT comment FROM feedback WHERE answer_id = ? ORDER BY id DESC LIMIT 1",
                                     (answer_id,)).fetchone()
                comment = earlier[0] if earlier else ""
            db.execute("DELETE FROM feedback WHERE answer_id = ?", (answer_id,))
            cursor = db.execute("INSERT INTO feedback (answer_id, rating, comment, question, answer, created) "
                                "VALUES (?, ?, ?, ?, ?, ?)", (answer_id, rating, comment, question, answer, created))
            return int(cursor.lastrowid)

    def withdraw(self, answer_id: str) -> int:
        """Forget the rating of an answer (its thumb clicked off); the number of rows removed."""
        with self._db() as db:
            return db.execute("DELETE FROM feedback WHERE answer_id = ?", (answer_id,)).rowcount

    def keep_answer(self, question: str, answer: Answer) -> None:
        """Keep an answer by its id (the newest `keep_answers` are kept): in memory now, on disk soon."""
        with self._recent_lock:
            self._recent[answer.answer_id] = (question, answer)
            self._recent.move_to_end(answer.answer_id)
            while len(self._recent) > min(self.keep_answers, RECENT_IN_MEMORY):
                self._recent.popitem(last=False)
        self._pending.put((question, answer))

    def _write_answers(self) -> None:
        while (first := self._pending.get()) is not None:
            batch = [first]
            while len(batch) < WRITE_BATCH:
                try:
                    item = self._pending.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._pending.put(None)  # stop after this batch
                    break
                batch.append(item)
            created = datetime.now(timezone.utc).isoformat(timespec="seconds")
            try:
                with self._db() as db:
                    db.executemany("INSERT OR REPLACE INTO answers (answer_id, question, body, created) "
                                   "VALUES (?, ?, ?, ?)",
                                   [(a.answer_id, q, a.model_dump_json(), created) for q, a in batch])
                    db.execute("DELETE FROM answers WHERE seq <= (SELECT max(seq) FROM answers) - ?",
                               (self.keep_answers,))
            except sqlite3.Error:
                log.exception("could not keep %d answers", len(batch))
            finally:
                for _ in batch:
                    self._pending.task_done()
        self._pending.task_done()

    def answer(self, answer_id: str) -> tuple[str, Answer] | None:
        """The question and the answer kept under `answer_id`, or None when it is unknown or forgotten."""
        with self._recent_lock:
            if answer_id in self._recent:
                return self._recent[answer_id]
        self._pending.join()  # what was answered before now is on disk
        with self._db() as db:
            row = db.execute("SELECT question, body FROM answers WHERE answer_id = ?", (answer_id,)).fetchone()
        return (row[0], Answer.model_validate_json(row[1])) if row else None

    def all(self) -> list[dict]:
        with self._db() as db:
            rows = db.execute(f"SELECT {', '.join(COLUMNS)} FROM feedback ORDER BY id").fetchall()
        return [dict(zip(COLUMNS, row)) for row in rows]

    def export(self, fmt: str) -> str:
        rows = self.all()
        if fmt == "jsonl":
            return "".join(json.dumps({k: inert(v) for k, v in r.items()}, ensure_ascii=False) + "\n" for r in rows)
        if fmt == "csv":
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows({k: csv_cell(v) for k, v in r.items()} for r in rows)
            return out.getvalue()
        raise ValueError(f"unknown export format {fmt!r}; use csv or jsonl")
