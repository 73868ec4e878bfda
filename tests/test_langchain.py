"""The langchain integration composes like any retriever and runnable."""

from __future__ import annotations

from langchain_core.runnables import RunnableLambda

from advisor.langchain import AdvisorRetriever, advisor_runnable


def test_retriever_returns_documents_with_citation_metadata(advisor):
    docs = AdvisorRetriever(advisor=advisor, k=3).invoke("percelen sociale economie")
    assert len(docs) == 3 and "percelen" in docs[0].page_content
    assert docs[0].metadata["doc_id"] == "brugge-aankopen-sociale-impact"
    text = advisor.index.document_text(docs[0].metadata["doc_id"])
    assert text[docs[0].metadata["start"]:docs[0].metadata["end"]] == docs[0].page_content


def test_runnable_composes_in_a_chain(advisor):
    chain = advisor_runnable(advisor) | RunnableLambda(
        lambda answer: [(c["doc_id"], c["quote"]) for c in answer["citations"]])
    quotes = chain.invoke({"question": "Hoe kan ik bij een raamcontract de sociale economie betrekken?"})
    assert quotes and all(quote in advisor.index.document_text(doc_id) for doc_id, quote in quotes)
    assert advisor_runnable(advisor).invoke("Wat is social return?")["citations"]
    batch = advisor_runnable(advisor).batch(["Wat is social return?", "Hoe laat vertrekt de trein?"])
    assert [b["refused"] for b in batch] == [False, True]
