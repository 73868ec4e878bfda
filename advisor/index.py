"""The index on disk, read side: manifest, passages, source texts, lexical and vector indexes.

The data directory holds immutable index versions and a pointer to the one being served:
  CURRENT                      the name of the served version (replaced atomically)
  versions/<name>/             one complete index:
      manifest.json            documents, their hashes and passage ids, the embedder used
      passages.jsonl           one Passage per line
      documents/<id>.txt       each document's source text (what citations quote)
      lexical/                 the BM25 index (JSON + .npy)
      chroma/                  the embedded vector store (advisor.vectorstores), when there are vectors
  versions/.build-*/           a version being written (never read; removed by the next writer)
  feedback.sqlite3, .write.lock, uploads/

A writer builds a new version beside the served one and then replaces CURRENT, so a reader sees
either the old index or the new one, never half of one — also when the writer is killed. An index
written before versions existed (the files directly in the data directory) is still read.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from advisor.config import Settings, get_settings
from advisor.errors import AdvisorError, IndexNotFoundError
from advisor.lexical import BM25Index
from advisor.passage import Passage

FORMAT = 1


VERSIONS = "versions"
CURRENT = "CURRENT"


def current_version(data_dir: Path) -> str | None:
    """The name of the served version, or None when there is none (or only a pre-version index)."""
    try:
        name = (Path(data_dir) / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return name or None


def index_stamp(data_dir: Path) -> str | None:
    """What changes when another index is published: the served version's name (or, for an index
    from before versions, its manifest's modification time). None when there is no index."""
    version = current_version(data_dir)
    if version:
        return version
    try:
        return f"mtime:{(Path(data_dir) / 'manifest.json').stat().st_mtime_ns}"
    except OSError:
        return None


class Layout:
    """Paths of one index version. `Layout(data_dir)` is the served version; `Layout(data_dir,
    folder=...)` any folder laid out as a version (one being built, a restored backup)."""

    def __init__(self, data_dir: Path, folder: Path | None = None):
        self.root = Path(data_dir)
        self.versions = self.root / VERSIONS
        self.current_file = self.root / CURRENT
        if folder is None:
            self.version = current_version(self.root)
            folder = self.versions / self.version if self.version else self.root
        else:
            self.version = Path(folder).name
        self.folder = Path(folder)
        self.manifest = self.folder / "manifest.json"
        self.passages = self.folder / "passages.jsonl"
        self.documents = self.folder / "documents"
        self.lexical = self.folder / "lexical"

    def exists(self) -> bool:
        return self.manifest.is_file() and self.passages.is_file()

    def document_text_path(self, doc_id: str) -> Path:
        return self.documents / f"{doc_id}.txt"


def write_atomic(path: Path, text: str, durable: bool = False) -> None:
    """Write through a temporary file and rename, so a reader never sees half a file. `durable`
    also flushes the file to disk first (for the pointers whose loss would lose an index)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            if durable:
                f.flush()
                os.fsync(f.fileno())
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


def check(layout: Layout, settings: Settings | None = None, deep: bool = True) -> list[str]:
    """Problems found in an index version; an empty list means it is sound.

    Counts must match the manifest in every part (passages, document texts, lexical index, vector
    store) and a probe query must find a passage. `deep` also checks that every passage's text is
    the exact slice of its document's text that it claims to be (what makes quotes verbatim).
    `settings` name the vector store (default: the environment's).
    """
    if not layout.exists():
        return [f"no index in {layout.folder}"]
    problems: list[str] = []
    try:
        manifest = read_manifest(layout)
        passages = read_passages(layout)
    except (ValueError, KeyError, TypeError) as exc:
        return [f"manifest or passages unreadable ({type(exc).__name__}: {exc})"]
    if manifest.get("format") != FORMAT:
        problems.append(f"index format {manifest.get('format')!r}, this version reads {FORMAT}")
    documents = manifest.get("documents", {})
    listed = [pid for info in documents.values() for pid in info.get("passages", [])]
    ids = [p.id for p in passages]
    if len(set(ids)) != len(ids):
        problems.append(f"passages.jsonl repeats {len(ids) - len(set(ids))} passage ids")
    if set(listed) != set(ids):
        problems.append(f"the manifest lists {len(set(listed))} passages, passages.jsonl holds {len(set(ids))}")
    for doc_id in documents:
        path = layout.document_text_path(doc_id)
        if not path.is_file():
            problems.append(f"document text missing: {path.name}")
        elif deep:
            text = path.read_text(encoding="utf-8")
            bad = [p.id for p in passages if p.doc_id == doc_id and text[p.start:p.end] != p.text]
            if bad:
                problems.append(f"{len(bad)} passages of {doc_id} differ from its text (first: {bad[0]})")
    try:
        lexical = BM25Index.load(layout.lexical)
    except (AdvisorError, OSError, ValueError) as exc:
        problems.append(f"lexical index unreadable ({exc})")
    else:
        if list(lexical.ids) != ids:
            problems.append(f"the lexical index holds {len(lexical.ids)} passages, passages.jsonl {len(ids)}")
        elif passages:
            probe = max(passages[0].index_text.split(), key=len)
            if not lexical.search(probe, 5, passages[0].language):
                problems.append(f"a probe query ({probe!r}) found nothing in the lexical index")
    if manifest.get("embedder", "none") != "none":
        problems.extend(_check_vectors(layout, manifest, set(ids), settings or get_settings()))
    return problems


def _check_vectors(layout: Layout, manifest: dict, ids: set[str], settings: Settings) -> list[str]:
    from advisor.vectorstores import get_vector_store

    name = manifest.get("embedder_name")
    if not name:
        return ["the manifest does not name the embedder's model (written by an older version); "
                "run 'advisor ingest --rebuild'"]
    try:
        store = get_vector_store(settings, layout.folder, name)
        present = store.ids()
    except Exception as exc:  # stores raise their own error types
        return [f"vector store unreadable ({type(exc).__name__}: {exc})"]
    missing = ids - present
    if missing:
        return [f"{len(missing)} of {len(ids)} passages have no vector"]
    if not store.shared and present - ids:
        return [f"the vector store holds {len(present - ids)} vectors of passages not in the index"]
    return []


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
        self._ordered = list(self.passages.values())  # in document order, as ingest wrote them
        self.lexical = BM25Index.load(self.layout.lexical)
        self._texts: dict[str, str] = {}

    @property
    def documents(self) -> dict[str, dict]:
        return self.manifest["documents"]

    def publisher(self, doc_id: str) -> str:
        """Who published a document, as its manifest says ('' when it does not)."""
        return (self.documents.get(doc_id) or {}).get("publisher") or ""

    def following(self, passage: Passage) -> Passage | None:
        """The passage after `passage` in its document, or None at the document's end."""
        order = self._ordered
        at = self.position.get(passage.id)
        nxt = order[at + 1] if at is not None and at + 1 < len(order) else None
        return nxt if nxt is not None and nxt.doc_id == passage.doc_id else None

    def preceding(self, passage: Passage) -> Passage | None:
        """The passage before `passage` in its document, or None at the document's start."""
        at = self.position.get(passage.id)
        prev = self._ordered[at - 1] if at else None
        return prev if prev is not None and prev.doc_id == passage.doc_id else None

    def document_text(self, doc_id: str) -> str:
        if doc_id not in self._texts:
            with self.layout.document_text_path(doc_id).open(encoding="utf-8", newline="") as f:
                self._texts[doc_id] = f.read()
        return self._texts[doc_id]
