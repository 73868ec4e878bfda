"""The langchain integration composes like any retriever and runnable, and LangChain's own
ChatOpenAI machinery reaches the structured answer of a real advisor server."""

from __future__ import annotations

import httpx
import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.runnables import RunnableLambda

from advisor.langchain import AdvisorRetriever, ChatAdvisor, advisor_runnable, structured_answer
from advisor.model import Answer
from tests.server import running_server

RESERVATION = "Mag ik deze schoonmaakopdracht (€80.000, 2 jaar) voorbehouden aan de sociale economie?"


def test_retriever_returns_documents_with_citation_metadata(advisor):
    docs = AdvisorRetriever(advisor=advisor, k=3).invoke("percelen sociale economie")
    assert len(docs) == 3 and "percelen" in docs[0].page_content
    assert docs[0].metadata["doc_id"] == "brugge-aankopen-sociale-impact"
    text = advisor.index.document_text(docs[0].metadata["doc_id"])
    assert text[docs[0].metadata["start"]:docs[0].metadata["end"]] == docs[0].page_content


def test_runnable_composes_in_a_chain(advisor):
    chain = advisor_runnable(advisor) | RunnableLambda(
        lambda answer: [(c.doc_id, c.quote) for c in answer.citations])
    quotes = chain.invoke({"question": "Hoe kan ik bij een raamcontract de sociale economie betrekken?"})
    assert quotes and all(quote in advisor.index.document_text(doc_id) for doc_id, quote in quotes)
    answer = advisor_runnable(advisor).invoke("Wat is social return?")
    assert isinstance(answer, Answer) and answer.citations
    batch = advisor_runnable(advisor).batch(["Wat is social return?", "Hoe laat vertrekt de trein?"])
    assert [b.refused for b in batch] == [False, True]
    advice = advisor_runnable(advisor).invoke({"question": RESERVATION})
    assert advice.verdict.reservable in {"yes", "conditional"} and advice.criteria


@pytest.fixture(scope="module")
def server(corpus_settings):
    with running_server(corpus_settings.data_dir, ADVISOR_RATE_LIMIT_PER_MINUTE="0") as base:
        yield base


def test_chat_model_keeps_the_structured_answer(server, corpus_index):
    chat = ChatAdvisor(base_url=f"{server}/v1", api_key="unused", max_retries=0, timeout=60)
    message = chat.invoke([HumanMessage("Wat is social return?")])
    answer = structured_answer(message)
    assert isinstance(message, AIMessage) and message.content.startswith(answer.answer)
    assert answer.citations and all(c.quote in corpus_index.document_text(c.doc_id) for c in answer.citations)
    advice = structured_answer(chat.invoke(RESERVATION))
    direct = Answer.model_validate(httpx.post(f"{server}/v1/ask", json={"question": RESERVATION}, timeout=60).json())
    assert advice.verdict == direct.verdict and advice.criteria == direct.criteria and advice.intake == direct.intake
    assert [c.quote for c in advice.citations] == [c.quote for c in direct.citations]


def test_chat_model_streams_and_keeps_the_structured_answer(server):
    chat = ChatAdvisor(base_url=f"{server}/v1", api_key="unused", max_retries=0, timeout=60)
    chunks = list(chat.stream(RESERVATION))
    assert len(chunks) > 2
    whole = chunks[0]
    for chunk in chunks[1:]:
        whole += chunk
    answer = structured_answer(whole)
    assert answer.verdict is not None and whole.content.startswith(answer.answer)


def test_plain_chat_openai_gets_the_text_and_says_nothing_of_the_rest(server):
    """Why ChatAdvisor exists: ChatOpenAI keeps only OpenAI's fields."""
    from langchain_openai import ChatOpenAI

    message = ChatOpenAI(base_url=f"{server}/v1", api_key="unused", model="social-procurement-advisor",
                         max_retries=0).invoke("Wat is social return?")
    assert "[1]" in message.content and "advisor" not in message.response_metadata
    with pytest.raises(ValueError, match="ChatAdvisor"):
        structured_answer(message)
