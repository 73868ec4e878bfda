"""Feedback on answers, and the answers themselves (the latest few thousand, for feedback context and
export), kept in SQLite in the data directory (one file, readable with any SQLite tool).

One rating per answer: rating an answer again replaces the earlier rating (the thumbs of a chat
message are a state, not a tally)."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import threading
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
# Answers kept for export and feedback context; older ones are forgotten.
KEEP_ANSWERS = 5000
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

    @contextmanager
    def _db(self):
        """The connection, alone, in a transaction (committed, or rolled back on an error)."""
        with self._lock, self._conn:
            yield self._conn

    def close(self) -> None:
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
        """Keep an answer by its id (the newest `keep_answers` are kept)."""
        created = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self._db() as db:
            db.execute("INSERT OR REPLACE INTO answers (answer_id, question, body, created) VALUES (?, ?, ?, ?)",
                       (answer.answer_id, question, answer.model_dump_json(), created))
            db.execute("DELETE FROM answers WHERE seq <= (SELECT max(seq) FROM answers) - ?", (self.keep_answers,))

    def answer(self, answer_id: str) -> tuple[str, Answer] | None:
        """The question and the answer kept under `answer_id`, or None when it is unknown or forgotten."""
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
