from __future__ import annotations

import json

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from advisor.api.deps import AdvisorDep, StateDep, WorkDep
from advisor.api.errors import Problem, problem_for
from advisor.api.schemas import AskRequest, SearchRequest, SearchResponse, sse_content
from advisor.model import Answer

router = APIRouter(prefix="/v1", tags=["ask"])

STREAM_DOC = ("With `\"stream\": true` the answer comes as Server-Sent Events: `event: delta` with "
              "`{\"text\": …}` for each part of the answer, then one `event: final` whose data is the whole "
              "answer object (citations, verdict, criteria, intake). An error mid-stream is an `event: error` "
              "with a problem document.")
EVENTS = sse_content(["delta", "final", "error"],
                     "JSON: {\"text\": …} for delta, the Answer for final, a problem document for error.")


def sse(event: str, data: dict) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.post("/ask", response_model=Answer, description=STREAM_DOC,
             responses={200: {"content": EVENTS}, 413: {"model": Problem}, 422: {"model": Problem},
                        429: {"model": Problem}, 503: {"model": Problem}, 504: {"model": Problem}})
async def ask(body: AskRequest, advisor: AdvisorDep, state: StateDep, work: WorkDep):
    """Answer a question with numbered citations to verbatim passages (or a refusal)."""
    history = [m.model_dump() for m in body.history]
    explicit = body.intake.model_dump(exclude_none=True) if body.intake else None
    timeout = state.settings.answer_timeout_s
    if not body.stream:
        answer = await work.run(timeout, advisor.ask, body.question, history, explicit or None)
        state.remember(body.question, answer)
        return answer
    advisor.validate(body.question)  # bad input fails before the stream starts
    work.check()  # and so does a client over its share of the queue

    async def events():
        try:
            async for kind, item in work.iterate(timeout, advisor.ask_stream(body.question, history,
                                                                             explicit or None)):
                if kind == "delta":
                    yield sse("delta", {"text": item})
                else:
                    state.remember(body.question, item)
                    yield sse("final", item.model_dump(mode="json"))
        except Exception as exc:  # the status line is gone: report in-band, without internals
            yield sse("error", problem_for(exc).body())

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@router.post("/search", response_model=SearchResponse,
             responses={422: {"model": Problem}, 429: {"model": Problem}, 504: {"model": Problem}})
async def search(body: SearchRequest, advisor: AdvisorDep, state: StateDep, work: WorkDep) -> SearchResponse:
    """The passages retrieval finds for a query, best first, with their scores."""
    hits = await work.run(state.settings.request_timeout_s, advisor.search, body.query, body.k)
    return SearchResponse(query=body.query, passages=[h.public() for h in hits])
