from __future__ import annotations

import json

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from advisor.api import blocking, telemetry
from advisor.api.deps import AdvisorDep, StateDep
from advisor.api.schemas import AskRequest, AskResponse, Problem, SearchRequest, SearchResponse

router = APIRouter(prefix="/v1", tags=["ask"])

STREAM_DOC = ("With `\"stream\": true` the answer comes as Server-Sent Events: `event: delta` with "
              "`{\"text\": …}` for each part of the answer, then one `event: final` whose data is the whole "
              "answer object (citations, verdict, criteria, intake). An error mid-stream is an `event: error` "
              "with a problem document.")


def sse(event: str, data) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.post("/ask", response_model=AskResponse, description=STREAM_DOC,
             responses={200: {"content": {"text/event-stream": {}}}, 413: {"model": Problem},
                        422: {"model": Problem}, 429: {"model": Problem}, 503: {"model": Problem},
                        504: {"model": Problem}})
async def ask(body: AskRequest, advisor: AdvisorDep, state: StateDep):
    """Answer a question with numbered citations to verbatim passages (or a refusal)."""
    history = [m.model_dump() for m in body.history]
    explicit = body.intake.model_dump(exclude_none=True) if body.intake else None
    timeout = state.settings.answer_timeout_s
    if not body.stream:
        result = (await blocking.run(timeout, advisor.ask, body.question, history, explicit or None)).to_dict()
        remember(state, body.question, result)
        return result
    advisor.validate(body.question)  # bad input fails before the stream starts

    async def events():
        try:
            async for kind, item in blocking.iterate(timeout, advisor.ask_stream(body.question, history,
                                                                                explicit or None)):
                if kind == "delta":
                    yield sse("delta", {"text": item})
                else:
                    result = item.to_dict()
                    remember(state, body.question, result)
                    yield sse("final", result)
        except Exception as exc:  # the status line is gone: report in-band, without internals
            from advisor.api.main import problem_body

            yield sse("error", problem_body(exc))

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def remember(state, question: str, result: dict) -> None:
    state.answers.put(result["answer_id"], question, result["answer"])
    telemetry.observe_answer(result)


@router.post("/search", response_model=SearchResponse, responses={422: {"model": Problem}})
async def search(body: SearchRequest, advisor: AdvisorDep, state: StateDep) -> dict:
    """The passages retrieval finds for a query, best first, with their scores."""
    hits = await blocking.run(state.settings.request_timeout_s, advisor.search, body.query, body.k)
    return {"query": body.query, "passages": [h.to_dict() for h in hits]}
