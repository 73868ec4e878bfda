"""The advisor core: question in, grounded answer out. Knows nothing of HTTP, CLI or UI."""

from __future__ import annotations

import re
import time
from dataclasses import replace

from advisor import conversation, deadline
from advisor import intake as intake_module
from advisor.advice import advise
from advisor.answer import cards, codes
from advisor.answer.analysis import Analysis, analyse
from advisor.citations import CitationList
from advisor.compose import Side, compose
from advisor import llm, prompting
from advisor.generators import get_generator
from advisor.knowledge import knowledge
from advisor.concepts import concepts
from advisor.embedders import embed_queries, get_embedder
from advisor.config import Settings
from advisor.errors import (BackendError, BackendTimeout, ConfigError, InvalidQuestionError, QuestionTooLongError,
                            ValidationFailed)
from advisor.index import Index
from advisor.model import Answer, Timings, Validation
from advisor.phrases import render
from advisor.retrieval import Hit, HybridRetriever
from advisor import refusal, scope, scope_probe
from advisor.text import bounded, content_words, fold, detect_language

SIDE_PASSAGES = 3  # passages searched for each side of a comparison
FOLLOW_UP_WEIGHT = 2.0


SIDE_LABEL_WORDS = 8  # a side's words are shown as the question's own run of words when it is this short


def as_asked(words_folded: str, question: str) -> str:
    """Folded focus words ('ghent's approach', 'werk maat') written as the question wrote them
    ("Ghent's approach"), with the small words between them when the question's run from the first to
    the last is short ('werk op maat')."""
    tokens = re.findall(r"[\w'’-]+", question)
    spelled = {fold(w): w for w in tokens}
    wanted = words_folded.split()
    folded = [fold(t) for t in tokens]
    for i, t in enumerate(folded):
        if wanted and t == wanted[0]:
            j = next((k for k in range(i, min(len(folded), i + SIDE_LABEL_WORDS)) if folded[k] == wanted[-1]), None)
            if j is not None and all(w in folded[i:j + 1] for w in wanted):
                return " ".join(tokens[i:j + 1])
    return " ".join(spelled.get(w, w) for w in wanted)


class Advisor:
    def __init__(self, settings: Settings, index: Index | None = None):
        self.settings = settings
        self.index = index or Index(settings.data_dir)
        self.retriever = HybridRetriever(self.index, settings)
        self.knowledge = knowledge()
        # the concept cards, checked against the corpus and located in this index now, not per question
        self.cards = cards.for_index(self.index)
        self.generator = get_generator(settings)
        if settings.scope_probe != "none":  # checked and loaded now, not at the first question
            self._probe_embedder()

    def validate(self, question: str) -> str:
        if not isinstance(question, str) or not question.strip():
            raise InvalidQuestionError("the question is empty; ask something, e.g. "
                                       "'Mag ik deze schoonmaakopdracht voorbehouden aan de sociale economie?'")
        if len(question) > self.settings.max_question_chars:
            raise QuestionTooLongError(f"the question has {len(question)} characters, more than the "
                                       f"{self.settings.max_question_chars} allowed; shorten it "
                                       "(or raise ADVISOR_MAX_QUESTION_CHARS)")
        return " ".join(bounded(question).split())

    def recent_history(self, history: list[dict] | None) -> list[dict]:
        """The newest user turns whose text fits in `max_history_chars`, oldest first.

        Only the asker's turns inform an answer (intake, follow-up search), so only they are kept;
        the bound keeps the work of a request independent of how much history a client sends.
        """
        kept, budget = [], self.settings.max_history_chars
        for turn in reversed(history or ()):
            content = turn.get("content") or ""
            if turn.get("role") != "user" or not content:
                continue
            if len(content) > budget:
                break
            kept.append({**turn, "content": bounded(content)})
            budget -= len(content)
        return kept[::-1]

    def turn(self, question: str, history: list[dict] | None) -> conversation.Turn:
        """The question read in its conversation (the asker's earlier turns): follow-up or new subject,
        same contract or another one."""
        earlier = [h["content"] for h in history or () if h.get("role") == "user" and h.get("content")]
        return conversation.relate(question, earlier, self.knowledge)

    def retrieval_query(self, question: str, history: list[dict] | None) -> str:
        """A follow-up is searched together with the turn it follows; a new subject alone."""
        return self.turn(question, history).retrieval_query()

    def search(self, query: str, k: int | None = None) -> list[Hit]:
        query = self.validate(query)
        return self.retriever.search(query, k)

    def ask(self, question: str, history: list[dict] | None = None, intake: dict | None = None) -> Answer:
        started = time.perf_counter()
        question = self.validate(question)
        history = self.recent_history(history)
        language = detect_language(question)
        question, instructions = scope.without_steering(question)
        if not question:  # only an instruction to the assistant: refused, never followed
            return self._refuse(language, "steering", started, {})
        language = detect_language(question) if instructions else language
        if scope.is_offtopic_task(question):
            return self._refuse(language, "off-topic task", started, {})
        turn = self.turn(question, history)
        query = turn.retrieval_query()
        deadline.check()
        hits = self.retriever.search(query, max(self.settings.top_k, self.settings.max_citations + 2), language)
        retrieved = time.perf_counter()
        timings = {"retrieve": round((retrieved - started) * 1000, 2)}
        deadline.check()
        found = concepts(query, self.index.lexical, language)
        decision = self.scope(query, found, hits, language)
        share = decision.signals["coverage"]
        deadline.check()
        # A verdict on the asker's own contract (asked now, or asked again by a follow-up), or advice
        # the analysis sees asked for one, is answered from the knowledge files and the passages they
        # cite, however few of its words the best passages share (a buyer's wording of the contract is
        # not the framework's); anything else, a loosely worded criteria question included, needs
        # passages that cover it, and a question of another domain (scope.toml) is refused anyway.
        advised = self._advise(turn, intake, language)
        own_contract = advised is not None and (
            advised.verdict is not None or analyse(question).type == "advisory"
            or intake_module.declines_reservation(question) or (turn.continues and bool(turn.asks)))
        # a neighbouring-domain notion in a question that itself asks to reserve the asker's contract
        # names what is bought ('onze verzekeringsportefeuille ... voorbehouden?'), not what is asked:
        # the verdict answers it (a follow-up that only carries an earlier verdict does not)
        reserving = advised is not None and advised.verdict is not None and bool(decision.neighbour) \
            and intake_module.asks_reservation(question)
        if not hits or (not decision.answer and not reserving
                        and (decision.reason != "not covered by the sources" or not own_contract)):
            answer = self._refuse(language, decision.reason or "not covered by the sources", started, timings,
                                  query, hits)
            answer.coverage = share
            return answer
        if advised is not None:
            timings["compose"] = round((time.perf_counter() - retrieved) * 1000, 2)
            advised.coverage = share
            advised = self._with_llm(advised, question, hits, language, timings)
            timings["total"] = round((time.perf_counter() - started) * 1000, 2)
            advised.timings_ms = Timings(**timings)
            return advised
        deadline.check()
        analysis = analyse(question)
        composition = compose(hits[:self.settings.max_citations + 2], self._weighted(found, question, query), language,
                              self.index.document_text, self.settings.max_citations, analysis,
                              self.index.following, cards.lead(analysis, language, self.index),
                              self._sides(analysis, question, language), self.index.preceding, self.index.publisher)
        timings["compose"] = round((time.perf_counter() - retrieved) * 1000, 2)
        if not composition.citations:
            answer = self._refuse(language, "not covered by the sources: no passage sentence answers it", started,
                                  timings, query, hits)
            answer.coverage = share
            return answer
        answer = Answer(answer=composition.answer, language=language, refused=False,
                        citations=composition.citations, coverage=share, intake=self._carried_intake(turn))
        answer = self._with_llm(answer, question, hits, language, timings)
        timings["total"] = round((time.perf_counter() - started) * 1000, 2)
        answer.timings_ms = Timings(**timings)
        return answer

    @staticmethod
    def _weighted(found, question: str, query: str):
        """In a follow-up searched with the turn before it, the words the asker adds now ('En boven de
        139.000 euro?') pick the sentences: they weigh FOLLOW_UP_WEIGHT times the earlier turn's."""
        if query == question:
            return found
        now = set(content_words(question))
        return [replace(c, weight=c.weight * FOLLOW_UP_WEIGHT) if c.word in now else c for c in found]

    def _sides(self, analysis, question: str, language: str) -> list[Side] | None:
        """The two sides of a comparison, each searched on its own with its concepts and card."""
        if analysis.type != "comparison" or len(analysis.focus) != 2:
            return None
        sides = []
        for side in analysis.focus:
            deadline.check()
            alone = Analysis("definition", (side,))
            code = codes.as_asked(side, question)  # an objective code ('K 2.1') is searched as written
            words = code or side
            sides.append(Side(code or as_asked(side, question), self.retriever.search(words, SIDE_PASSAGES, language),
                              concepts(words, self.index.lexical, language),
                              lambda first, a=alone: cards.lead(a, language, self.index, first)))
        return sides

    def scope(self, query: str, found, hits: list[Hit], language: str) -> scope.Decision:
        """Whether the sources cover the question: the signals of advisor/resources/scope.toml measured
        on the best passages, and the calibrated decision."""
        rules = scope.rules()
        lexical = self.index.lexical
        top = [h.passage for h in hits[:rules.passages]]
        terms = [lexical.terms_of(self.index.position[p.id]) for p in top]
        best = max((h.lexical_score for h in hits), default=0.0)
        texts = [p.index_text for p in top]
        signals = scope.measure(query, found, terms, best, lexical, language, rules, texts)
        if self.settings.scope_probe != "none":  # the meaning of the question, a second opinion (scope_probe.py)
            signals["dense"] = scope_probe.probe().probability(embed_queries(self._probe_embedder(), [query])[0])
        return scope.decide(query, signals, texts, rules)

    def _probe_embedder(self):
        """The embedder the scope probe was trained on (loaded once per process, shared with retrieval)."""
        probe = scope_probe.probe()
        if probe.model != self.settings.scope_probe:
            raise ConfigError(f"ADVISOR_SCOPE_PROBE={self.settings.scope_probe} but {scope_probe.SOURCE} was trained "
                              f"on {probe.model!r} vectors: set ADVISOR_SCOPE_PROBE={probe.model} or retrain it")
        return get_embedder(probe.model)

    def _with_llm(self, base: Answer, question: str, hits: list[Hit], language: str, timings: dict) -> Answer:
        """The LLM's validated prose, or `base` (the extractive answer) marked as the fallback."""
        if self.generator is None:
            return base
        started = time.perf_counter()
        advice = bool(base.verdict or base.criteria)
        limit = self.settings.llm_max_passages
        passages = ([c.passage for c in base.citations] if advice
                    else [h.passage for h in hits[:min(limit, self.settings.max_citations + 2)]])
        passages = passages[:limit]
        messages = prompting.render(language, question,
                                    [prompting.clip(p.index_text, self.settings.llm_passage_chars) for p in passages],
                                    base.answer if advice else None)
        try:
            reply = llm.generate_with_timeout(self.generator, messages, self.settings.llm_timeout_s)
            checked = llm.validate(reply, passages, language, self.index.document_text, renumber=not advice)
        except ValidationFailed as exc:
            reason = f"validation: {exc.reason}"
        except BackendTimeout as exc:
            reason = f"timeout: {exc}"
        except BackendError as exc:  # its message is already a safe summary
            reason = f"backend error: {exc}"
        except Exception as exc:  # a failing validator must never fail the request either
            reason = f"backend error: {type(exc).__name__}: {str(exc)[:200]}"
        else:
            timings["generate"] = llm.elapsed_ms(started)
            validation = Validation(removed_markers=checked.removed_markers,
                                    dropped_statements=checked.dropped_statements)
            if advice:
                return Answer(answer=checked.text + "\n\n" + base.answer, language=language, refused=False,
                              citations=base.citations, criteria=base.criteria, verdict=base.verdict,
                              intake=base.intake, coverage=base.coverage, generator=self.generator.name,
                              validation=validation)
            return Answer(answer=checked.text, language=language, refused=False, citations=checked.citations,
                          coverage=base.coverage, generator=self.generator.name, validation=validation)
        timings["generate"] = llm.elapsed_ms(started)
        base.generator, base.fallback_reason = "extractive-fallback", reason
        return base

    def ask_stream(self, question: str, history: list[dict] | None = None, intake: dict | None = None):
        """The answer in parts: ("delta", text) for each line of the answer, then ("final", Answer).

        The extractive answerer composes the whole answer at once; streaming it line by line gives
        clients one protocol for every generator.
        """
        answer = self.ask(question, history, intake)
        for line in answer.answer.splitlines(keepends=True):
            yield "delta", line
        yield "final", answer

    def _advise(self, turn: conversation.Turn, explicit: dict | None, language: str) -> Answer | None:
        """The advisory answer for reservation and criteria questions (asked now, or asked again by a
        follow-up); None for other questions."""
        question = turn.question
        contract = turn.intake(explicit, self.knowledge)
        reservation = "reservation" in turn.asks
        wants_menu = contract.product_group is not None and "criteria" in turn.asks
        if not (reservation or wants_menu or explicit):
            return None
        citations = CitationList(self.index, self.settings.max_advice_citations)
        result = advise(contract, self.knowledge, citations, language, reservation,
                        intake_module.declines_reservation(question), self.settings.max_criteria,
                        criteria_asked="criteria" in turn.asks)
        if not citations.items:
            return None  # nothing in this index supports an advice: fall back to the passages
        return self._advice_answer(result, citations, language)

    def _carried_intake(self, turn: conversation.Turn):
        """For a follow-up answered from the passages: the contract it goes on with, when earlier turns
        described one (so the asker sees what the advisor still holds)."""
        if not turn.same_contract:
            return None
        contract = turn.intake(None, self.knowledge)
        return contract.summary(self.knowledge) if contract.carried else None

    def suggest(self, explicit: dict, language: str = "nl", reservation: bool = False) -> Answer:
        """The criteria menu (and, with `reservation`, the verdict) for a structured intake."""
        started = time.perf_counter()
        contract = intake_module.build("", None, explicit, self.knowledge)
        citations = CitationList(self.index, self.settings.max_advice_citations)
        result = advise(contract, self.knowledge, citations, language, reservation, menu_size=self.settings.max_criteria)
        answer = self._advice_answer(result, citations, language)
        answer.timings_ms = Timings(total=round((time.perf_counter() - started) * 1000, 2))
        return answer

    def _advice_answer(self, result, citations: CitationList, language: str) -> Answer:
        """Keep the citations the prose uses, renumbered, and point the structured cites at them."""
        text, renumber = citations.compact("\n".join(result.lines))
        for item in [*result.criteria, *(result.verdict.reasons if result.verdict else [])]:
            item.cites = [renumber[n] for n in item.cites if n in renumber]
        return Answer(answer=text, language=language, refused=False, citations=citations.items,
                      criteria=result.criteria, verdict=result.verdict, intake=result.intake.summary(self.knowledge))

    def _refuse(self, language: str, reason: str, started: float, timings: dict, question: str = "",
                hits: list[Hit] | None = None) -> Answer:
        """The refusal; for a question the sources do not cover, one that names what they cover nearby
        and offers questions to ask instead (an instruction or a task gets the plain refusal)."""
        if reason.startswith("not covered"):
            helpful = refusal.helpful(question, [h.passage for h in hits or ()], language)
            text, nearby, suggestions = helpful.text, helpful.nearby, helpful.suggestions
        else:
            text, nearby, suggestions = render("answer", language, "refusal"), [], []
        timings = Timings(**{**timings, "total": round((time.perf_counter() - started) * 1000, 2)})
        return Answer(answer=text, language=language, refused=True, timings_ms=timings, refusal_reason=reason,
                      nearby=nearby, suggestions=suggestions)
