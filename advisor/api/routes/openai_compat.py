"""OpenAI-compatible chat completions, so existing chat clients and SDKs work unchanged.

The answer text carries its [n] markers and a list of sources, as Markdown that renders as plain text
(the statements are document text, escaped by advisor.inert); the structured answer (citations,
verdict, criteria, intake) rides in the extra field `advisor` of the response (and of the last
chunk when streaming)."""

from __future__ import annotations

import json
import time

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from advisor.api.deps import AdvisorDep, StateDep, WorkDep
from advisor.api.errors import Problem, problem_for
from advisor.api.schemas import ChatChoice, ChatCompletion, ChatReply, ChatRequest, ModelCard, ModelList, sse_content
from advisor.errors import InvalidQuestionError
from advisor.inert import escape_markdown, inert_markdown
from advisor.model import Answer
from advisor.phrases import render

router = APIRouter(prefix="/v1", tags=["openai-compatible"])
MODEL_ID = "social-procurement-advisor"
CHUNKS = sse_content(["message"], "A chat.completion.chunk as JSON (the last one carries `advisor`), "
                                  "{\"error\": problem document}, or [DONE].")


def _sources(answer: Answer) -> str:
    if not answer.citations:
        return ""
    head = render("answer", answer.language, "sources")
    lines = [f"[{c.n}] " + escape_markdown(f"{c.title}" + (f", p. {c.page}" if c.page else "")
                                           + (f" — {c.section}" if c.section else "") + f": “{' '.join(c.quote.split())}”")
             for c in answer.citations]
    return f"\n\n{head}\n" + "\n".join(lines)


@router.get("/models", response_model=ModelList)
def models() -> ModelList:
    """The one model this server offers."""
    return ModelList(data=[ModelCard(id=MODEL_ID)])


@router.post("/chat/completions", response_model=ChatCompletion,
             responses={200: {"content": CHUNKS}, 413: {"model": Problem}, 422: {"model": Problem},
                        429: {"model": Problem}, 504: {"model": Problem}})
async def chat_completions(body: ChatRequest, advisor: AdvisorDep, state: StateDep, work: WorkDep):
    """Answer the last user message; earlier user and assistant messages are the conversation.
    System messages are ignored: the advisor's rules are not negotiable from a request.

    With `"stream": true` the reply is OpenAI's chunk stream; the last chunk carries `advisor`."""
    turns = [{"role": m.role, "content": m.text()} for m in body.messages if m.role in {"user", "assistant"}]
    if not turns or turns[-1]["role"] != "user" or not turns[-1]["content"].strip():
        raise InvalidQuestionError("the last message must be a user message with text; the advisor answers it")
    question, history = turns[-1]["content"], turns[:-1]
    created = int(time.time())
    if not body.stream:
        answer = await work.run(state.settings.answer_timeout_s, advisor.ask, question, history)
        state.remember(question, answer)
        return ChatCompletion(id=f"chatcmpl-{answer.answer_id}", created=created, model=MODEL_ID,
                              choices=[ChatChoice(message=ChatReply(content=inert_markdown(answer.answer) + _sources(answer)))],
                              advisor=answer)
    advisor.validate(question)
    work.check()

    async def chunks():
        chunk_id = None

        def chunk(delta: dict, finish=None, answer: Answer | None = None) -> str:
            data = {"id": chunk_id or "chatcmpl-pending", "object": "chat.completion.chunk", "created": created,
                    "model": MODEL_ID, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
            if answer is not None:
                data["advisor"] = answer.model_dump(mode="json")
            return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

        yield chunk({"role": "assistant", "content": ""})
        try:
            async for kind, item in work.iterate(state.settings.answer_timeout_s,
                                                 advisor.ask_stream(question, history)):
                if kind == "delta":
                    yield chunk({"content": inert_markdown(item)})
                else:
                    chunk_id = f"chatcmpl-{item.answer_id}"
                    state.remember(question, item)
                    yield chunk({"content": _sources(item)})
                    yield chunk({}, "stop", item)
        except Exception as exc:
            yield f"data: {json.dumps({'error': problem_for(exc).body()})}\n\n"
        yield "data: [DONE]\n\n"

    return StreamingResponse(chunks(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})
