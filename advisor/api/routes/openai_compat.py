"""OpenAI-compatible chat completions, so existing chat clients and SDKs work unchanged.

The answer text carries its [n] markers and a list of sources; the structured answer (citations,
verdict, criteria, intake) rides in the extra field `advisor` of the response (and of the last
chunk when streaming)."""

from __future__ import annotations

import json
import time

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from advisor.api import blocking
from advisor.api.deps import AdvisorDep, StateDep
from advisor.api.routes.ask import remember
from advisor.api.schemas import ChatRequest, Problem
from advisor.errors import InvalidQuestionError
from advisor.phrases import render

router = APIRouter(prefix="/v1", tags=["openai-compatible"])
MODEL_ID = "social-procurement-advisor"


def _text(content) -> str:
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content or ""


def _sources(result: dict) -> str:
    if not result["citations"]:
        return ""
    head = render("answer", result["language"], "sources")
    lines = [f"[{c['n']}] {c['title']}" + (f", p. {c['page']}" if c["page"] else "")
             + (f" — {c['section']}" if c["section"] else "") + f": “{' '.join(c['quote'].split())}”"
             for c in result["citations"]]
    return f"\n\n{head}\n" + "\n".join(lines)


def _extra(result: dict) -> dict:
    keys = ("answer_id", "generator", "fallback_reason", "language", "refused", "citations", "verdict", "criteria",
            "intake", "timings_ms")
    return {k: result[k] for k in keys}


@router.get("/models")
def models() -> dict:
    """The one model this server offers."""
    return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "advisor"}]}


@router.post("/chat/completions", responses={413: {"model": Problem}, 422: {"model": Problem},
                                             429: {"model": Problem}, 504: {"model": Problem}})
async def chat_completions(body: ChatRequest, advisor: AdvisorDep, state: StateDep):
    """Answer the last user message; earlier user and assistant messages are the conversation.
    System messages are ignored: the advisor's rules are not negotiable from a request."""
    turns = [{"role": m.role, "content": _text(m.content)} for m in body.messages if m.role in {"user", "assistant"}]
    if not turns or turns[-1]["role"] != "user" or not turns[-1]["content"].strip():
        raise InvalidQuestionError("the last message must be a user message with text; the advisor answers it")
    question, history = turns[-1]["content"], turns[:-1]
    created = int(time.time())
    if not body.stream:
        result = (await blocking.run(state.settings.answer_timeout_s, advisor.ask, question, history)).to_dict()
        remember(state, question, result)
        return {"id": f"chatcmpl-{result['answer_id']}", "object": "chat.completion", "created": created,
                "model": MODEL_ID, "choices": [{"index": 0, "finish_reason": "stop", "message": {
                    "role": "assistant", "content": result["answer"] + _sources(result)}}],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
                "advisor": _extra(result)}
    advisor.validate(question)

    async def chunks():
        chunk_id = None

        def chunk(delta: dict, finish=None, extra=None) -> str:
            data = {"id": chunk_id or "chatcmpl-pending", "object": "chat.completion.chunk", "created": created,
                    "model": MODEL_ID, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
            if extra:
                data["advisor"] = extra
            return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

        yield chunk({"role": "assistant", "content": ""})
        try:
            async for kind, item in blocking.iterate(state.settings.answer_timeout_s,
                                                     advisor.ask_stream(question, history)):
                if kind == "delta":
                    yield chunk({"content": item})
                else:
                    result = item.to_dict()
                    chunk_id = f"chatcmpl-{result['answer_id']}"
                    remember(state, question, result)
                    yield chunk({"content": _sources(result)})
                    yield chunk({}, "stop", _extra(result))
        except Exception as exc:
            from advisor.api.main import problem_body

            yield f"data: {json.dumps({'error': problem_body(exc)})}\n\n"
        yield "data: [DONE]\n\n"

    return StreamingResponse(chunks(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})
