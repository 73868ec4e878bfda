from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(request: Request):
    """200 once the index is loaded, 503 before."""
    advisor = getattr(request.app.state, "advisor", None)
    if advisor is None:
        return JSONResponse({"status": "starting"}, status_code=503)
    return {"status": "ok", "passages": len(advisor.index.passages),
            "documents": len(advisor.index.documents)}
