"""Documents uploaded through the admin API, kept in <data dir>/uploads/ as <id><suffix>.

An upload never replaces an existing document (bundled or uploaded, whatever its file's extension)
unless the caller says so, and a replacement keeps the document's metadata. The file is written
beside its final place and renamed into it under the writer lock, so a crash leaves at most a
stray temporary file, which the next start-up removes with any other file no document refers to.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from advisor.config import Settings
from advisor.errors import DocumentExists, IngestError
from advisor.index import Layout, read_manifest
from ingest import pipeline
from ingest.sources import DocumentSpec

log = logging.getLogger("advisor.ingest")

KEPT_METADATA = ("title", "publisher", "kind", "language", "jurisdiction", "date", "url")
INCOMING, REPLACED = ".incoming-", ".replaced-"


def uploads_dir(settings: Settings) -> Path:
    return Path(settings.data_dir) / "uploads"


def _write_new(path: Path, data: bytes) -> None:
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def ingest_upload(data: bytes, doc_id: str, suffix: str, settings: Settings,
                  replace: bool = False) -> pipeline.IngestReport:
    """Ingest `data` as document `doc_id`. Raises DocumentExists when the id is taken and `replace`
    is not set; a replaced document keeps its title, publisher and the rest of its metadata."""
    folder = uploads_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{doc_id}{suffix}"
    token = secrets.token_hex(4)
    with pipeline.writer_lock(Layout(settings.data_dir)):
        old = read_manifest(Layout(settings.data_dir)).get("documents", {}).get(doc_id)
        if old and not replace:
            raise DocumentExists(f"a document with id {doc_id!r} exists already ({old.get('title') or 'untitled'}, "
                                 f"from {Path(old.get('file') or '?').name}); send replace=true to replace it "
                                 "(it keeps its title and metadata), or another doc_id to add a new document")
        incoming = folder / f"{INCOMING}{token}-{target.name}"
        _write_new(incoming, data)
        backup = folder / f"{REPLACED}{token}-{target.name}"
        if target.exists():
            os.replace(target, backup)
        os.replace(incoming, target)
        kept = {k: old.get(k) for k in KEPT_METADATA} if old else {}
        spec = DocumentSpec(id=doc_id, path=target.resolve(), source_dir=folder.resolve(), **kept)
        try:
            report = pipeline.ingest_locked([spec], settings, isolate=True)
        except BaseException:
            _restore(target, backup)
            raise
        if report.failed:
            _restore(target, backup)
            return report
        backup.unlink(missing_ok=True)
        for other in folder.glob(f"{doc_id}.*"):  # the same document's file under another extension
            if other.name != target.name and other.stem == doc_id:
                other.unlink(missing_ok=True)
        return report


def _restore(target: Path, backup: Path) -> None:
    if backup.exists():
        os.replace(backup, target)
    else:
        target.unlink(missing_ok=True)


def clean_uploads(settings: Settings) -> list[str]:
    """Remove upload files no served document refers to (left by a crash mid-upload); a file an
    interrupted replacement set aside goes back in place when the served version still has it.
    Skipped, with a log line, while another writer holds the lock. Returns the names removed."""
    folder = uploads_dir(settings)
    layout = Layout(settings.data_dir)
    if not folder.is_dir() or not layout.exists():  # no served version to tell what is orphaned
        return []
    try:
        with pipeline.writer_lock(layout, wait_s=0):
            documents = read_manifest(layout).get("documents", {})
            served = {Path(info.get("file") or "").name: info.get("sha256") for info in documents.values()}
            for backup in folder.glob(f"{REPLACED}*"):
                original = backup.name[len(REPLACED):].split("-", 1)[-1]
                if original in served and pipeline.file_sha256(backup) == served[original]:
                    os.replace(backup, folder / original)
            removed = []
            for path in folder.iterdir():
                if path.is_file() and path.name not in served:
                    path.unlink(missing_ok=True)
                    removed.append(path.name)
    except IngestError:
        log.info("upload clean-up skipped: another writer holds the lock")
        return []
    if removed:
        log.warning("removed %d upload file(s) no document refers to: %s", len(removed), ", ".join(sorted(removed)))
    return removed
