from __future__ import annotations

from pathlib import Path

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from advisor.api import blocking
from advisor.api.deps import AdminDep, AdvisorDep, StateDep
from advisor.api.errors import Problem
from advisor.api.schemas import DocumentOut, IngestReportOut, PassageOut
from advisor.errors import IngestError, NotFoundError
from ingest.parsers import PARSERS
from ingest.sources import ID_PATTERN, MAX_ID_CHARS, slug

router = APIRouter(prefix="/v1", tags=["documents"])

MAX_NAME_CHARS = 255  # a file name longer than this cannot be stored on common file systems
DocId = Annotated[str, PathParam(max_length=MAX_ID_CHARS, pattern=ID_PATTERN,
                                 description=f"A document id: a-z, 0-9 and '-', at most {MAX_ID_CHARS} characters.")]

DOC_FIELDS = ("title", "publisher", "kind", "language", "jurisdiction", "date", "url", "format", "pages")


def describe(doc_id: str, info: dict) -> dict:
    return {"id": doc_id, **{k: info.get(k) for k in DOC_FIELDS}, "passages": len(info.get("passages", []))}


@router.get("/documents", response_model=list[DocumentOut])
def list_documents(advisor: AdvisorDep) -> list[dict]:
    """Every indexed document with its metadata."""
    return [describe(d, info) for d, info in advisor.index.documents.items()]


@router.get("/documents/{doc_id}", response_model=DocumentOut, responses={404: {"model": Problem}})
def get_document(doc_id: str, advisor: AdvisorDep, include_text: bool = False) -> dict:
    """One document: metadata, its passages (id, page, section, offsets) and, on request, its source text."""
    info = advisor.index.documents.get(doc_id)
    if info is None:
        raise NotFoundError(f"no document {doc_id!r}; GET /v1/documents lists them")
    passages = [{"id": pid, "page": advisor.index.passages[pid].page, "section": advisor.index.passages[pid].section,
                 "start": advisor.index.passages[pid].start, "end": advisor.index.passages[pid].end}
                for pid in info.get("passages", []) if pid in advisor.index.passages]
    out = describe(doc_id, info) | {"passage_list": passages}
    if include_text:
        out["text"] = advisor.index.document_text(doc_id)
    return out


@router.get("/passages/{passage_id}", response_model=PassageOut, responses={404: {"model": Problem}})
def get_passage(passage_id: str, advisor: AdvisorDep) -> dict:
    """One passage with its document, and the passages before and after it (to show a citation in context)."""
    passage = advisor.index.passages.get(passage_id)
    if passage is None:
        raise NotFoundError(f"no passage {passage_id!r}; passage ids come with citations and search results")
    order = advisor.index.documents[passage.doc_id].get("passages", [])
    at = order.index(passage_id) if passage_id in order else -1
    return {"id": passage.id, "doc_id": passage.doc_id, "title": passage.title, "page": passage.page,
            "section": passage.section, "start": passage.start, "end": passage.end, "text": passage.text,
            "url": passage.url, "previous_id": order[at - 1] if at > 0 else None,
            "next_id": order[at + 1] if 0 <= at < len(order) - 1 else None}


@router.post("/documents", response_model=IngestReportOut, status_code=201,
             responses={403: {"model": Problem}, 409: {"model": Problem}, 413: {"model": Problem},
                        422: {"model": Problem}})
async def upload_document(_: AdminDep, state: StateDep, file: UploadFile = File(...),
                          doc_id: str | None = Form(None, max_length=MAX_ID_CHARS, pattern=ID_PATTERN,
                                                    description="Id for the document (default: from the file name): "
                                                    f"a-z, 0-9 and '-', at most {MAX_ID_CHARS} characters"),
                          replace: bool = Form(False, description="Replace the document with this id if there is "
                                               "one (it keeps its title and metadata); without it, such an upload "
                                               "is refused with 409")):
    """Admin: upload a PDF, HTML, Markdown or text file and ingest it (needs ADVISOR_ADMIN_API_KEY)."""
    name = Path(file.filename or "upload").name
    if len(name) > MAX_NAME_CHARS:
        raise _invalid("file", f"the file name has {len(name)} characters, more than the {MAX_NAME_CHARS} allowed; "
                       "rename the file")
    suffix = Path(name).suffix.lower()
    if suffix not in PARSERS:
        raise IngestError(name, f"unsupported file type {suffix or '(none)'!r}; supported: {', '.join(sorted(PARSERS))}")
    if doc_id is None and len(slug(Path(name).stem, limit=None)) > MAX_ID_CHARS:
        raise _invalid("file", f"the file name makes a document id longer than {MAX_ID_CHARS} characters; "
                       "rename the file, or send a shorter doc_id (a-z, 0-9 and '-')")
    data = await file.read(state.settings.max_upload_bytes + 1)
    if len(data) > state.settings.max_upload_bytes:
        raise IngestError(name, f"larger than the {state.settings.max_upload_bytes} bytes allowed "
                          "(ADVISOR_MAX_UPLOAD_BYTES)")
    from ingest.uploads import ingest_upload

    report = await blocking.run(max(state.settings.request_timeout_s, 300), ingest_upload, data,
                                doc_id or slug(Path(name).stem), suffix, state.settings, replace)
    if report.failed:
        raise IngestError(name, report.failed[0]["error"])
    state.advisors.load()
    status = 201 if report.added else 200
    return JSONResponse(report.to_dict(), status_code=status)


@router.delete("/documents/{doc_id}", response_model=IngestReportOut,
               responses={403: {"model": Problem}, 404: {"model": Problem}})
async def delete_document(doc_id: DocId, _: AdminDep, state: StateDep) -> dict:
    """Admin: remove a document and its passages from every index."""
    from ingest.pipeline import remove

    report = await blocking.run(max(state.settings.request_timeout_s, 300), remove, [doc_id], state.settings)
    if not report.removed:
        raise NotFoundError(f"no document {doc_id!r}; GET /v1/documents lists them")
    for upload in (Path(state.settings.data_dir) / "uploads").glob(f"{doc_id}.*"):
        upload.unlink(missing_ok=True)
    state.advisors.load()
    return report.to_dict()


def _invalid(field: str, message: str) -> RequestValidationError:
    """A 422 for one bad field of the form, shaped like FastAPI's own validation errors."""
    return RequestValidationError([{"type": "value_error", "loc": ("body", field), "msg": message, "input": None}])
