"""Answers kept by their id: export one for the tender file (Markdown or Word)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from advisor import export
from advisor.api.deps import StateDep
from advisor.api.errors import Problem

router = APIRouter(prefix="/v1", tags=["answers"])

EXPORTED = {"content": {"text/markdown": {"schema": {"type": "string"}},
                        export.FORMATS["docx"]: {"schema": {"type": "string", "format": "binary"}}},
            "description": "The answer as a file to download (Content-Disposition: attachment)."}


@router.get("/answers/{answer_id}/export", response_class=Response,
            responses={200: EXPORTED, 404: {"model": Problem}, 422: {"model": Problem}})
def export_answer(answer_id: Annotated[str, Path(min_length=1, max_length=64)], state: StateDep,
                  format: Annotated[Literal["md", "docx"], Query(description="md (Markdown) or docx (Word).")] = "md",
                  ) -> Response:
    """An answer given earlier (by its answer_id) with its verdict, reasons, checks, criteria with draft
    clauses and every quoted source with its document, as Markdown or as a Word document."""
    question, answer = state.kept_answer(answer_id)
    body = export.export(answer, question, format)
    name = export.filename(answer, format)
    return Response(body, media_type=export.FORMATS[format],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
