"""Honesty of every sentence of an advice (issue #16, Done-when), over the advisory golden cases.

A statement is a line of the answer. A statement that carries markers [n] must find its key terms in
the quotes it cites; a statement without markers is the project's own text and must say where it
comes from when it argues. What the project wrote itself (draft clauses, legal cards, the checks)
never carries a corpus marker.

**Key terms**, as checked here: the words of a statement that name what it is a claim about:
- a product group (KEY_GROUPS: the statement names it → a cited quote names it, in the source's words);
- an instrument (KEY_INSTRUMENTS: reservation, lots, subcontracting, traineeships, social return, ...);
- a number (an amount, a percentage, a year) that the asker did not give: the buyer's own figures and
  the contract's value read from them are the asker's, not the source's;
- for a claim about a list ("X staat niet in de lijst ..."), every item of the list: the quote must be
  the list as a whole, not its first row.
Each key term must be in at least one cited quote, and each cited quote must carry at least one of the
statement's key terms (no marker rides along). Case and accents are ignored; Dutch and English
statements are checked against the Dutch sources through the bilingual lists below.
"""

from __future__ import annotations

import re

import pytest

from evals.golden import load as load_golden, read_jsonl
from advisor.package_data import folder
from advisor.text import fold

# group id: (how a statement names it, how the source names it), as regular expressions
KEY_GROUPS = {
    "green_maintenance": (["groenonderhoud", "green maintenance"], ["groenonderhoud"]),
    "catering": (["catering"], ["catering"]),
    "construction_renovation": (["bouw & renovatie", "construction & renovation"], ["bouw & renovatie"]),
    "mobility": (["mobiliteit", "mobility"], ["mobiliteit"]),
    "cleaning": (["schoonmaak", "cleaning"], ["schoonmaak"]),
    "printing": (["drukwerk", "printing"], ["drukwerk"]),
    "textiles": (["textiel", "textiles"], ["textiel"]),
    "ict": (["ict"], ["ict"]),
    "building_materials": (["bouwmaterialen", "building materials"], ["bouwmaterialen"]),
    "gifts": (["relatiegeschenken", "corporate gifts"], ["relatiegeschenken"]),
    "lighting": (["verlichting", "lighting"], ["verlichting"]),
    "vehicles": ([r"\bvoertuig", r"\bvehicles\b"], ["voertuig", "wagens"]),   # not cleaning's "vehicle fleet"
    "machines": (["machines"], ["machines"]),
    "office_furniture": (["kantoorinrichting", "office furniture"], ["kantoorinrichting"]),
}
# instrument: (stems a statement names it by, stems a quote carries it by)
KEY_INSTRUMENTS = {
    "reservation": (["voorbehou", "voor te behouden", "reserv"], ["voorbehou", "voor te behouden", "reserv"]),
    "lots": (["perce", r"\blots?\b"], ["perce"]),
    "subcontracting": (["onderaanneming", "subcontract"], ["onderaanneming"]),
    "execution_condition": (["uitvoeringsvoorwaarde", "execution condition"], ["uitvoeringsvoorwaarde"]),
    "work_experience": (["werkervaring", r"\bstages?\b", "traineeship", "work experience"], ["werkervaring", "stage"]),
    "framework_agreement": (["raamovereenkomst", "raamcontract", "framework agreement", "framework contract"],
                            ["raamcontract", "raamovereenkomst"]),
    "social_return": (["social return", r"\bsroi\b"], ["social return"]),
    "menu": (["menu sociaal aankopen", "social purchasing menu"], ["menu sociaal"]),
    "fair_trade": (["fairtrade", "fair trade", "fair-trade"], ["fairtrade", "fair trade"]),
    "ilo": ([r"\bilo\b"], [r"\bilo\b"]),
    "responsible_production": (["verantwoorde productie", "responsible production"], ["verantwoorde productie"]),
    "human_rights": (["mensenrechten", "human rights"], ["mensenrechten"]),
    "reuse": (["hergebruik", r"\breuse", "recycl"], ["hergebruik", "recycl"]),
    "led": ([r"\bled\b"], [r"\bled\b"]),
    "co2": (["co2"], ["co2"]),
    "packaging": (["verpakking", "packaging"], ["verpakking"]),
    "repair": (["herstelbaar", "repairab"], ["herstelbaar"]),
    "lifespan": (["levensduur", "lifespan"], ["levensduur"]),
    "sharing": (["deelsystem", "sharing system"], ["deelsystem"]),
    "tco": ([r"\btco\b", "total cost of ownership"], [r"\btco\b", "total cost of ownership"]),
    "proximity": (["nabijheid", "proximity"], ["nabijheid"]),
    "local": ([r"\blokaal", r"\blocal"], [r"\blokaal"]),
    "energy": (["energie-efficien", "energielabel", "energy label", "energy efficien"], ["energie"]),
    "aanbestedingswet": (["aanbestedingswet", "procurement act"], ["aanbestedingswet"]),
}
# a claim about a list: the statement, and the items the cited quote must hold all of
LIST_CLAIM = re.compile(r"niet in de lijst|not (?:in|on) the .{0,60}list")
S1_LIST = ["groenonderhoud", "catering", "bouw & renovatie", "mobiliteit", "schoonmaak", "drukwerk"]
MARKERS = re.compile(r"\s*\[(\d+)\]")
NUMBER = re.compile(r"\d[\d.,]*\d|\d")


def _has(text: str, stems) -> bool:
    return any(re.search(s, text) for s in stems)


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def _numbers(text: str) -> set[str]:
    return {_digits(n) for n in NUMBER.findall(text)}


def key_terms(statement: str, asked: set[str]) -> list[tuple[str, list[str]]]:
    """(name, alternatives) per key term: a quote carries the term when it holds one alternative."""
    s = fold(statement)
    listed = bool(LIST_CLAIM.search(s))
    # a list claim says its group is *not* on the list: the quote shows the list, not the group
    terms = [] if listed else [(g, source) for g, (said, source) in KEY_GROUPS.items() if _has(s, said)]
    terms += [(i, source) for i, (said, source) in KEY_INSTRUMENTS.items() if _has(s, said)]
    terms += [(n, [n]) for n in sorted(_numbers(s) - asked)]
    if listed:
        terms += [(f"list item {item}", [item]) for item in S1_LIST]
    return terms


def _carries(quote: str, alternatives: list[str]) -> bool:
    q = fold(quote)
    return any(re.search(a, q) or (a.isdigit() and a in _numbers(q)) for a in alternatives)


def dishonest_statements(result: dict, question: str) -> list[str]:
    """What is wrong with the answer's statements, one line per problem (empty: all honest)."""
    quotes = {c["n"]: " ".join(c["quote"].split()) for c in result["citations"]}
    asked = _numbers(question)
    intake = result.get("intake") or {}
    if intake.get("value_eur"):
        asked |= {_digits(f"{intake['value_eur']:.0f}")}
    problems = []
    for line in result["answer"].splitlines():
        cites = [int(n) for n in MARKERS.findall(line)]
        if not cites:
            continue
        statement = MARKERS.sub("", line).strip().lstrip("- ").strip()
        if statement.startswith("„"):
            continue  # an example: the quote itself, shown whole
        terms = key_terms(statement, asked)
        if not terms:
            problems.append(f"no key term to check: {line!r}")
        for name, alternatives in terms:
            if not any(_carries(quotes[n], alternatives) for n in cites):
                problems.append(f"{name!r} is in no cited quote: {line!r} cites {[quotes[n][:90] for n in cites]}")
        for n in cites:
            if terms and not any(_carries(quotes[n], alternatives) for _, alternatives in terms):
                problems.append(f"[{n}] carries none of the key terms {[t for t, _ in terms]}: {line!r} "
                                f"cites {quotes[n][:90]!r}")
    return problems


def authored_text_with_markers(result: dict) -> list[str]:
    """Lines that show the project's own text (draft clauses, legal cards, checks) with a corpus marker."""
    authored = [c["draft_clause"] for c in result["criteria"]]
    authored += [b["title"] for c in result["criteria"] for b in c["legal_basis"]]
    authored += (result["verdict"] or {}).get("checks", [])
    authored += [r["text"] for r in (result["verdict"] or {}).get("reasons", []) if not r["cites"]]
    return [line for line in result["answer"].splitlines() if MARKERS.search(line)
            and any(text and fold(text)[:60] in fold(line) for text in authored)]


def _advice_cases() -> list[tuple[str, str, list[dict]]]:
    rows = [(r["id"], r["question"], r.get("history", [])) for r in
            read_jsonl(folder("evals") / "sets" / "advice.jsonl")]
    rows += [(i.id, i.question, i.history) for i in load_golden(suite="advice")]
    return rows


CASES = _advice_cases()


def _history(turns) -> list[dict]:
    return [t if isinstance(t, dict) else {"role": "user", "content": t} for t in turns]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_every_marked_statement_has_a_quote_with_its_key_terms(advisor, case):
    _, question, history = case
    result = advisor.ask(question, _history(history)).model_dump(mode="json")
    asked = " ".join([question, *(t["content"] for t in _history(history) if t["role"] == "user")])
    problems = dishonest_statements(result, asked)
    problems += [f"authored text with a corpus marker: {line!r}" for line in authored_text_with_markers(result)]
    assert not problems, "\n".join(problems)


def test_the_check_fails_on_a_list_claim_cited_to_one_row_and_on_an_unsourced_number():
    """The check can fail: a list claim cited to the first row, a number the quote lacks, a rider."""
    citations = [{"n": 1, "quote": "1 Groenonderhoud Voor alle opdrachten < € 139.000"},
                 {"n": 2, "quote": "Dit heet social return."},
                 {"n": 3, "quote": "Deel grotere opdrachten op in percelen."}]
    result = {"citations": citations, "criteria": [], "verdict": None, "intake": None, "answer": "\n".join([
        "- Kantoorinrichting staat niet in de lijst van prioritaire productgroepen. [1]",
        "- Social return: in Nederland is ongeveer 5% gangbaar. [2]",
        "- Opdelen in percelen. [3] [2]"])}
    problems = dishonest_statements(result, "")
    assert any("list item schoonmaak" in p for p in problems)
    assert any("'5' is in no cited quote" in p for p in problems)
    assert any(p.startswith("[2] carries none") for p in problems)


def test_authored_text_is_found_when_it_carries_a_marker():
    clause = "De opdrachtnemer besteedt ten minste [x]% van de opdrachtwaarde aan social return."
    result = {"answer": f"- {clause} [1]", "criteria": [{"draft_clause": clause, "legal_basis": []}], "verdict": None}
    assert authored_text_with_markers(result)


# --- jurisdiction, what was ruled out, and the criteria as the MVI / MVOO tools show them --------------

# the advice set's rows labelled Dutch, and the golden cases that name a Dutch buyer
LABELLED_NL = {r["id"] for r in read_jsonl(folder("evals") / "sets" / "advice.jsonl") if r["intake"]["jurisdiction"] == "nl"}
DUTCH = [c for c in CASES if c[0] in LABELLED_NL or re.search(
    r"nederland|dutch|gemeente (utrecht|amsterdam|den haag|zwolle)|eindhoven|rotterdam|nijmegen|groningen|breda",
    c[1] + " ".join(map(str, c[2])), re.I)]


@pytest.mark.parametrize("case", DUTCH, ids=[c[0] for c in DUTCH])
def test_a_dutch_contract_is_not_argued_with_the_bruges_framework(advisor, case):
    _, question, history = case
    answer = advisor.ask(question, _history(history))
    assert answer.intake.jurisdiction == "nl"
    bruges = {c.n for c in answer.citations if c.doc_id == "regio-brugge-kader-duurzaam-aankopen"}
    arguing = [*(answer.verdict.reasons if answer.verdict else []),
               *(c for c in answer.criteria if c.place == "reservation")]
    assert not [a for a in arguing if set(a.cites) & bruges], "the Bruges framework argues a Dutch reservation"
    assert not re.search(r"prioritaire productgroep|priority product group", answer.answer)
    for note in (r for r in (answer.verdict.reasons if answer.verdict else []) if not r.cites):
        assert note.source and note.source in answer.answer, "the advisor's own note names its source"


# dev rows only: how the intake reads a refusal is tuned on dev, never on the test split
RULED_OUT = [r for r in read_jsonl(folder("evals") / "sets" / "advice.jsonl")
             if r["split"] == "dev" and r["verdict"] is None and "reserved_contract" in r["criteria_forbidden"]]


@pytest.mark.parametrize("row", RULED_OUT, ids=[r["id"] for r in RULED_OUT])
def test_what_the_buyer_ruled_out_is_not_what_the_answer_opens_with(advisor, row):
    answer = advisor.ask(row["question"], _history(row.get("history", [])))
    first = answer.answer.splitlines()[0]
    assert not re.search(r"voorbehouden kan|you can reserve|^Oordeel|^Verdict", first), first
    assert "reserved_contract" not in [c.id for c in answer.criteria]


def test_a_verdict_asked_after_ruling_reservation_out_comes_after_the_alternatives(advisor):
    from advisor.advice import advise
    from advisor.citations import CitationList
    from advisor.intake import build

    intake = build("Schoonmaak van ons stadhuis in Brugge, € 100.000, 2 jaar.", kb=advisor.knowledge)
    result = advise(intake, advisor.knowledge, CitationList(advisor.index, 20), "nl", reservation=True,
                    declined_reservation=True)
    text = "\n".join(result.lines)
    assert result.verdict.reservable == "yes" and text.startswith("Voorbehouden valt voor jou af")
    assert text.index("Uitvoeringsvoorwaarden:") < text.index("Oordeel:")
    assert "reserved_contract" not in [c.id for c in result.criteria]


# the words by which a draft clause says where it goes
PLACE_WORDS = {"reservation": r"voorbehouden", "subject": r"^(voorwerp van de opdracht|opdeling in percelen):",
               "selection": r"^(selectiecriterium|geschiktheidseis)", "specification": r"^technische specificatie",
               "award": r"^gunningscriterium .*\[x\] punten|^gunningscriterium", "performance": r"^uitvoeringsvoorwaarde:"}


def test_every_criterion_has_a_place_and_a_clause_that_fits_it_and_a_level_only_with_a_source(corpus_index):
    from advisor.knowledge import knowledge

    for c in knowledge().criteria.values():
        assert c.place in PLACE_WORDS, c.id
        for jurisdiction, clause in c.draft_clause_nl.items():
            assert re.search(PLACE_WORDS[c.place], fold(clause)), (c.id, jurisdiction, clause)
            assert ("punten" in clause) == (c.place == "award"), (c.id, "only an award criterion scores points")
        if c.level:
            assert c.level_evidence.anchor in corpus_index.document_text(c.level_evidence.doc_id)
            assert any(e.anchor == c.level_evidence.anchor for e in c.evidence), "the level's source is cited too"


def test_the_menu_is_grouped_by_place_in_the_order_of_a_tender(advisor):
    from advisor.knowledge import PLACES

    answer = advisor.ask("Welke criteria neem ik op in een raamovereenkomst voor catering van € 300.000 in Brugge?")
    headings = {"Voorbehouden opdracht:": "reservation", "Voorwerp en opdeling van de opdracht:": "subject",
                "Technische specificaties (minimumeisen):": "specification", "Gunningscriteria:": "award",
                "Uitvoeringsvoorwaarden:": "performance"}
    lines = answer.answer.splitlines()
    shown = [headings[line] for line in lines if line in headings]
    assert len(shown) >= 3 and shown == sorted(shown, key=PLACES.index)
    under, place = {}, None
    for line in lines:
        place = headings.get(line, place if line.startswith("- ") else None)
        if line.startswith("- ") and place:
            under[line] = place
    for c in answer.criteria:
        assert [p for line, p in under.items() if line.startswith(f"- {c.title}")] == [c.place], c.id
    assert any(c.level == "basis" and "(basisniveau)" in answer.answer for c in answer.criteria)


# --- the README's advisory examples are what the advisor answers -------------------------------------

def _readme_examples() -> list[tuple[str, str]]:
    """(question, answer text up to the sources) of each `advisor ask "..."` example in the README's
    advisory-engine section."""
    readme = (folder("evals").parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The advisory engine"):readme.index("## LLM-backed answers")]
    examples = re.findall(r'advisor ask "([^"]+)"`.*?```text\n(.*?)```', section, re.S)
    return [(q, text.split("\n\nBronnen:")[0].split("\n\nSources:")[0].strip()) for q, text in examples]


def test_the_readme_advisory_examples_are_the_advisors_answers(advisor):
    examples = _readme_examples()
    assert len(examples) >= 2, "the README's advisory section shows a criteria menu and a verdict"
    for question, shown in examples:
        assert advisor.ask(question).answer.strip() == shown, question
