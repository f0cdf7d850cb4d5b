"""What an import says to a curator, in English, Swedish and Finnish.

The import reports in the language of the workbook's headings. A message is a key
of :data:`MESSAGES` and its values; a missing language falls back to English.
"""

from __future__ import annotations

from typing import Final

MESSAGES: Final[dict[str, dict[str, str]]] = {
    "no_source": {
        "en": "A row needs its source: a web address or the id of a source.",
        "sv": "En rad behöver sin källa: en webbadress eller id för en källa.",
        "fi": "Rivi tarvitsee lähteensä: verkko-osoitteen tai lähteen tunnisteen.",
    },
    "unknown": {
        "en": "“{value}” matches nothing known{near}. Write its id, its Wikidata id "
        "(Q…) or its name as the data has it{create}.",
        "sv": "”{value}” motsvarar inget känt{near}. Skriv dess id, dess Wikidata-id "
        "(Q…) eller dess namn så som data har det{create}.",
        "fi": "”{value}” ei vastaa mitään tunnettua{near}. Kirjoita sen tunniste, "
        "Wikidata-tunniste (Q…) tai nimi niin kuin aineistossa{create}.",
    },
    "near": {
        "en": " (nearest: {names})",
        "sv": " (närmast: {names})",
        "fi": " (lähimmät: {names})",
    },
    "create_place": {
        "en": ", or add it to the sheet {sheet} with its country",
        "sv": ", eller lägg till den på bladet {sheet} med dess land",
        "fi": ", tai lisää se välilehdelle {sheet} maansa kanssa",
    },
    "ambiguous": {
        "en": "“{value}” matches several: {names}. Write the id of the one you mean.",
        "sv": "”{value}” motsvarar flera: {names}. Skriv id för den du menar.",
        "fi": "”{value}” vastaa useaa: {names}. Kirjoita tarkoittamasi tunniste.",
    },
    "bad_id": {
        "en": "“{value}” is not an id: lowercase letters a\u2013z, digits and “-” only.",
        "sv": "”{value}” är inget id: bara små bokstäver a\u2013z, siffror och ”-”.",
        "fi": "”{value}” ei ole tunniste: vain pienet kirjaimet a\u2013z, numerot ja ”-”.",
    },
    "id_taken": {
        "en": "The id “{value}” is already used by {other}; give this row an id of its own.",
        "sv": "Id ”{value}” används redan av {other}; ge raden ett eget id.",
        "fi": "Tunniste ”{value}” on jo käytössä: {other}; anna riville oma tunniste.",
    },
    "no_name": {
        "en": "A new resource needs a name (the English name column).",
        "sv": "En ny resurs behöver ett namn (kolumnen för engelskt namn).",
        "fi": "Uusi resurssi tarvitsee nimen (englanninkielisen nimen sarake).",
    },
    "no_country": {
        "en": "A new municipality is created only with its country.",
        "sv": "En ny kommun skapas bara med sitt land.",
        "fi": "Uusi kunta luodaan vain maansa kanssa.",
    },
    "needs_value": {
        "en": "A new resource needs a value here.",
        "sv": "En ny resurs behöver ett värde här.",
        "fi": "Uusi resurssi tarvitsee tähän arvon.",
    },
    "bad_date": {
        "en": "“{value}” is not a date: write a year (1956), a month (1956-05) or a date "
        "(1956-05-12).",
        "sv": "”{value}” är inget datum: skriv ett år (1956), en månad (1956-05) eller ett "
        "datum (1956-05-12).",
        "fi": "”{value}” ei ole päivämäärä: kirjoita vuosi (1956), kuukausi (1956-05) tai "
        "päivämäärä (1956-05-12).",
    },
    "bad_number": {
        "en": "“{value}” is not a number.",
        "sv": "”{value}” är inget tal.",
        "fi": "”{value}” ei ole luku.",
    },
    "bad_choice": {
        "en": "“{value}” is not one of the allowed values: {names}.",
        "sv": "”{value}” är inte ett av de tillåtna värdena: {names}.",
        "fi": "”{value}” ei ole sallittu arvo: {names}.",
    },
    "bad_url": {
        "en": "“{value}” is not a web address (https://…).",
        "sv": "”{value}” är ingen webbadress (https://…).",
        "fi": "”{value}” ei ole verkko-osoite (https://…).",
    },
    "bad_wikidata": {
        "en": "“{value}” is not a Wikidata id: Q followed by digits (Q2167).",
        "sv": "”{value}” är inget Wikidata-id: Q följt av siffror (Q2167).",
        "fi": "”{value}” ei ole Wikidata-tunniste: Q ja numeroita (Q2167).",
    },
    "bad_language": {
        "en": "“{value}” is not a language code: three letters such as SWE, FIN or ENG.",
        "sv": "”{value}” är ingen språkkod: tre bokstäver som SWE, FIN eller ENG.",
        "fi": "”{value}” ei ole kielikoodi: kolme kirjainta, kuten SWE, FIN tai ENG.",
    },
    "one_value": {
        "en": "Only one value fits here.",
        "sv": "Här får bara ett värde stå.",
        "fi": "Tähän mahtuu vain yksi arvo.",
    },
    "twice": {
        "en": "{what} is described twice for the same source (also row {other}).",
        "sv": "{what} beskrivs två gånger för samma källa (även rad {other}).",
        "fi": "{what} kuvataan kahdesti samalle lähteelle (myös rivi {other}).",
    },
    "unknown_column": {
        "en": "The column “{value}” is not one of this sheet's columns: {names}.",
        "sv": "Kolumnen ”{value}” är inte en av bladets kolumner: {names}.",
        "fi": "Sarake ”{value}” ei ole tämän välilehden sarake: {names}.",
    },
    "unknown_sheet": {
        "en": "The sheet “{value}” is not one of the template's sheets: {names}.",
        "sv": "Bladet ”{value}” är inte ett av mallens blad: {names}.",
        "fi": "Välilehti ”{value}” ei ole mallin välilehti: {names}.",
    },
    "no_rows": {
        "en": "The workbook has no rows to import.",
        "sv": "Arbetsboken har inga rader att importera.",
        "fi": "Työkirjassa ei ole tuotavia rivejä.",
    },
    "rule": {
        "en": "{message}",
        "sv": "{message} (regel på engelska)",
        "fi": "{message} (sääntö englanniksi)",
    },
    "conflict": {
        "en": "The data changed since this preview; look at the new preview.",
        "sv": "Data har ändrats sedan förhandsvisningen; titta på den nya.",
        "fi": "Aineisto on muuttunut esikatselun jälkeen; katso uusi esikatselu.",
    },
    # what the shapes found, by constraint component (a SPARQL constraint's own
    # message, written in English in shapes/, is shown as "rule" above)
    "MinCountConstraintComponent": {
        "en": "A value is needed here.",
        "sv": "Här behövs ett värde.",
        "fi": "Tähän tarvitaan arvo.",
    },
    "MaxCountConstraintComponent": {
        "en": "Fewer values fit here: the data would have more than the rule allows.",
        "sv": "Här får färre värden stå: data skulle få fler än regeln tillåter.",
        "fi": "Tähän mahtuu vähemmän arvoja: aineistoon tulisi enemmän kuin sääntö sallii.",
    },
    "ClassConstraintComponent": {
        "en": "“{value}” is not of the kind this column takes.",
        "sv": "”{value}” är inte av det slag som kolumnen tar.",
        "fi": "”{value}” ei ole sitä lajia, jota sarake ottaa.",
    },
    "DatatypeConstraintComponent": {
        "en": "“{value}” is not written in the form this column takes.",
        "sv": "”{value}” är inte skrivet i den form som kolumnen tar.",
        "fi": "”{value}” ei ole kirjoitettu sarakkeen vaatimassa muodossa.",
    },
    "PatternConstraintComponent": {
        "en": "“{value}” is not written in the form this column takes.",
        "sv": "”{value}” är inte skrivet i den form som kolumnen tar.",
        "fi": "”{value}” ei ole kirjoitettu sarakkeen vaatimassa muodossa.",
    },
    "NodeKindConstraintComponent": {
        "en": "“{value}” must name a resource, not be text.",
        "sv": "”{value}” måste ange en resurs, inte vara text.",
        "fi": "”{value}” täytyy olla resurssi, ei tekstiä.",
    },
    "UniqueLangConstraintComponent": {
        "en": "Only one value per language fits here.",
        "sv": "Här får bara ett värde per språk stå.",
        "fi": "Tähän mahtuu vain yksi arvo kieltä kohden.",
    },
    "MinInclusiveConstraintComponent": {
        "en": "{value} is too small for this column.",
        "sv": "{value} är för litet för kolumnen.",
        "fi": "{value} on liian pieni sarakkeeseen.",
    },
    "MaxInclusiveConstraintComponent": {
        "en": "{value} is too large for this column.",
        "sv": "{value} är för stort för kolumnen.",
        "fi": "{value} on liian suuri sarakkeeseen.",
    },
    # the change in words
    "new": {"en": "new {kind} {name}", "sv": "ny {kind} {name}", "fi": "uusi {kind} {name}"},
    "changed": {"en": "changed {name}", "sv": "ändrad {name}", "fi": "muutettu {name}"},
    "removed": {"en": "removed", "sv": "borttaget", "fi": "poistettu"},
    "added": {"en": "added", "sv": "tillagt", "fi": "lisätty"},
    "in_source": {"en": "source", "sv": "källa", "fi": "lähde"},
    "nothing": {
        "en": "Nothing to change: the data already says this.",
        "sv": "Inget att ändra: data säger redan detta.",
        "fi": "Ei muutettavaa: aineisto sanoo jo tämän.",
    },
    "type": {"en": "type", "sv": "typ", "fi": "tyyppi"},
    "labelled": {"en": "{a} \u2013 {b}", "sv": "{a} \u2013 {b}", "fi": "{a} \u2013 {b}"},
    "membership_label": {"en": "{a} in {b}", "sv": "{a} i {b}", "fi": "{a}: {b}"},
    "web_page": {"en": "Web page {url}", "sv": "Webbsida {url}", "fi": "Verkkosivu {url}"},
}

#: Kinds of resource in words (the ``kind`` of their IRIs).
KINDS: Final[dict[str, dict[str, str]]] = {
    "city": {"en": "municipality", "sv": "kommun", "fi": "kunta"},
    "partnership": {"en": "partnership", "sv": "partnerskap", "fi": "kumppanuus"},
    "membership": {"en": "membership", "sv": "medlemskap", "fi": "jäsenyys"},
    "contact-point": {"en": "contact point", "sv": "kontaktpunkt", "fi": "yhteystieto"},
    "source": {"en": "source", "sv": "källa", "fi": "lähde"},
}


def say(key: str, language: str, **values: object) -> str:
    """The message ``key`` in ``language`` with ``values`` filled in."""
    texts = MESSAGES[key]
    return texts.get(language, texts["en"]).format(**values)


def finding(component: str, language: str, value: str, message: str) -> str:
    """What the shapes found, in ``language``: the words of its constraint component
    when there are some, else the rule's own (English) message."""
    key = component.rsplit("#", 1)[-1]
    if key in MESSAGES:
        return (
            f"{say(key, language, value=value)} ({message})"
            if language == "en"
            else say(key, language, value=value)
        )
    return say("rule", language, message=message)


def kind(name: str, language: str) -> str:
    """A kind of resource in words."""
    texts = KINDS.get(name, {"en": name})
    return texts.get(language, texts["en"])
