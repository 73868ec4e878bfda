"""The index on disk, read side: manifest, passages, source texts, lexical and vector indexes.

Layout of the data directory (all readable files):
  manifest.json        documents, their hashes and passage ids, the embedder used
  passages.jsonl       one Passage per line
  documents/<id>.txt   each document's source text (what citations quote)
  lexical/             the BM25 index (JSON + .npy)
  chroma/              the embedded Chroma database
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from advisor.errors import IndexNotFoundError
from advisor.lexical import BM25Index
from advisor.passage import Passage

FORMAT = 1


class Layout:
    def __init__(self, data_dir: Path):
        self.root = Path(data_dir)
        self.manifest = self.root / "manifest.json"
        self.passages = self.root / "passages.jsonl"
        self.documents = self.root / "documents"
        self.lexical = self.root / "lexical"
        self.chroma = self.root / "chroma"

    def exists(self) -> bool:
        return self.manifest.is_file() and self.passages.is_file()

    def document_text_path(self, doc_id: str) -> Path:
        return self.documents / f"{doc_id}.txt"


def write_atomic(path: Path, text: str) -> None:
    """Write through a temporary file and rename, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_manifest(layout: Layout) -> dict:
    if not layout.manifest.is_file():
        return {"format": FORMAT, "documents": {}}
    return json.loads(layout.manifest.read_text(encoding="utf-8"))


def read_passages(layout: Layout) -> list[Passage]:
    if not layout.passages.is_file():
        return []
    with layout.passages.open(encoding="utf-8") as f:
        return [Passage.from_dict(json.loads(line)) for line in f if line.strip()]


def retrieval_text(passage: Passage) -> str:
    """What retrievers see: the section path gives each chunk its context."""
    return f"{passage.section}\n{passage.index_text}" if passage.section else passage.index_text


class Index:
    """A loaded index, ready to search."""

    def __init__(self, data_dir: Path):
        self.layout = Layout(data_dir)
        if not self.layout.exists():
            raise IndexNotFoundError(
                f"no index in {self.layout.root.resolve()}; run 'advisor ingest' (or 'advisor serve', "
                "which ingests the bundled corpus) first, or point ADVISOR_DATA_DIR at an index")
        self.manifest = read_manifest(self.layout)
        self.passages = {p.id: p for p in read_passages(self.layout)}
        self.position = {pid: i for i, pid in enumerate(self.passages)}
        self.lexical = BM25Index.load(self.layout.lexical)
        self._texts: dict[str, str] = {}

    @property
    def documents(self) -> dict[str, dict]:
        return self.manifest["documents"]

    def document_text(self, doc_id: str) -> str:
        if doc_id not in self._texts:
            with self.layout.document_text_path(doc_id).open(encoding="utf-8", newline="") as f:
                self._texts[doc_id] = f.read()
        return self._texts[doc_id]
