"""Ingest documents into the index: parse, chunk, and bring every index up to date.

Unchanged documents (same bytes, same chunker) are skipped; a changed document's passages are
replaced; a document gone from a folder that was ingested whole loses its passages. A file that
fails is reported and skipped alone: the rest of the batch, and its own previous version, stay.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from advisor.config import Settings
from advisor.embedders import get_embedder
from advisor.errors import IngestError
from advisor.index import FORMAT, Layout, read_manifest, read_passages, retrieval_text, write_atomic
from advisor.lexical import BM25Index
from advisor.passage import Passage, passage_id
from advisor.vectorstores import get_vector_store
from advisor.text import detect_language
from ingest.chunker import chunk_text
from ingest.isolation import parse_isolated
from ingest.parsers import Limits, parse
from ingest import versions
from ingest.sources import DocumentSpec, resolve

CHUNKER_VERSION = "structure-6"  # 3: over-long sentences cut at clause/word boundaries; 4: a line ending in a comma runs on;
# 5: an objective code is also indexed under its ambition's code (K 3.1 → k3.1, k3); 6: a passage naming no code is
# also indexed with the label of the running line that names its page ('AMBITIE S.2: …' → 'AMBITIE S.2')


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)      # {"path", "error"}
    warnings: list[dict] = field(default_factory=list)    # {"doc_id", "warning"}
    passages: int = 0
    embedded: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _passages_for(spec: DocumentSpec, settings: Settings,
                  isolate: bool = False) -> tuple[dict, str, list[Passage], list[str]]:
    parsed = (parse_isolated if isolate else parse)(spec.path, Limits.from_settings(settings))
    language = spec.language or detect_language(parsed.text[:5000])
    title = spec.title or parsed.title or spec.path.stem
    passages, seen = [], {}
    for chunk in chunk_text(parsed.text):
        text = parsed.text[chunk.start:chunk.end]
        occurrence = seen.get(text, 0)
        seen[text] = occurrence + 1
        passages.append(Passage(
            id=passage_id(spec.id, text, occurrence), doc_id=spec.id, title=title,
            start=chunk.start, end=chunk.end, text=text, index_text=chunk.index_text,
            section=chunk.section, page=parsed.page_at(chunk.start), url=spec.url, language=language))
    if not passages:
        raise IngestError(str(spec.path), "no text to index after parsing; check the file's content")
    info = spec.describe() | {"title": title, "language": language, "format": parsed.format,
                              "pages": len(parsed.page_starts) if parsed.page_starts else None,
                              "passages": [p.id for p in passages], "warnings": parsed.warnings,
                              "chunker": CHUNKER_VERSION}
    return info, parsed.text, passages, parsed.warnings


@contextmanager
def writer_lock(layout: Layout, wait_s: float = 30.0):
    """One writer at a time on a data directory; a second one waits, then fails with a clear message."""
    layout.root.mkdir(parents=True, exist_ok=True)
    with open(layout.root / ".write.lock", "w") as handle:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise IngestError(str(layout.root), "another ingest is writing to this index; wait for it "
                                      "to finish (only one writer at a time) and try again") from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ingest(paths: list[Path | DocumentSpec], settings: Settings, rebuild: bool = False) -> IngestReport:
    """Ingest files, folders or ready-made specs (an upload with the metadata it keeps)."""
    with writer_lock(Layout(settings.data_dir)):
        return _ingest(paths, settings, rebuild)


def ingest_locked(paths: list[Path | DocumentSpec], settings: Settings, isolate: bool = False) -> IngestReport:
    """`ingest` for a caller that holds the writer lock already; `isolate`: parse each file in a child
    process with memory, CPU and time limits (for files from untrusted hands: uploads)."""
    return _ingest(paths, settings, False, isolate)


def remove(doc_ids: list[str], settings: Settings) -> IngestReport:
    """Drop documents and their passages from every index (as a new version)."""
    with writer_lock(Layout(settings.data_dir)):
        started = time.perf_counter()
        _finish_killed_writer(settings)
        current = Layout(settings.data_dir)
        manifest = read_manifest(current)
        documents = manifest.get("documents", {})
        report = IngestReport()
        unknown = [d for d in doc_ids if d not in documents]
        report.failed.extend({"path": d, "error": "no such document in the index"} for d in unknown)
        gone = [d for d in doc_ids if d in documents]
        if gone:
            for doc_id in gone:
                documents.pop(doc_id)
            passages = [p for p in read_passages(current) if p.doc_id not in gone]
            report.embedded = _publish(current, manifest | {"documents": documents}, passages, {}, settings)
            report.passages = len(passages)
        report.removed = gone
        report.seconds = round(time.perf_counter() - started, 3)
        return report


def _finish_killed_writer(settings: Settings) -> None:
    """Tidy what a writer killed mid-way left: a half-built version, and old versions it published
    past but had not pruned yet (an ingest with nothing to change publishes nothing, so it would
    never prune them otherwise)."""
    versions.clean_builds(settings.data_dir)
    versions.prune(settings.data_dir)


def _ingest(paths: list[Path | DocumentSpec], settings: Settings, rebuild: bool, isolate: bool = False) -> IngestReport:
    started = time.perf_counter()
    _finish_killed_writer(settings)
    current = Layout(settings.data_dir)
    report = IngestReport()
    manifest = {"format": FORMAT, "documents": {}} if rebuild else read_manifest(current)
    documents: dict[str, dict] = manifest.get("documents", {})
    passages_by_doc: dict[str, list[Passage]] = {}
    for p in ([] if rebuild else read_passages(current)):
        passages_by_doc.setdefault(p.doc_id, []).append(p)
    new_texts: dict[str, str] = {}

    specs, folders, errors = resolve(paths)
    report.failed.extend({"path": e.path, "error": e.message} for e in errors)
    wanted = {s.id for s in specs}
    for doc_id, info in list(documents.items()):
        if doc_id not in wanted and Path(info.get("source_dir", "")) in folders:
            documents.pop(doc_id)
            passages_by_doc.pop(doc_id, None)
            report.removed.append(doc_id)

    for spec in specs:
        try:
            digest = file_sha256(spec.path)
        except OSError as exc:
            report.failed.append({"path": str(spec.path), "error": f"cannot read the file ({exc})"})
            continue
        old = documents.get(spec.id)
        if (old and old.get("sha256") == digest and old.get("chunker") == CHUNKER_VERSION
                and current.document_text_path(spec.id).is_file()):
            new_info = old | spec.describe() | {"sha256": digest,
                                               "title": spec.title or old.get("title"),
                                               "language": spec.language or old.get("language")}
            if new_info != old:  # only metadata changed: keep passages, refresh what they carry
                documents[spec.id] = new_info
                passages_by_doc[spec.id] = [Passage(**(p.to_dict() | {"title": new_info["title"], "url": spec.url}))
                                            for p in passages_by_doc.get(spec.id, [])]
                report.updated.append(spec.id)
            else:
                report.unchanged.append(spec.id)
            continue
        try:
            info, text, passages, warnings = _passages_for(spec, settings, isolate)
        except IngestError as exc:
            report.failed.append({"path": exc.path, "error": exc.message})
            continue
        except Exception as exc:  # a parser bug must not take the batch down
            report.failed.append({"path": str(spec.path), "error": f"unexpected {type(exc).__name__}: {exc}"})
            continue
        new_texts[spec.id] = text
        documents[spec.id] = info | {"sha256": digest}
        passages_by_doc[spec.id] = passages
        report.warnings.extend({"doc_id": spec.id, "warning": w} for w in warnings)
        (report.updated if old else report.added).append(spec.id)

    all_passages = [p for doc_id in documents for p in passages_by_doc.get(doc_id, [])]
    report.passages = len(all_passages)
    if (rebuild or report.changed or not current.exists() or manifest.get("embedder") != settings.embedder):
        report.embedded = _publish(None if rebuild else current, manifest | {"documents": documents},
                                   all_passages, new_texts, settings)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _publish(current: Layout | None, manifest: dict, passages: list[Passage], new_texts: dict[str, str],
             settings: Settings) -> int:
    """Write a complete new version beside the served one and switch to it. Returns the number of
    passages embedded. A writer killed before the switch leaves the served version as it was."""
    build = versions.new_build(settings.data_dir)
    try:
        for doc_id in manifest["documents"]:
            if doc_id in new_texts:
                write_atomic(build.document_text_path(doc_id), new_texts[doc_id])
            else:
                versions.carry_document(current, build, doc_id)
        embedded, stale, embedder_name = _write_indexes(build, current, passages, settings)
        write_atomic(build.manifest, json.dumps(
            {"format": FORMAT, "embedder": settings.embedder, "embedder_name": embedder_name,
             "chunker": CHUNKER_VERSION, "documents": manifest["documents"]}, ensure_ascii=False, indent=1))
        versions.publish(build)
    except BaseException:
        shutil.rmtree(build.folder, ignore_errors=True)
        raise
    if stale:  # a shared vector store: vectors of passages gone go once no version needs them
        get_vector_store(settings, build.folder, embedder_name).delete(stale)
    return embedded


def _write_indexes(build: Layout, previous: Layout | None, passages: list[Passage],
                   settings: Settings) -> tuple[int, list[str], str | None]:
    """passages.jsonl, the BM25 index and the vectors of `build`. Returns (vectors added, stale ids
    still to delete from a shared vector store, the embedder's model name)."""
    write_atomic(build.passages, "".join(json.dumps(p.to_dict(), ensure_ascii=False) + "\n" for p in passages))
    texts = [retrieval_text(p) for p in passages]
    BM25Index.build([p.id for p in passages], texts, [p.language for p in passages]).save(build.lexical)
    embedder = get_embedder(settings.embedder)
    if embedder is None:
        return 0, [], None
    store = get_vector_store(settings, build.folder, embedder.name,
                             copy_from=previous.folder if previous is not None else None)
    present = store.ids()
    wanted = {p.id for p in passages}
    stale = sorted(present - wanted)
    if stale and not store.shared:
        store.delete(stale)
    new = [(p, t) for p, t in zip(passages, texts) if p.id not in present]
    if new:
        vectors = np.vstack([embedder.embed([t for _, t in new[i:i + 64]]) for i in range(0, len(new), 64)])
        store.upsert([p.id for p, _ in new], vectors,
                     [{"doc_id": p.doc_id, "page": p.page or 0} for p, _ in new])
    if not store.shared:
        store.close()
    return len(new), (stale if store.shared else []), embedder.name
