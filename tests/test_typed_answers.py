"""Typed composers (issue "Answers that answer"): values of the asked kind, whole lists, announced
steps, definitions. Unit checks of the recognisers on text written here, then the real advisor on
the bundled corpus with questions that are not in the evaluation sets."""

from __future__ import annotations

import re

import pytest

from advisor.answer import lists, values
from advisor.answer.analysis import analyse
from advisor.errors import ConfigError


@pytest.mark.parametrize("kind, text, expected", [
    ("contact", "Voor alle vragen: Jan Peeters jan.peeters@example.be 050 12 34 56", ["jan.peeters@example.be", "050 12 34 56"]),
    ("percentage", "De stad wijst 12 procent toe, en later 40%.", ["12 procent", "40%"]),
    ("amount", "Jaarlijks gaat er ca. € 3 miljard naar, boven € 139.000 geldt iets anders.", ["ca. € 3 miljard", "€ 139.000"]),
    ("date", "Op vrijdag 4 oktober en eind 2021 werd het goedgekeurd.", ["vrijdag 4 oktober", "eind 2021"]),
    ("person", "Het artikel is van Marie Van der Berg.", ["Marie Van der Berg"]),
    ("place", "De stad Kortrijk is de trekker.", ["stad Kortrijk"]),
    ("number", "3 Machines (klein) moeten 30% zuiniger zijn; 11 gemeenten doen mee.", ["30%", "11"]),  # '3' marks a row
    ("person", "Dat zei wethouder Anna Berg Smit (Werk en Zorg) in Gent.", ["Anna Berg Smit"]),
])
def test_values_of_each_kind_are_found_verbatim(kind, text, expected):
    found = values.find(kind, text)
    assert [v.text for v in found] == expected
    assert all(text[v.start:v.end].strip() == v.text for v in found)


def test_value_patterns_are_validated_at_load():
    with pytest.raises(ConfigError, match="values.toml.*missing"):
        values.load_values("[percentage]\npatterns = ['%']\n")
    good = "\n".join(f"[{k}]\npatterns = ['x']" for k in ("percentage", "contact", "date", "amount", "number",
                                                         "person", "organisation", "place"))
    assert values.load_values(good)
    with pytest.raises(ConfigError, match="without bound"):
        values.load_values(good.replace("[place]\npatterns = ['x']", "[place]\npatterns = ['in .*']"))


NUMBERED_TABLE = """AMBITIE X.1: We doen iets

Naam productgroep Streefwaarden

1 Eerste groep

30% minder tegen 2030.

2 Tweede groep

3 Derde groep (met uitleg)

Wat volgt er nu?
"""


def test_numbered_rows_of_a_table_are_one_list_each_row_with_its_other_columns():
    [found] = lists.structured(NUMBERED_TABLE)
    assert [i.text for i in found.items] == ["Eerste groep 30% minder tegen 2030.", "Tweede groep", "Derde groep (met uitleg)"]
    assert NUMBERED_TABLE[found.items[0].start:found.items[0].end].endswith("tegen 2030.")
    # rows may skip lines of another column: a table that ends this near its text's end may go on
    assert not found.complete and "AMBITIE X.1" in found.context
    assert NUMBERED_TABLE[found.start:found.end].startswith("Naam productgroep")


def test_a_list_at_the_end_of_the_text_may_run_on():
    [found] = lists.structured("Dit zijn de punten:\n• een\n• twee\n• drie\n")
    assert [i.text for i in found.items] == ["een", "twee", "drie"] and not found.complete


def test_enumerations_inside_a_sentence():
    sentence = "Vijf steden (Gent, Aalst, Hasselt, Genk en Mol) deden mee."
    assert [i.text for i in lists.inline(sentence)] == ["Gent", "Aalst", "Hasselt", "Genk", "Mol"]
    assert lists.inline("Wij (de stad) doen mee.") == []
    assert lists.enumerates("Ze kiezen het maaien van bermen, het snoeien van hagen en het vegen van pleinen.")
    assert not lists.enumerates("Dit is een gewone zin, zonder opsomming.")


def test_announced_steps_are_the_title_lines_after_the_heading():
    text = ("In drie stappen naar een plan\n\nMaak een analyse\n\nEerst kijk je wat er is.\n\n"
            "TIP – Lees ook de gids\n\nKies een partner\n\nDan zoek je samen.\n\nStart klein\n\nTot slot.\n")
    [found] = lists.stepped(text)
    assert found.wanted == 3 and [i.text for i in found.items] == ["Maak een analyse", "Kies een partner", "Start klein"]
    assert lists.announced("In 4 steps to a policy") == 4 and lists.announced("Een stap vooruit") is None


def test_step_cues_are_validated_at_load():
    with pytest.raises(ConfigError, match="group named `n`"):
        lists.load_steps("[steps]\npatterns = ['stappen']\n[numbers]\ntwee = 2\n[announce]\npatterns = ['x']\n")
    with pytest.raises(ConfigError, match="numbers"):
        lists.load_steps("[steps]\npatterns = ['(?P<n>\\\\d) stappen']\n[numbers]\ntwee = 'twee'\n")


def _statements(answer) -> list[str]:
    return [line for line in answer.answer.splitlines() if re.search(r"\[\d+\]\s*$", line)]


def test_a_fact_answer_leads_with_the_value_it_asks_for(advisor):
    result = advisor.ask("Hoeveel procent van zijn onderhoudsbudget geeft Hasselt aan de sociale economie?")
    first = _statements(result)[0]
    assert first.startswith("Percentage: 15 procent [1]")
    assert "15 procent" in result.citations[0].quote


def test_a_list_answer_shows_every_row_with_its_count(advisor):
    result = advisor.ask("Welke productgroepen horen bij ambitie C1 over minder nieuwe materialen?")
    lines = result.answer.splitlines()
    assert "De bronnen noemen er 7: [1]" in lines
    for row in ("Basis afwerking gebouwen", "Verpakkingen", "Kantoorinrichting"):
        assert any(line.startswith(f"- {row}") and line.endswith(" [1]") for line in lines)
        assert row in result.citations[0].quote


def test_announced_steps_are_shown_whole_across_passages(advisor):
    result = advisor.ask("Wat zijn de stappen naar een succesvol sociaal inkoopbeleid volgens De Normaalste Zaak?")
    shown = result.answer
    for step in ("Zorg voor commitment vanuit het bestuur", "Enthousiasmeer je directe collega’s",
                 "Probeer de methode uit en start een proeftuin met een leverancier/opdrachtnemer"):
        assert step in shown
    assert "De bronnen noemen er 4:" in shown


def test_an_english_list_answer_says_its_count_in_english(advisor):
    result = advisor.ask("Which municipalities of the Bruges region approved the sustainable purchasing framework?")
    assert analyse("Which municipalities of the Bruges region approved the framework?").type == "list"
    assert "The sources name 10 items: [1]" in result.answer.splitlines()
    assert "„Zuienkerke” [1]" in result.answer


def test_a_comparison_answers_each_side_under_its_own_heading(advisor):
    result = advisor.ask("Wat is het verschil tussen een voorbehouden opdracht en social return?")
    lines = result.answer.splitlines()
    heads = [i for i, line in enumerate(lines) if line.startswith("Over ")]
    assert [lines[i] for i in heads[:2]] == ["Over voorbehouden opdracht:", "Over social return:"]
    for i in heads[:2]:
        assert re.search(r"\[\d+\]$", lines[i + 1]), lines[i + 1]  # each side says something, cited
    assert len(result.citations) <= advisor.settings.max_citations and not result.verdict


def test_comparison_sides_keep_the_askers_spelling(advisor):
    from advisor.core import as_asked

    assert as_asked("ghent's approach", "How does Ghent's approach differ?") == "Ghent's approach"


def test_a_contact_is_named_whole_in_the_first_line():
    line = "Voor alle vragen: Jan Peeters jan.peeters@example.be 050 12 34 56"
    assert [v.text for v in values.shown("contact", line)] == ["Jan Peeters", "jan.peeters@example.be", "050 12 34 56"]
    assert values.shown("percentage", "15 procent en 20 procent") == []  # one value, the nearest, for other kinds


def test_value_kind_options_are_validated():
    good = "\n".join(f"[{k}]\npatterns = ['x']" for k in ("percentage", "contact", "date", "amount", "number",
                                                         "person", "organisation", "place"))
    with pytest.raises(ConfigError, match="`with` lists other value kinds"):
        values.load_values(good.replace("[contact]\n", "[contact]\nwith = ['phone']\n"))
    with pytest.raises(ConfigError, match="known keys"):
        values.load_values(good.replace("[contact]\n", "[contact]\ncolour = 'red'\n"))


def test_lines_under_a_heading_are_a_list():
    text = ("STAKEHOLDERS\nWerkgroep aankoop (aankopers en experten)\nDe reguliere economie (inschrijvers)\n"
            "De sociale economie (als leverancier)\n\nDit is een gewone alinea met een punt.\n")
    [found] = lists.headed(text)
    # judged by its heading and the lines after it (a PDF page's running footer names the ambition)
    assert found.context == "STAKEHOLDERS Dit is een gewone alinea met een punt." and len(found.items) == 3
    assert lists.headed("Titel\nEen zin die eindigt met een punt.\nNog een zin.\nEn nog een.\n") == []


def test_objectives_numbered_by_one_code_are_a_list():
    text = ("WAT WILLEN WE BEREIKEN?\n\nS 2.1. Lokaal aankopen krijgt de voorkeur.\n\nS 2.2. Tegen 2025 zijn de ketens "
            "transparant.\n\n3\n\nS 2.3. Tegen 2025 kopen we fair.\n\nK 1.1. Iets anders.\n")
    [found] = lists.coded(text)
    assert [i.text[:6] for i in found.items] == ["S 2.1.", "S 2.2.", "S 2.3."]
    assert "WAT WILLEN WE BEREIKEN?" in found.context


def test_a_list_named_by_a_synonym_of_the_askers_word(advisor):
    """'gemeenten' in the question, 'lokale besturen' in the source (advisor/resources/synonyms.toml)."""
    result = advisor.ask("Welke gemeenten keurden het regionaal kader duurzaam aankopen goed?")
    lines = result.answer.splitlines()
    assert "De bronnen noemen er 10: [1]" in lines and "- Zuienkerke [1]" in lines


FAQ_TEXT = ("Zo werkt het overzicht. Staat jouw dienst niet in het overzicht van de regio? Neem dan gewoon contact "
            "op met een paar ondernemingen. Ook zeer specifieke vragen zijn welkom bij hen.\n\nHet overzicht van de "
            "regio wordt elk jaar bijgewerkt.")


def _compose_one(text: str, question_words: tuple[str, ...], max_passages: int, analysis=None,
                 title: str = "Gids"):
    """The composer on one passage written here, with the question's words as equal concepts."""
    from advisor.compose import compose
    from advisor.concepts import Concept
    from advisor.passage import Passage
    from advisor.retrieval import Hit
    from advisor.text import stem

    passage = Passage(id="p1", doc_id="d1", title=title, start=0, end=len(text), text=text, index_text=text)
    found = [Concept(w, frozenset({stem(w, "nl")}), 1.0) for w in question_words]
    return compose([Hit(passage, 1.0)], found, "nl", lambda doc_id: text, max_passages, analysis)


def _faq_answer(kind: str):
    from advisor.answer.analysis import Analysis

    analysis = Analysis(type=kind, focus=()) if kind else None
    return _compose_one(FAQ_TEXT, ("dienst", "overzicht", "regio"), 4, analysis)


def test_a_question_in_the_source_is_answered_by_the_sentence_after_it():
    answer = _faq_answer("")
    first = next(line for line in answer.answer.splitlines() if line.startswith("- "))
    assert "Neem dan gewoon contact op" in first  # not the question itself, nor the sentence sharing more words
    assert all(c.quote.strip().endswith(".") for c in answer.citations)


def test_a_procedure_answer_runs_on_into_the_sentences_after_its_best_one():
    plain, stepwise = _faq_answer(""), _faq_answer("procedure")
    assert "Ook zeer specifieke vragen" not in plain.answer.splitlines()[2]
    lead = stepwise.citations[0]
    assert "Neem dan gewoon contact op" in lead.quote and "Ook zeer specifieke vragen" in lead.quote
    assert stepwise.answer.count("[1]") == 1  # one statement, one quote that holds all of it


WIDE_TABLE = """AMBITIE Y.2: We doen iets anders

# HOOFDSTUK

PRIORITAIRE GROEPEN

EN WAARDEN

Naam groep Waarden

1 Eerste groep Voor alle opdrachten
onder de drempel:

Een stijging van het volume

met een derde

(nulmeting)

Voor alle opdrachten boven de drempel:

een menu

2 Tweede groep

3 Derde groep
"""


def test_a_table_whose_first_row_carries_a_long_other_column_is_one_list_judged_by_its_caption():
    [found] = lists.structured(WIDE_TABLE)
    assert [i.text.split()[0] for i in found.items] == ["Eerste", "Tweede", "Derde"]
    assert "AMBITIE Y.2" in found.context  # the ambition named above the table's heading block


def test_a_count_question_names_what_it_counts_and_a_unit_names_nothing():
    assert analyse("Hoeveel aankoopdoelstellingen telt het kader?").head.startswith("aankoopdoelstellingen")
    assert analyse("Met hoeveel procent moet de vloot zuiniger worden?").head == ""


def test_a_count_is_the_number_next_to_what_is_counted_not_a_year(advisor):
    result = advisor.ask("How many local governments in the Bruges region signed up to the framework?")
    first = _statements(result)[0]
    assert first.startswith("The number the sources give: 10 [1]"), first


def test_an_item_after_a_double_space_keeps_its_first_letter():
    sentence = "De besturen (Beernem, Brugge,  Damme en Jabbeke) keurden het goed."
    items = lists.inline(sentence)
    assert [i.text for i in items] == ["Beernem", "Brugge", "Damme", "Jabbeke"]
    assert all(sentence[i.start:i.end] == i.text for i in items)


def test_the_words_of_a_documents_title_do_not_pick_its_sentences():
    text = ("Het regionaal kader werd eind vorig jaar door de besturen goedgekeurd. "
            "Aankopers zijn de personen die opdrachten in de markt plaatsen.")
    answer = _compose_one(text, ("regionaal", "kader", "aankopers"), 1, title="Regionaal kader duurzaam aankopen")
    assert "Aankopers zijn de personen" in answer.citations[0].quote


def test_numbered_rows_that_run_on_from_the_passage_before_start_at_their_next_number():
    text = "Sociaal:\n\n4. Vierde ding\n5. Vijfde ding\n\nCirculair:\n\n6. Zesde ding\n"
    assert lists.structured(text) == []
    found, *groups = lists.structured(text, first=4)
    assert [i.text for i in found.items] == ["Vierde ding", "Vijfde ding", "Zesde ding"]
    assert [g.lead.clean for g in groups[:2]] == ["Sociaal:", "Circulair:"]
    assert found.next_number == 7


def test_a_list_announced_as_so_many_of_the_asked_things_wins(advisor):
    # the framework names its ambitions as 'Dit kader steunt op 7 regionale duurzame ambities:' and
    # its ten municipalities in a sentence that mentions 'ambities' too
    result = advisor.ask("Which ambitions, seven in all, underpin the regional framework of Bruges?")
    first = _statements(result)[0]
    assert first.startswith("The sources name 7 items: [1]"), result.answer
    assert "We verlengen de levensduur van producten en gebouwen" in result.answer


def test_questions_announced_after_a_colon_are_a_list():
    text = ("Het plan helpt met vragen zoals: Wie betrek je? Wat koop je in? Hoe meet je het? "
            "Daarna volgt een voorbeeld.")
    [found] = lists.asked(text)
    assert [i.text for i in found.items] == ["Wie betrek je?", "Wat koop je in?", "Hoe meet je het?"]
    assert all(text[i.start:i.end] == i.text for i in found.items)
    assert lists.asked("Zoals gezegd: dit is geen vraag. Is dit er een?") == []


def test_an_enumerating_sentence_is_judged_with_the_sentences_before_it():
    from advisor.answer.analysis import Analysis

    text = ("Elk bedrijf koopt kleine producten in. Potloden, kantoorfruit, koffie en ga zo maar door.\n\n"
            "Andere thema's zijn werk, zorg en wonen.")
    answer = _compose_one(text, ("kleine", "producten"), 2,
                          Analysis(type="list", focus=("kleine producten",), head="producten"))
    assert "Potloden, kantoorfruit, koffie" in answer.citations[0].quote


def test_the_names_of_coded_lines_are_validated_at_load():
    with pytest.raises(ConfigError, match=r"\[coded\]"):
        lists.load_steps("[steps]\npatterns = ['(?P<n>\\\\d) stappen']\n[numbers]\ntwee = 2\n[announce]\npatterns = ['x']\n")


GROUPED_LIST = ("Het plan steunt op 5 doelen in 2 soorten:\n\nGroene doelen:\n\n1. Meer bomen planten\n"
                "2. Minder beton gieten\n\nSociale doelen:\n\n3. Meer mensen aan het werk\n4. Eerlijke lonen betalen\n"
                "5. Lokale winkels steunen\n")


def test_a_numbered_list_divided_by_headings_is_a_list_and_each_group_one():
    whole, green, social, _headings = lists.structured(GROUPED_LIST)
    assert len(whole.items) == 5 and whole.lead.clean.startswith("Het plan steunt op 5 doelen")
    assert [i.text for i in green.items] == ["Meer bomen planten", "Minder beton gieten"]
    assert social.lead.clean == "Sociale doelen:" and len(social.items) == 3 and social.of == 5


def test_a_question_naming_a_group_gets_that_group_and_one_naming_the_list_the_whole():
    from advisor.answer.analysis import Analysis

    group = _compose_one(GROUPED_LIST, ("doelen", "sociale"), 4, Analysis(type="list", focus=(), head="doelen"))
    listed = [line for line in group.answer.splitlines() if line.endswith("[1]")]
    assert listed[0] == "De bronnen noemen er 3: [1]" and "- Eerlijke lonen betalen [1]" in listed
    whole = _compose_one(GROUPED_LIST, ("doelen", "plan"), 4, Analysis(type="list", focus=(), head="doelen"))
    assert "De bronnen noemen er 5: [1]" in whole.answer


def test_a_table_row_that_swallowed_the_next_is_split_and_the_rows_go_on():
    text = ("Naam productgroep Indicatieve streefwaarden\n\n1 Verlichting Alles LED\n\n2 ICT Beste label\n\n"
            "3 Machines (klein) Nieuwe machines zuiniger. 4 Machines (groot) \n\n5 Witgoed Hoogste label\n")
    [found] = lists.structured(text)
    assert [i.text for i in found.items] == ["Verlichting Alles LED", "ICT Beste label",
                                             "Machines (klein) Nieuwe machines zuiniger.", "Machines (groot)",
                                             "Witgoed Hoogste label"]
    assert text[found.items[3].start:found.items[3].end] == "Machines (groot)" and found.next_number == 6


def test_a_list_whose_surroundings_name_the_asked_code_wins_over_its_twins():
    from advisor.answer.analysis import Analysis

    text = ("STAKEHOLDERS\nWerkgroep klimaat\nAankopers toestellen\nDe markt\n\nAMBITIE K.3: Energie\n\n"
            "STAKEHOLDERS\nWerkgroep sociale economie\nAankopers opdrachten\nDe sociale economie\n\nAMBITIE S.1: Sociaal\n")
    answer = _compose_one(text, ("stakeholders", "s1"), 4, Analysis(type="list", focus=(), head="stakeholders"))
    assert "Werkgroep sociale economie" in answer.answer and "Werkgroep klimaat" not in answer.answer


def test_the_headings_of_a_grouped_list_are_a_list_of_their_own():
    found = lists.structured(GROUPED_LIST)
    headings = [e for e in found if [i.text for i in e.items] == ["Groene doelen", "Sociale doelen"]]
    assert len(headings) == 1 and headings[0].lead.clean.startswith("Het plan steunt op 5 doelen in 2 soorten")


def test_a_definition_whose_best_sentence_does_not_define_runs_on():
    from advisor.answer.analysis import Analysis

    text = ("Verder wordt het voorbeeld gegeven van de aankoopcentrale voor brandkranen. Elf gemeenten werken "
            "er samen. De stad Roeselare treedt op als centrale.\n\nEen ander verhaal.")
    answer = _compose_one(text, ("aankoopcentrale", "brandkranen"), 4, Analysis(type="definition", focus=()))
    first = next(line for line in answer.answer.splitlines() if line.startswith("- "))
    assert "Elf gemeenten werken er samen" in first and "Een ander verhaal" not in first
    plain = _compose_one("Een aankoopcentrale is een bestuur dat voor anderen koopt. Elf gemeenten doen mee.",
                         ("aankoopcentrale",), 4, Analysis(type="definition", focus=()))
    assert "Elf gemeenten" not in next(line for line in plain.answer.splitlines() if line.startswith("- "))


def test_a_table_cut_by_its_passage_after_one_row_is_followed_into_the_next():
    from advisor.answer.analysis import Analysis
    from advisor.compose import compose
    from advisor.concepts import Concept
    from advisor.passage import Passage
    from advisor.retrieval import Hit
    from advisor.text import stem

    doc = ("Naam productgroep Indicatieve streefwaarden\n\n1 Kantoorinrichting \nLanger gebruiken met \n10% tegen 2025."
           "\n\nLanger gebruiken met \n30% tegen 2030.\n\n2 Bouw (nieuw)\n\n3 Machines\n\n4 Gebruiksmaterialen\n")
    cut = doc.index("Langer gebruiken met \n30%")
    first = Passage(id="p1", doc_id="d1", title="Kader", start=0, end=cut, text=doc[:cut], index_text=doc[:cut])
    second = Passage(id="p2", doc_id="d1", title="Kader", start=cut, end=len(doc), text=doc[cut:], index_text=doc[cut:])
    found = [Concept(w, frozenset({stem(w, "nl")}), 1.0) for w in ("productgroep", "streefwaarden")]
    answer = compose([Hit(first, 1.0)], found, "nl", lambda _: doc, 4, Analysis(type="list", focus=(), head="productgroep"),
                     following=lambda p: second if p.id == "p1" else None)
    assert "De bronnen noemen er 4: [1]" in answer.answer and "- Gebruiksmaterialen [2]" in answer.answer


def test_a_list_named_by_the_asked_code_wins_over_a_better_worded_list_that_is_not():
    from advisor.answer.analysis import Analysis

    text = ("Dit kader steunt op 3 regionale ambities met aankoopdoelstellingen:\n\n1. Klimaat\n2. Sociaal\n3. Circulair\n\n"
            "Elke ambitie krijgt een eigen pagina.\n\nDaarop staan de doelen.\n\nWAT WILLEN WE BEREIKEN?\n\nK2 doelen\n\nK 2.1. Een groenere vloot.\n\nK.2.2. Minder ritten met de wagen.\n\nK.2.3. Deelfietsen.\n")
    answer = _compose_one(text, ("aankoopdoelstellingen", "kader", "ambitie", "k2"), 4,
                          Analysis(type="list", focus=(), head="aankoopdoelstellingen"))
    assert "Een groenere vloot" in answer.answer and "- Klimaat" not in answer.answer


def test_a_coded_objective_keeps_the_lines_it_wraps_onto():
    text = ("WAT WILLEN WE BEREIKEN?\n\nK 2.1. Bij aankoop wordt een hogere \nCO2-efficiëntie nagestreefd tegen 2030. \n\n"
            "K.2.2. Promoten van deelsystemen.\n\nFOCUS\n\nHet stapsgewijs overstappen.\n")
    [found] = lists.coded(text)
    assert [i.text for i in found.items] == [
        "K 2.1. Bij aankoop wordt een hogere CO2-efficiëntie nagestreefd tegen 2030.", "K.2.2. Promoten van deelsystemen."]
    assert text[found.items[0].start:found.items[0].end].endswith("2030.")


def test_what_a_list_answer_quotes_besides_its_list_is_set_apart_and_not_counted(advisor):
    from advisor.phrases import phrases

    also = {language: table["also"] for language, table in phrases("answer").items()}
    seen = 0
    for question in ("Welke stakeholders noemt het kader bij de klimaatambities?",
                     "Which stakeholders does the framework name for the circular ambitions?",
                     "Welke productgroepen vallen onder ambitie K1?"):
        result = advisor.ask(question)
        lines = result.answer.splitlines()
        lead = next(i for i, line in enumerate(lines) if re.match(r"(De bronnen noemen er|The sources name) \d+", line))
        count = int(re.search(r"\d+", lines[lead]).group())
        rest = lines[lead + 1:]
        items = [line for line in rest[:rest.index(also[result.language])] if line.startswith("- ")] \
            if also[result.language] in rest else [line for line in rest if line.startswith("- ")]
        assert len(items) == count, result.answer
        seen += also[result.language] in rest
    assert seen, "no answer quoted anything besides its list: the test no longer tests the separation"


def test_a_row_whose_other_columns_would_make_it_too_long_or_hold_a_heading_is_its_first_line():
    long_cell = " ".join(["woord"] * 45)
    text = f"Naam productgroep Streefwaarden\n\n1 Eerste groep\n\n{long_cell}.\n\n2 Tweede groep\n\nDerde deel:\n\n3 Derde groep\n"
    [found] = lists.structured(text)
    assert [i.text for i in found.items] == ["Eerste groep", "Tweede groep", "Derde groep"]


def test_lines_under_a_capitals_heading_after_a_stray_number_are_a_list():
    text = "FOCUS\n\nWe streven naar korte ketens.\n\n1 STAKEHOLDERS\nWerkgroep DAK\nDe markt (inschrijvers)\nMiddenveld\n"
    [found] = lists.headed(text)
    assert found.lead.clean == "1 STAKEHOLDERS" and [i.text for i in found.items] == ["Werkgroep DAK", "De markt (inschrijvers)", "Middenveld"]
    assert lists.headed("1 Textiel\nWerkgroep DAK\nDe markt\nMiddenveld\n") == []  # a table row is no heading



def test_short_lines_under_a_heading_run_on_with_the_next_passages_first_lines_up_to_a_running_line():
    assert [i.text for i in lists.more_lines("College en burgemeester (beslissen)\nMAT\n\n3\n\nAMBITIE S.2: Ketens\n")] \
        == ["College en burgemeester (beslissen)", "MAT"]
    assert lists.more_lines("AMBITIE K.1: We bouwen een regio uit\n\nNaam productgroep\n") == []
    assert lists.more_lines("Het kader werd in 2020 goedgekeurd door de besturen.\nEen tweede zin.\n") == []
