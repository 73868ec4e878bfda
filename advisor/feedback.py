"""Feedback on answers, kept in SQLite in the data directory (one file, readable with any SQLite tool)."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path

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
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as db:
            db.execute(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def add(self, answer_id: str, rating: int, comment: str = "", question: str | None = None,
            answer: str | None = None) -> int:
        created = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self._lock, self._connect() as db:
            cursor = db.execute("INSERT INTO feedback (answer_id, rating, comment, question, answer, created) "
                                "VALUES (?, ?, ?, ?, ?, ?)", (answer_id, rating, comment, question, answer, created))
            return int(cursor.lastrowid)

    def all(self) -> list[dict]:
        with self._connect() as db:
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
