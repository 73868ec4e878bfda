"""Feedback on answers, kept in SQLite in the data directory (one file, readable with any SQLite tool)."""

from __future__ import annotations

import csv
import io
import json
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
            return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        if fmt == "csv":
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
            return out.getvalue()
        raise ValueError(f"unknown export format {fmt!r}; use csv or jsonl")
