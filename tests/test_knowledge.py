"""The knowledge files load, and a broken copy of any of them fails at load naming the file and the
entry, instead of a KeyError in the middle of an answer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from advisor.knowledge import HERE, KnowledgeError, knowledge, load

FILES = ("framework.toml", "criteria.toml", "legal.toml", "jurisdictions.toml", "intake.toml")


@pytest.fixture
def kb_copy(tmp_path) -> Path:
    for name in FILES:
        shutil.copy(Path(str(HERE / name)), tmp_path / name)
    load(tmp_path)  # the copy is sound before it is broken
    return tmp_path


def test_the_special_cases_are_data():
    kb = knowledge()
    assert kb.reservation.id == "reserved_contract"
    assert [e.anchor[:6] for e in kb.reservation.roles["objective"]] == ["S.1.1."]
    assert [c.id for c in kb.criteria.values() if c.non_eu_products] == ["fair_trade"]
    assert {j: kb.jurisdictions[j].reservation_card for j in kb.jurisdictions} == {
        "be": "be_2016_art15", "nl": "nl_aw2012_art282"}
    assert kb.jurisdictions["nl"].cues.search("Gemeente Rotterdam") and kb.cues["non_eu_products"].search("koffie")


BROKEN = [
    ("framework.toml", 'reservation_ambition = "S1"', 'reservation_ambition = "S9"',
     "framework.toml framework: reservation_ambition 'S9' is no product group's ambition"),
    ("framework.toml", 'jurisdiction = "be"\n', 'jurisdiction = "fr"\n',
     "framework.toml framework: jurisdiction 'fr' is not in jurisdictions.toml"),
    ("framework.toml", 'id = "mobility"', 'id = "catering"', "framework.toml product group catering: the id is used twice"),
    ("framework.toml", 'approved = "2020-12"', 'approved = "2020-12"\nmotto = "x"',
     r"framework.toml framework: unknown keys \['motto'\]"),
    ("criteria.toml", '"be_2016_art15", "eu_2014_24_art20"', '"be_2016_art16", "eu_2014_24_art20"',
     "criteria.toml criterion reserved_contract: unknown legal card 'be_2016_art16'"),
    # where it goes in the tender and its ambition level (issue #16): known names, a level only with its source
    ("criteria.toml", 'rank = 3\nplace = "subject"', 'rank = 3\nplace = "tender"',
     "criteria.toml criterion lots: unknown place 'tender'; known: reservation, subject, selection, specification, "
     "award, performance"),
    ("criteria.toml", 'place = "specification"\nlevel = "basis"', 'place = "specification"\nlevel = "high"',
     "criteria.toml criterion fair_trade: unknown level 'high'; known: basis, significant, ambitious"),
    ("criteria.toml", 'rank = 3\nplace = "subject"', 'rank = 3\nplace = "subject"\nlevel = "ambitious"',
     "criteria.toml criterion lots: a level needs its source: give level and level_evidence together"),
    ("criteria.toml", 'rank_above = 2', 'rank_above = 0',
     "criteria.toml criterion lots: rank_above must be a whole number >= 1, got 0"),
    ("criteria.toml", 'rank = 3\nplace = "subject"\n', 'rank = 3\n',
     r"criteria.toml criterion lots: .*missing keys \['place'\]"),
    ("criteria.toml", 'place = "reservation"', 'place = "award"',
     "criteria.toml criterion reserved_contract: the reservation criterion's place is reservation, got 'award'"),
    ("framework.toml", 'through = "6 Drukwerk', 'until = "6 Drukwerk',
     "framework.toml framework: evidence needs exactly doc_id and a non-empty anchor, and may end `through`"),
    ("criteria.toml", 'applies_to = ["lighting"]', 'applies_to = ["lightning"]',
     "criteria.toml criterion led_lighting: applies_to names 'lightning'"),
    ("criteria.toml", ', role = "objective"', "",
     "criteria.toml criterion reserved_contract: the reservation criterion needs evidence with the roles objective, suitability \\(has suitability\\)"),
    ("criteria.toml", 'reservation = true\n', "",
     "criteria.toml criterion reserved_contract: only the reservation criterion's evidence has roles"),
    ("criteria.toml", ', role = "objective"', ', role = "aim"',
     r"criteria.toml criterion reserved_contract: the reservation criterion needs evidence with the roles objective, "
     r"suitability \(has aim, suitability\)"),
    ("criteria.toml", 'jurisdiction = "nl"', 'jurisdiction = "de"', "criteria.toml criterion social_return: unknown jurisdiction 'de'"),
    ("criteria.toml", 'legal_basis = { be = [], nl = [] }', 'legal_basis = { be = [], nl = [], fr = [] }',
     r"criteria.toml criterion lots: legal_basis names unknown jurisdictions \['fr'\]"),
    ("criteria.toml", 'non_eu_products = true', 'non_eu_products = true\nnon_eu = true',
     r"criteria.toml criterion fair_trade: unknown keys \['non_eu'\]"),
    ("legal.toml", 'id = "nl_aw2012_art282"', 'id = "nl_aw2012_art2_82"',
     "jurisdictions.toml jurisdiction nl: reservation_card 'nl_aw2012_art282' is not a legal.toml card of jurisdiction 'nl'"),
    ("legal.toml", 'jurisdiction = "eu"', 'jurisdiction = "un"', "legal.toml card eu_2014_24_art20: jurisdiction must be eu or one of"),
    ("legal.toml", 'id = "be_2016_art87"', 'id = "be_2016_art15"', "legal.toml card be_2016_art15: the id is used twice"),
    ("jurisdictions.toml", 'reservation_card = "nl_aw2012_art282"', 'reservation_card = "be_2016_art15"',
     "jurisdictions.toml jurisdiction nl: reservation_card 'be_2016_art15' is not a legal.toml card of jurisdiction 'nl'"),
    ("jurisdictions.toml", r"'gent\b'", "'gent('", r"jurisdictions.toml jurisdiction be: cue 'gent\(' is not a regular expression"),
    ("intake.toml", "'koffie'", "'koffie['", r"intake.toml non_eu_products: cue 'koffie\[' is not a regular expression"),
    ("intake.toml", "non_eu_products = [", "non_eu_goods = [",
     r"intake.toml: unknown keys \['non_eu_goods'\] missing keys \['non_eu_products'\]"),
    ("intake.toml", r"lots = ['\b(?:percelen|perceel|lots?|loten)\b']", "lots = []",
     "intake.toml lots: cues must be a non-empty list"),
    # product-group words: each names one group, services come with objects, lists are non-empty
    ("framework.toml", '"textiel", ', '"textiel", "Schoonmaak", ',
     "framework.toml product group textiles: synonym 'schoonmaak' is already a synonym of cleaning; "
     "a word may name one product group only"),
    ("framework.toml", '"hout", ', '"hout", "hout", ',
     "framework.toml product group building_materials synonyms: 'hout' listed twice"),
    ("framework.toml", 'synonyms = ["bouwmaterialen", "bouwmateriaal", "stenen", "hout", "building materials"]',
     "synonyms = []", "framework.toml product group building_materials synonyms: expected a non-empty list of words"),
    ("framework.toml", '\nobjects = ["gebouwen"', '\nthings = ["gebouwen"',
     r"framework.toml product group cleaning: unknown keys \['things'\]"),
    ("framework.toml", '\nobjects = ["gebouwen"', '\n# objects = ["gebouwen"',
     "framework.toml product group cleaning: services and objects go together \\(an activity on an object\\), "
     "got only services"),
    ("framework.toml", '[no_product_group]\nwords', '[no_product_group]\nphrases',
     r"framework.toml no_product_group: unknown keys \['phrases'\] missing keys \['words'\]"),
    ("intake.toml", "recipients = [\n  \"", "recipients = [\n  \"(",
     "intake.toml recipients: cue .* is not a regular expression"),
]


@pytest.mark.parametrize("name,old,new,message", BROKEN, ids=[f"{b[0]}:{b[3][:40]}" for b in BROKEN])
def test_a_broken_knowledge_file_fails_at_load_naming_the_file_and_entry(kb_copy, name, old, new, message):
    path = kb_copy / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{name} no longer holds {old!r}: update this test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=message):
        load(kb_copy)


@pytest.mark.parametrize("name", FILES)
def test_a_missing_or_unreadable_file_is_named(kb_copy, name):
    (kb_copy / name).write_text("not = [toml", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=name):
        load(kb_copy)


def test_a_jurisdiction_without_its_phrases_is_named(kb_copy):
    card = '\n[[cards]]\nid = "de_gwb_118"\njurisdiction = "de"\ntitle = "GWB § 118"\ntitle_en = "GWB § 118"\n' \
           'summary_nl = "x"\nsummary_en = "x"\nsource = "GWB"\n'
    with (kb_copy / "legal.toml").open("a", encoding="utf-8") as f:
        f.write(card)
    with (kb_copy / "jurisdictions.toml").open("a", encoding="utf-8") as f:
        f.write('\n[[jurisdictions]]\nid = "de"\nreservation_card = "de_gwb_118"\ncues = ["deutschland"]\n')
    with pytest.raises(KnowledgeError, match=r"jurisdictions.toml jurisdiction de: prompts/advice.toml has no phrases "
                                             r"\['assumed_de', 'check_reservation_de', 'given_de', 'reason_outside_framework_de'\]"):
        load(kb_copy)


def test_the_reservation_criterion_is_not_one_for_a_contract_not_reserved(kb_copy):
    path = kb_copy / "criteria.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("reservation = true\n", "reservation = true\nnot_reserved = true\n"),
                    encoding="utf-8")
    with pytest.raises(KnowledgeError, match="criteria.toml criterion reserved_contract: the reservation criterion cannot"):
        load(kb_copy)


def test_there_is_exactly_one_reservation_criterion(kb_copy):
    path = kb_copy / "criteria.toml"
    text = path.read_text(encoding="utf-8").replace("reservation = true\n", "")
    path.write_text(text.replace(', role = "objective"', "").replace(', role = "suitability"', ""), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"criteria.toml: exactly one criterion must have reservation = true, found 0"):
        load(kb_copy)
