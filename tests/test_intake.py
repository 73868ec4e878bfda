"""Intake from free text: product group, value, duration, framework agreement, lots, jurisdiction."""

from __future__ import annotations

import pytest

from advisor.intake import build, extract, parse_amount, parse_duration

# (text, expected fields) — Dutch and English, amounts in every format buyers use.
CASES = [
    ("Mag ik deze schoonmaakopdracht voorbehouden? 80.000 euro, 2 jaar.", {"product_group": "cleaning", "value_eur": 80_000, "duration_months": 24}),
    ("Schoonmaak van het stadhuis, € 80k per jaar", {"product_group": "cleaning", "value_eur": 80_000}),
    ("Cleaning contract of 250,000 EUR for three years", {"product_group": "cleaning", "value_eur": 250_000, "duration_months": 36}),
    ("Raamovereenkomst catering van 1,2 miljoen over 4 jaar", {"product_group": "catering", "value_eur": 1_200_000, "duration_months": 48, "framework_agreement": True}),
    ("Groenonderhoud van onze parken: €80.000", {"product_group": "green_maintenance", "value_eur": 80_000}),
    ("groenonderhoud begraafplaatsen, EUR 110,000 over two years", {"product_group": "green_maintenance", "value_eur": 110_000, "duration_months": 24}),
    ("We need grounds maintenance for 3 years, €95k", {"product_group": "green_maintenance", "value_eur": 95_000, "duration_months": 36}),
    ("Drukwerk en mailing van het stadsmagazine, € 45.000", {"product_group": "printing", "value_eur": 45_000}),
    ("Printing and dispatch of tax letters, 60.000 EUR", {"product_group": "printing", "value_eur": 60_000}),
    ("Klusjesdienst voor kleine herstellingen, ca. € 45.000 per jaar, 3 jaar", {"product_group": "construction_renovation", "value_eur": 135_000, "duration_months": 36}),
    ("Schilderwerken aan openbare gebouwen via een raamcontract", {"product_group": "construction_renovation", "framework_agreement": True}),
    ("40 elektrische dienstfietsen inclusief onderhoud, budget € 70.000", {"product_group": "mobility", "value_eur": 70_000}),
    ("A bike sharing system for staff, €150,000", {"product_group": "mobility", "value_eur": 150_000}),
    ("Laptops en schermen voor 300 medewerkers, € 450.000 over 4 jaar", {"product_group": "ict", "value_eur": 450_000, "duration_months": 48}),
    ("ICT hardware framework agreement worth 2.4 million euro", {"product_group": "ict", "value_eur": 2_400_000, "framework_agreement": True}),
    ("Kantoormeubilair voor het nieuwe administratief centrum, 300.000,00 euro", {"product_group": "office_furniture", "value_eur": 300_000}),
    ("Office furniture, EUR 75,000", {"product_group": "office_furniture", "value_eur": 75_000}),
    ("Werkkledij voor de technische dienst: 35.000 euro", {"product_group": "textiles", "value_eur": 35_000}),
    ("Relatiegeschenken en gadgets, ca. 15.000 euro", {"product_group": "gifts", "value_eur": 15_000}),
    ("Nieuwe straatverlichting, € 1.500.000", {"product_group": "lighting", "value_eur": 1_500_000}),
    ("Bestelwagens voor de groendienst", {"product_group": "vehicles"}),
    ("Koffie en thee voor de vergaderzalen, 12.000 euro", {"product_group": "catering", "value_eur": 12_000, "non_eu_products": True}),
    ("Broodjes voor personeelsevents, €20k per jaar, 2 jaar", {"product_group": "catering", "value_eur": 40_000, "duration_months": 24}),
    ("Maaltijdbezorging voor senioren, 1,5 miljoen euro, 4 jaar", {"product_group": "catering", "value_eur": 1_500_000, "duration_months": 48}),
    ("De schoonmaak van 25 scholen, 2,4 miljoen euro over 4 jaar, in percelen", {"product_group": "cleaning", "value_eur": 2_400_000, "lots": True}),
    ("Cleaning split into lots, 500k euro", {"product_group": "cleaning", "value_eur": 500_000, "lots": True}),
    ("Onderhoud van gebouwen, looptijd 24 maanden", {"product_group": "cleaning", "duration_months": 24}),
    ("Glazenwassen, 18 maanden, € 30.000", {"product_group": "cleaning", "duration_months": 18, "value_eur": 30_000}),
    ("Schoonmaak, geen raamovereenkomst, € 60.000", {"product_group": "cleaning", "framework_agreement": False}),
    ("Wij zijn een Nederlandse gemeente en besteden de schoonmaak aan, circa € 300.000 per jaar", {"jurisdiction": "nl", "value_eur": 300_000}),
    ("Gemeente Rotterdam, social return in een aanbesteding voor groenonderhoud", {"jurisdiction": "nl", "product_group": "green_maintenance"}),
    ("Onder de Aanbestedingswet: mogen we dit voorbehouden aan een sociaal werkbedrijf?", {"jurisdiction": "nl"}),
    ("Wij zijn een OCMW in West-Vlaanderen", {"jurisdiction": "be"}),
    ("De stad Brugge koopt fietsen aan", {"jurisdiction": "be", "product_group": "mobility"}),
    ("We're a Flemish city buying catering", {"jurisdiction": "be", "product_group": "catering"}),
    ("A Dutch municipality wants to procure cleaning", {"jurisdiction": "nl", "product_group": "cleaning"}),
    ("Een opdracht van 139.000 euro", {"value_eur": 139_000, "product_group": None}),
    ("Hoe werkt social return?", {"product_group": None, "value_eur": None, "duration_months": None}),
    ("Contract for 2 years with 300 employees", {"value_eur": None, "duration_months": 24}),
    ("Waarde: EUR 1.2 million, duration 6 months", {"value_eur": 1_200_000, "duration_months": 6}),
    ("€ 2,4 mio voor vier jaar", {"value_eur": 2_400_000, "duration_months": 48}),
    ("Een raming van 95.000 euro en een looptijd van 3 jaar", {"value_eur": 95_000, "duration_months": 36}),
    ("Can we reserve the printing of our newsletters for a sheltered workshop? It is about €40,000 a year.", {"product_group": "printing", "value_eur": 40_000, "value_basis": "per year"}),
    ("We are buying new LED street lighting for the whole town, estimated at 2 million euro.", {"product_group": "lighting", "value_eur": 2_000_000}),
    ("Our council wants a framework agreement for the catering of events over four years.", {"product_group": "catering", "framework_agreement": True, "duration_months": 48}),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:40] for c in CASES])
def test_intake_reads_the_contract(text, expected):
    intake = build(text)
    for name, value in expected.items():
        assert getattr(intake, name) == value, f"{name}: {getattr(intake, name)!r} != {value!r}"


def test_there_are_enough_phrasings():
    assert len(CASES) >= 40
    from advisor.text import detect_language

    assert sum(detect_language(t) == "en" for t, _ in CASES) >= 10, "both languages need coverage"


def test_numbers_without_currency_are_not_amounts():
    assert parse_amount("40 fietsen en 300 medewerkers over 2 jaar") is None
    assert parse_duration("sinds 2 jaar") is None


def test_missing_fields_are_listed_and_jurisdiction_assumed():
    intake = build("Mag ik dit voorbehouden?")
    assert intake.missing == ["product_group", "value_eur", "duration_months"]
    assert intake.jurisdiction == "be" and intake.jurisdiction_assumed
    assert build("A Dutch municipality").jurisdiction_assumed is False


def test_follow_up_keeps_the_conversation_and_explicit_fields_win():
    history = [{"role": "user", "content": "Mag ik deze schoonmaakopdracht van 80.000 euro voorbehouden?"},
               {"role": "assistant", "content": "Oordeel: ja …"}]
    follow = build("en als het 200.000 euro is?", history)
    assert follow.product_group == "cleaning" and follow.value_eur == 200_000
    explicit = build("schoonmaak voor 80.000 euro", explicit={"value_eur": 50_000, "product_group": "printing"})
    assert explicit.value_eur == 50_000 and explicit.product_group == "printing"
    with pytest.raises(ValueError, match="unknown intake fields"):
        build("x", explicit={"budget": 1})


def test_extract_is_pure_text_reading():
    assert extract("").product_group is None and extract("").jurisdiction is None


# Phrasings issue #16 names (fleet cleaning read as buying vehicles; meal delivery, service bikes,
# sharing systems, mailing and dispatch not recognised), in words of their own: (text, groups the
# contract covers, most specific first when it matters).
RECOGNISED = [
    ("Schoonmaak en onderhoud van het wagenpark van de stad", ["cleaning"]),
    ("We want our vehicle fleet washed: cleaning of the fleet (vans and trucks) for two years", ["cleaning"]),
    ("Het poetsen van onze dienstwagens en bestelwagens", ["cleaning"]),
    ("Maintenance of the municipal fleet, tyres and oil changes included", ["cleaning"]),
    ("Maaltijdbedeling aan huis voor senioren", ["catering"]),
    ("Meal delivery for elderly residents", ["catering"]),
    ("Levering van broodjes voor de gemeenteraad", ["catering"]),
    ("Service bikes for the city staff, maintenance included", ["mobility"]),
    ("Een deelsysteem met elektrische deelfietsen", ["mobility"]),
    ("A sharing system for e-bikes", ["mobility"]),
    ("Repair of the bicycles of the municipal bike fleet", ["mobility"]),
    ("Kuverteren en verzenden van de aanslagbiljetten", ["printing"]),
    ("Mailing and dispatch of the council newsletter", ["printing"]),
    ("Handling, verzending en mailing van het infoblad", ["printing"]),
    ("Aankoop van drie bestelwagens", ["vehicles"]),
    ("Aankoop van twee vrachtwagens én de reiniging van het hele wagenpark", ["vehicles", "cleaning"]),
    ("Perceel 1 schoonmaak van de sporthal, perceel 2 groenonderhoud rond de sporthal", ["cleaning", "green_maintenance"]),
    ("Werkkledij voor onze schoonmaakploeg en de groendienst", ["textiles"]),
    ("Workwear for our cleaning staff and our green maintenance crew", ["textiles"]),
    ("New street furniture for the market square: benches and bins", []),
    ("Nieuw straatmeubilair voor het marktplein", []),
    ("Reiniging van het straatmeubilair op de zeedijk", ["cleaning"]),
    ("Gebouwenschoonmaak in de stedelijke scholen", ["cleaning"]),
    # green the buyer has maintained, and vehicles washed, named by an activity on an object
    ("Onderhoud van het groen in de woonwijken", ["green_maintenance"]),
    ("Maintenance of the green areas around the housing estates", ["green_maintenance"]),
    ("Washing of the refuse trucks of the waste service", ["cleaning"]),
    # sharing systems other than bikes are the framework's deelsystemen too
    ("Car sharing for municipal staff", ["mobility"]),
    ("Deelauto's voor de medewerkers van het stadhuis", ["mobility"]),
    # vehicles bought with their maintenance are vehicles; the fleet washed, whatever follows, is cleaning
    ("Aankoop van bestelwagens inclusief onderhoud", ["vehicles"]),
    ("Purchase of electric vans with maintenance for four years", ["vehicles"]),
    ("Fleet washing for the police cars", ["cleaning"]),
    # repairs are renovation work, unless said of what another group names
    ("Herstellingswerken aan het zwembad", ["construction_renovation"]),
    ("Onderhoud en herstellingswerken aan de dienstfietsen", ["mobility"]),
    ("Bike repairs for the staff bikes", ["mobility"]),
    ("Herstellingen aan de schoolgebouwen en schoonmaak van de refter", ["construction_renovation", "cleaning"]),
    # Flemish and Netherlands usage, English
    ("Uitbating van de cafetaria in het administratief centrum", ["catering"]),
    ("Groenvoorziening in de woonwijken", ["green_maintenance"]),
    ("Postverwerking en verzendservice voor het stadskantoor", ["printing"]),
    ("Renovating the youth centre, small jobs included", ["construction_renovation"]),
]


@pytest.mark.parametrize("text,groups", RECOGNISED, ids=[t[:40] for t, _ in RECOGNISED])
def test_product_groups_most_specific_first(text, groups):
    intake = build(text)
    found = [g for g in (intake.product_group, *intake.other_groups) if g]
    assert sorted(found) == sorted(groups), found
    if len(groups) == 1:
        assert intake.product_group == groups[0]


def test_the_answer_contract_lists_every_group_of_the_contract():
    summary = build("Schoonmaak én groenonderhoud van de begraafplaatsen, in twee percelen").summary()
    assert summary.product_groups == [summary.product_group, *summary.other_groups]
    assert set(summary.product_groups) == {"cleaning", "green_maintenance"}
    assert build("Hoe werkt social return?").summary().product_groups == []


@pytest.mark.parametrize("text,expected", [
    ("Groenonderhoud, 4-jarige raamovereenkomst", {"duration_months": 48, "framework_agreement": True}),
    ("Drukwerk, eenmalige opdracht van € 20.000", {"framework_agreement": False, "value_eur": 20_000}),
    ("Painting works, a one-off job of €25,000", {"framework_agreement": False}),
    ("Boven € 139.000 moet het menu erin; wat betekent dat voor schoonmaak?", {"value_eur": None}),
    ("Schoonmaak voor de gemeente Nijmegen", {"jurisdiction": "nl"}),
    ("Cleaning for the city of Kortrijk", {"jurisdiction": "be"}),
])
def test_durations_one_off_purchases_thresholds_and_cities(text, expected):
    intake = build(text)
    for name, value in expected.items():
        assert getattr(intake, name) == value, f"{name}: {getattr(intake, name)!r} != {value!r}"
