from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from advisor.api import blocking, telemetry
from advisor.api.deps import StateDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(state: StateDep):
    """Live: the process answers. Says whether the index is loaded and how big it is."""
    try:
        advisor = state.advisors.get()
    except Exception:
        return {"status": "ok", "index_loaded": False}
    return {"status": "ok", "index_loaded": True, "passages": len(advisor.index.passages),
            "documents": len(advisor.index.documents)}


@router.get("/readyz", responses={503: {"description": "not ready"}})
async def readyz(state: StateDep):
    """Ready: the index is loaded and a probe query finds a passage."""
    try:
        advisor = state.advisors.get()
        hits = await blocking.run(5.0, advisor.search, "sociale economie aankopen", 1)
    except Exception as exc:
        return JSONResponse({"status": "not ready", "detail": str(exc)}, status_code=503)
    if not hits:
        return JSONResponse({"status": "not ready", "detail": "the probe query found nothing"}, status_code=503)
    return {"status": "ready", "passages": len(advisor.index.passages)}


@router.get("/metrics", response_class=Response)
def metrics():
    """Prometheus metrics: requests, latency per route and per answer stage, refusals, errors."""
    body, content_type = telemetry.render()
    return Response(body, media_type=content_type)
