"""The advisor for langchain users: a retriever and a runnable to compose in their own chains.

    from advisor.config import load_settings
    from advisor.core import Advisor
    from advisor.langchain import AdvisorRetriever, advisor_runnable

    advisor = Advisor(load_settings())
    docs = AdvisorRetriever(advisor=advisor, k=4).invoke("percelen sociale economie")
    answer = advisor_runnable(advisor).invoke({"question": "Wat is social return?"})
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda


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


def advisor_runnable(advisor) -> Runnable:
    """A Runnable: a question (str) or {"question", "history"?, "intake"?} in, the answer object (dict) out."""

    def run(value):
        if isinstance(value, str):
            return advisor.ask(value).to_dict()
        return advisor.ask(value["question"], value.get("history"), value.get("intake")).to_dict()

    return RunnableLambda(run, name="social_procurement_advisor")
