"""The advisor for LangChain users: a retriever, a runnable, and a chat model for an advisor server.

In process (the typed answer, advisor.model.Answer):

    from advisor.config import load_settings
    from advisor.core import Advisor
    from advisor.langchain import AdvisorRetriever, advisor_runnable

    advisor = Advisor(load_settings())
    docs = AdvisorRetriever(advisor=advisor, k=4).invoke("percelen sociale economie")
    answer = advisor_runnable(advisor).invoke({"question": "Wat is social return?"})
    answer.citations[0].quote, answer.verdict, answer.criteria

Over HTTP, against `advisor serve` (ChatOpenAI drops response fields that are not OpenAI's, as its
documentation says, and points to a provider subclass; ChatAdvisor is that subclass):

    from advisor.langchain import ChatAdvisor, structured_answer

    chat = ChatAdvisor(base_url="http://127.0.0.1:8000/v1", api_key="unused")
    message = chat.invoke("Mag ik een schoonmaakopdracht voorbehouden aan de sociale economie?")
    answer = structured_answer(message)          # the same Answer, from response_metadata["advisor"]
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda
from langchain_openai import ChatOpenAI
from pydantic import Field

from advisor.model import Answer

MODEL_ID = "social-procurement-advisor"


class AdvisorRetriever(BaseRetriever):
    """Hybrid retrieval over the advisor's index; each Document carries its citation metadata."""

    advisor: Any
    k: int = 5

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        hits = self.advisor.search(query, self.k)
        return [Document(page_content=h.passage.text, id=h.passage.id,
                         metadata={"doc_id": h.passage.doc_id, "title": h.passage.title, "page": h.passage.page,
                                   "section": h.passage.section, "url": h.passage.url, "score": h.score,
                                   "start": h.passage.start, "end": h.passage.end}) for h in hits]


def advisor_runnable(advisor) -> Runnable[str | dict, Answer]:
    """A Runnable: a question (str) or {"question", "history"?, "intake"?} in, the typed Answer out."""

    def run(value: str | dict) -> Answer:
        if isinstance(value, str):
            return advisor.ask(value)
        return advisor.ask(value["question"], value.get("history"), value.get("intake"))

    return RunnableLambda(run, name="social_procurement_advisor")


class ChatAdvisor(ChatOpenAI):
    """ChatOpenAI for an advisor server's /v1/chat/completions that keeps the structured answer.

    The reply's text is the answer with its sources; the `advisor` field of the response (of the
    last chunk when streaming) lands in the message's response_metadata["advisor"] as plain JSON,
    so the message stays serialisable; structured_answer() reads it back as an Answer."""

    model_name: str = Field(default=MODEL_ID, alias="model")

    def _create_chat_result(self, response, generation_info: dict | None = None) -> ChatResult:
        result = super()._create_chat_result(response, generation_info)
        extra = response.get("advisor") if isinstance(response, dict) else (response.model_extra or {}).get("advisor")
        if extra is not None and result.generations:
            result.generations[0].message.response_metadata["advisor"] = extra
        return result

    def _convert_chunk_to_generation_chunk(self, chunk: dict, default_chunk_class: type,
                                           base_generation_info: dict | None) -> ChatGenerationChunk | None:
        generated = super()._convert_chunk_to_generation_chunk(chunk, default_chunk_class, base_generation_info)
        if generated is not None and chunk.get("advisor") is not None:
            generated.message.response_metadata["advisor"] = chunk["advisor"]
        return generated


def structured_answer(message: BaseMessage) -> Answer:
    """The Answer a ChatAdvisor reply carries (for a streamed reply: the sum of its chunks)."""
    data = message.response_metadata.get("advisor")
    if data is None:
        raise ValueError("the message carries no advisor answer: was it produced by ChatAdvisor against an "
                         "advisor server's /v1/chat/completions?")
    return Answer.model_validate(data)
