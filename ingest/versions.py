"""Index versions, write side: build a version beside the served one, publish it atomically,
keep a few for rollback, back them up and restore them.

Only a writer (holding ingest.pipeline.writer_lock) calls these. A version, once published, is
never changed again; readers pin the version they loaded and reload when CURRENT names another.
"""

from __future__ import annotations

import os
import re
import shutil
import tarfile
import time
from pathlib import Path

from advisor.config import Settings
from advisor.errors import IngestError
from advisor.index import CURRENT, Layout, check, current_version, write_atomic

BUILD_PREFIX = ".build-"
KEEP = 3  # the served version and two before it: readers still on an older one finish, and rollback has a target
LEGACY = ("manifest.json", "passages.jsonl", "documents", "lexical", "chroma")
_NAME = re.compile(r"^v(\d{6})-")


def published(root: Path) -> list[str]:
    """Published versions, oldest first."""
    folder = Path(root) / "versions"
    if not folder.is_dir():
        return []
    return sorted((p.name for p in folder.iterdir() if p.is_dir() and _NAME.match(p.name)),
                  key=lambda name: int(_NAME.match(name).group(1)))


def new_build(root: Path) -> Layout:
    """An empty folder for the next version, outside what readers look at."""
    root = Path(root)
    names = published(root)
    number = int(_NAME.match(names[-1]).group(1)) + 1 if names else 1
    name = f"v{number:06d}-{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}"
    folder = root / "versions" / f"{BUILD_PREFIX}{name}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return Layout(root, folder=folder)


def carry_document(source: Layout, build: Layout, doc_id: str) -> None:
    """Put an unchanged document's text in the new version: a hard link (versions never change
    their files), or a copy where links are not possible."""
    target = build.document_text_path(doc_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source.document_text_path(doc_id), target)
    except OSError:
        shutil.copy2(source.document_text_path(doc_id), target)


def _sync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())


def publish(build: Layout) -> str:
    """Make a built version the served one. Until CURRENT is replaced, readers see the old one."""
    root = build.root
    name = build.folder.name.removeprefix(BUILD_PREFIX)
    _sync_tree(build.folder)
    final = root / "versions" / name
    os.replace(build.folder, final)
    write_atomic(root / CURRENT, name + "\n", durable=True)
    _drop_legacy(root)
    prune(root)
    return name


def switch(root: Path, name: str) -> None:
    """Serve an already published version (rollback, restore)."""
    if name not in published(root):
        raise IngestError(str(root), f"no version {name!r}; 'advisor index versions' lists them")
    write_atomic(Path(root) / CURRENT, name + "\n", durable=True)


def prune(root: Path, keep: int = KEEP) -> list[str]:
    """Remove versions beyond the newest `keep`, never the served one."""
    current = current_version(root)
    names = published(root)
    gone = [n for n in names[:-keep] if n != current] if len(names) > keep else []
    for name in gone:
        shutil.rmtree(Path(root) / "versions" / name, ignore_errors=True)
    return gone


def clean_builds(root: Path) -> list[str]:
    """Remove half-built versions a killed writer left behind."""
    folder = Path(root) / "versions"
    if not folder.is_dir():
        return []
    left = [p for p in folder.iterdir() if p.name.startswith(BUILD_PREFIX)]
    for path in left:
        shutil.rmtree(path, ignore_errors=True)
    return [p.name for p in left]


def _drop_legacy(root: Path) -> None:
    """After the first versioned publish, the index files an older release kept in the data
    directory itself are no longer read."""
    for name in LEGACY:
        path = Path(root) / name
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.exists():
            path.unlink()


def backup(root: Path, target: Path) -> Path:
    """Write the served version (and the feedback database) to a .tar.gz file."""
    import sqlite3
    import tempfile

    layout = Layout(root)
    if not layout.exists():
        raise IngestError(str(root), "no index to back up; run 'advisor ingest' first")
    target = Path(target)
    if target.is_dir() or not target.name.endswith((".tar.gz", ".tgz")):  # a folder, made when missing
        target = target / f"advisor-index-{layout.version or 'legacy'}.tar.gz"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(partial, "w:gz") as tar:
        for name in LEGACY:  # the parts of an index, wherever it lies (a version or an older data dir)
            if (layout.folder / name).exists():
                tar.add(layout.folder / name, arcname=f"index/{name}")
        feedback = Path(root) / "feedback.sqlite3"
        if feedback.is_file():  # the sqlite backup API gives a consistent copy while the server writes
            copy = Path(tmp) / "feedback.sqlite3"
            with sqlite3.connect(feedback) as source, sqlite3.connect(copy) as dest:
                source.backup(dest)
            tar.add(copy, arcname="feedback.sqlite3")
    os.replace(partial, target)
    return target


def restore(root: Path, archive: Path, settings: Settings | None = None) -> str:
    """Publish the index in a backup as a new version, after checking it; the served version
    stays until the restored one has passed the check."""
    archive = Path(archive)
    if not archive.is_file():
        raise IngestError(str(archive), "no such backup file; 'advisor index backup PATH' writes one")
    build = new_build(root)
    staging = build.folder.with_name(build.folder.name + ".x")
    try:
        with tarfile.open(archive, "r:*") as tar:
            members = [m for m in tar.getmembers() if m.name.startswith("index/")]
            if not members:
                raise IngestError(str(archive), "not an advisor index backup (no 'index/' folder inside)")
            tar.extractall(staging, members=members, filter="data")
            feedback = [m for m in tar.getmembers() if m.name == "feedback.sqlite3"]
            if feedback and not (Path(root) / "feedback.sqlite3").exists():
                tar.extractall(root, members=feedback, filter="data")
        build.folder.rmdir()
        os.replace(staging / "index", build.folder)
        problems = check(Layout(root, folder=build.folder), settings)
        if problems:
            raise IngestError(str(archive), "the backup does not hold a sound index: " + "; ".join(problems))
        return publish(build)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise IngestError(str(archive), f"cannot read the backup ({exc})") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(build.folder, ignore_errors=True)  # gone already when published
