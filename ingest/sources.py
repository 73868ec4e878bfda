"""Which documents an ingest covers: a corpus manifest, a folder of files, or single files."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from advisor.errors import IngestError
from ingest.parsers import PARSERS

MANIFEST_NAMES = ("manifest.toml",)
MANIFEST_KEYS = {"id", "title", "publisher", "kind", "language", "jurisdiction", "date", "url", "file"}


@dataclass(frozen=True)
class DocumentSpec:
    id: str
    path: Path
    source_dir: Path          # the folder this document was ingested through (for removals)
    title: str | None = None
    publisher: str | None = None
    kind: str | None = None
    language: str | None = None
    jurisdiction: str | None = None
    date: str | None = None
    url: str | None = None

    def describe(self) -> dict:
        return {"title": self.title, "publisher": self.publisher, "kind": self.kind,
                "language": self.language, "jurisdiction": self.jurisdiction, "date": self.date,
                "url": self.url, "file": str(self.path), "source_dir": str(self.source_dir)}


MAX_ID_CHARS = 80
ID_PATTERN = rf"^[a-z0-9][a-z0-9-]{{0,{MAX_ID_CHARS - 1}}}$"  # what slug() makes: a valid document id


def slug(name: str, limit: int | None = MAX_ID_CHARS) -> str:
    """A document id from a file name (or an id given with an upload): lower case, a-z, 0-9 and '-',
    at most `limit` characters (None: the whole name, to check whether it fits)."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:limit] or "document"


def _from_manifest(manifest: Path) -> list[DocumentSpec]:
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise IngestError(str(manifest), f"invalid TOML ({exc}); fix the manifest") from None
    specs = []
    for n, entry in enumerate(data.get("documents", []), start=1):
        unknown = set(entry) - MANIFEST_KEYS
        missing = {"id", "file"} - set(entry)
        if unknown or missing:
            raise IngestError(str(manifest), f"document #{n}: "
                              + (f"unknown keys {sorted(unknown)} " if unknown else "")
                              + (f"missing keys {sorted(missing)} " if missing else "")
                              + f"(allowed: {', '.join(sorted(MANIFEST_KEYS))})")
        fields = {k: v for k, v in entry.items() if k != "file"}
        specs.append(DocumentSpec(path=(manifest.parent / entry["file"]).resolve(),
                                  source_dir=manifest.parent.resolve(), **fields))
    return specs


def resolve(paths: list[Path | DocumentSpec]) -> tuple[list[DocumentSpec], list[Path], list[IngestError]]:
    """Specs for every document under `paths` (a spec stands for itself), the folders covered whole,
    and per-path errors."""
    specs: list[DocumentSpec] = []
    folders: list[Path] = []
    errors: list[IngestError] = []
    for path in paths:
        if isinstance(path, DocumentSpec):
            specs.append(path)
            continue
        path = Path(path).expanduser()
        if path.is_dir():
            manifest = next((path / n for n in MANIFEST_NAMES if (path / n).is_file()), None)
            try:
                if manifest:
                    specs.extend(_from_manifest(manifest))
                else:
                    specs.extend(DocumentSpec(id=slug(f.stem), path=f.resolve(), source_dir=path.resolve())
                                 for f in sorted(path.iterdir())
                                 if f.is_file() and f.suffix.lower() in PARSERS)
                folders.append(path.resolve())
            except IngestError as exc:
                errors.append(exc)
        elif path.is_file():
            specs.append(DocumentSpec(id=slug(path.stem), path=path.resolve(), source_dir=path.parent.resolve()))
        else:
            errors.append(IngestError(str(path), "no such file or folder"))
    seen: dict[str, Path] = {}
    unique = []
    for spec in specs:
        if spec.id in seen:
            errors.append(IngestError(str(spec.path), f"document id {spec.id!r} is already used by "
                                      f"{seen[spec.id]}; rename the file or give it another id"))
            continue
        seen[spec.id] = spec.path
        unique.append(spec)
    return unique, folders, errors
