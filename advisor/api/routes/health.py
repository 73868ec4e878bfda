from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from advisor.api import telemetry
from advisor.api.deps import StateDep, WorkDep
from advisor.api.schemas import Health, NotReady, Ready

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz(state: StateDep) -> Health:
    """Live: the process answers. Says whether the index is loaded and how big it is, and the chat page's state."""
    try:
        advisor = state.advisors.get()
    except Exception:
        return Health(index_loaded=False, page=state.page_status)
    return Health(index_loaded=True, passages=len(advisor.index.passages), documents=len(advisor.index.documents),
                  page=state.page_status)


@router.get("/readyz", response_model=Ready, responses={503: {"model": NotReady, "description": "not ready"}})
async def readyz(state: StateDep, work: WorkDep):
    """Ready to answer: the index is loaded and a probe query finds a passage. The chat page is not
    waited for (it is built after start-up); `page` says whether it is ready yet."""
    try:
        advisor = state.advisors.get()
        hits = await work.run(5.0, advisor.search, "sociale economie aankopen", 1)
    except Exception as exc:
        return JSONResponse(NotReady(detail=str(exc)).model_dump(), status_code=503)
    if not hits:
        return JSONResponse(NotReady(detail="the probe query found nothing").model_dump(), status_code=503)
    return Ready(passages=len(advisor.index.passages), page=state.page_status)


@router.get("/metrics", response_class=Response,
            responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}},
                             "description": "Prometheus text exposition format."}})
def metrics():
    """Prometheus metrics: requests, latency per route and per answer stage, refusals, errors."""
    body, content_type = telemetry.render()
    return Response(body, media_type=content_type)
