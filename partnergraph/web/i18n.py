"""The words of the pages themselves in English, Swedish and Finnish.

The data brings its own labels in the three languages; this table holds only the
headings and short phrases around them. A missing word falls back to English.
"""

from __future__ import annotations

from typing import Final

LANGUAGE_NAMES: Final = {"en": "English", "sv": "svenska", "fi": "suomi"}

WORDS: Final[dict[str, dict[str, str]]] = {
    "language": {"en": "Language", "sv": "Språk", "fi": "Kieli"},
    "skip": {"en": "Skip to content", "sv": "Till innehållet", "fi": "Siirry sisältöön"},
    "home": {"en": "Home", "sv": "Start", "fi": "Etusivu"},
    "search": {"en": "Search", "sv": "Sök", "fi": "Hae"},
    "search_labels": {
        "en": "Search the labels",
        "sv": "Sök bland namnen",
        "fi": "Hae nimistä",
    },
    "results_for": {"en": "Results for", "sv": "Träffar för", "fi": "Tulokset haulle"},
    "no_results": {"en": "Nothing found.", "sv": "Inga träffar.", "fi": "Ei tuloksia."},
    "query_editor": {"en": "SPARQL query editor", "sv": "SPARQL-frågor", "fi": "SPARQL-kyselyt"},
    "named_queries": {"en": "Named queries", "sv": "Namngivna frågor", "fi": "Valmiit kyselyt"},
    "changes": {"en": "Changes", "sv": "Ändringar", "fi": "Muutokset"},
    "dumps": {"en": "Downloads", "sv": "Nedladdningar", "fi": "Lataukset"},
    "current_release": {
        "en": "Current release",
        "sv": "Aktuell version",
        "fi": "Nykyinen julkaisu",
    },
    "all_releases": {"en": "All releases", "sv": "Alla versioner", "fi": "Kaikki julkaisut"},
    "vocabulary": {"en": "Vocabulary", "sv": "Vokabulär", "fi": "Sanasto"},
    "shapes": {"en": "Shapes", "sv": "Former (SHACL)", "fi": "Muodot (SHACL)"},
    "dataset_description": {
        "en": "Dataset description (VoID, DCAT-AP)",
        "sv": "Beskrivning av datamängden (VoID, DCAT-AP)",
        "fi": "Aineiston kuvaus (VoID, DCAT-AP)",
    },
    "published_by": {"en": "Published by", "sv": "Utgivare", "fi": "Julkaisija"},
    "licence": {"en": "Licence", "sv": "Licens", "fi": "Lisenssi"},
    "municipalities": {"en": "Municipalities", "sv": "Kommuner", "fi": "Kunnat"},
    "partnerships": {"en": "Partnerships", "sv": "Partnerskap", "fi": "Kumppanuudet"},
    "networks": {"en": "Networks", "sv": "Nätverk", "fi": "Verkostot"},
    "triples": {"en": "Triples", "sv": "Tripler", "fi": "Kolmikot"},
    "properties": {"en": "Properties", "sv": "Egenskaper", "fi": "Ominaisuudet"},
    "sources": {"en": "Sources", "sv": "Källor", "fi": "Lähteet"},
    "source": {"en": "Source", "sv": "Källa", "fi": "Lähde"},
    "quote": {"en": "Quote", "sv": "Citat", "fi": "Lainaus"},
    "links_here": {"en": "Links here", "sv": "Länkar hit", "fi": "Linkit tänne"},
    "more_links": {"en": "More links", "sv": "Fler länkar", "fi": "Lisää linkkejä"},
    "previous_links": {"en": "Earlier links", "sv": "Tidigare länkar", "fi": "Edelliset linkit"},
    "formats": {"en": "This page as data", "sv": "Sidan som data", "fi": "Sivu datana"},
    "type": {"en": "Type", "sv": "Typ", "fi": "Tyyppi"},
    "also_known_as": {"en": "Also known as", "sv": "Även kallad", "fi": "Myös"},
    "partner": {"en": "Partner", "sv": "Partner", "fi": "Kumppani"},
    "country": {"en": "Country", "sv": "Land", "fi": "Maa"},
    "since": {"en": "Since", "sv": "Sedan", "fi": "Alkaen"},
    "until": {"en": "Until", "sv": "Till", "fi": "Päättyen"},
    "unknown": {"en": "not known", "sv": "okänt", "fi": "ei tiedossa"},
    "activities": {
        "en": "Programmes, projects and events",
        "sv": "Program, projekt och evenemang",
        "fi": "Ohjelmat, hankkeet ja tapahtumat",
    },
    "role": {"en": "Role", "sv": "Roll", "fi": "Rooli"},
    "contacts": {"en": "Contacts", "sv": "Kontakter", "fi": "Yhteystiedot"},
    "held_by": {"en": "held by", "sv": "innehas av", "fi": "haltija"},
    "counts": {
        "en": "Declared and listed partnerships",
        "sv": "Uppgivna och listade partnerskap",
        "fi": "Ilmoitetut ja luetellut kumppanuudet",
    },
    "declared": {"en": "Declared", "sv": "Uppgivet", "fi": "Ilmoitettu"},
    "listed": {"en": "Listed here", "sv": "Listade här", "fi": "Lueteltu täällä"},
    "map": {"en": "Map of partners", "sv": "Karta över partner", "fi": "Kumppanien kartta"},
    "map_missing": {
        "en": "Not on the map (no coordinates in the data)",
        "sv": "Inte på kartan (inga koordinater i datan)",
        "fi": "Ei kartalla (ei koordinaatteja aineistossa)",
    },
    "map_needs_js": {
        "en": "The map needs JavaScript; the partners are listed above.",
        "sv": "Kartan behöver JavaScript; partnerna listas ovan.",
        "fi": "Kartta tarvitsee JavaScriptin; kumppanit on lueteltu yllä.",
    },
    "label_missing": {
        "en": "no label in this language",
        "sv": "inget namn på detta språk",
        "fi": "ei nimeä tällä kielellä",
    },
    "classes": {"en": "Classes", "sv": "Klasser", "fi": "Luokat"},
    "schemes": {"en": "Concept schemes", "sv": "Begreppsscheman", "fi": "Käsitejärjestelmät"},
    "cut": {
        "en": "This description was cut at its size limit; the SPARQL endpoint has the rest.",
        "sv": "Beskrivningen kortades vid storleksgränsen; SPARQL-ändpunkten har resten.",
        "fi": "Kuvaus katkaistiin kokorajaan; loput saa SPARQL-rajapinnasta.",
    },
    # ---- /curate: curators' spreadsheets (partnergraph/web/curate.py) ----
    "curate": {"en": "Curate the data", "sv": "Redigera data", "fi": "Tietojen ylläpito"},
    "curate_intro": {
        "en": "Curators add and correct the data here with a spreadsheet: download the "
        "template (or the current data), fill it in, upload it, check what it would change, "
        "and confirm. Every change is checked against the shapes before it is published, "
        "and recorded in the change log.",
        "sv": "Här lägger redaktörer till och rättar data med ett kalkylblad: ladda ner "
        "mallen (eller nuvarande data), fyll i den, ladda upp den, granska vad den skulle "
        "ändra och bekräfta. Varje ändring kontrolleras mot formerna innan den publiceras "
        "och förs in i ändringsloggen.",
        "fi": "Täällä ylläpitäjät lisäävät ja korjaavat tietoja taulukolla: lataa pohja "
        "(tai nykyiset tiedot), täytä se, lähetä se, tarkista mitä se muuttaisi ja vahvista. "
        "Jokainen muutos tarkistetaan muotoja vasten ennen julkaisua ja kirjataan "
        "muutoslokiin.",
    },
    "curate_token_help": {
        "en": "Sign in with your write token. The server's administrator makes one with "
        "`partnergraph token create`; it may change the graphs it names. The token is used "
        "only to open this session and is not stored (the server keeps only its hash). The "
        "session ends when you sign out, when you close the browser, when the token is "
        "revoked, or after {minutes} minutes without use.",
        "sv": "Logga in med din skrivtoken. Serverns administratör skapar en med "
        "`partnergraph token create`; den får ändra de grafer den anger. Din token används "
        "bara för att öppna denna session och sparas inte (servern behåller bara dess "
        "kontrollsumma). Sessionen slutar när du loggar ut, när du stänger webbläsaren, när "
        "din token återkallas eller efter {minutes} minuter utan användning.",
        "fi": "Kirjaudu kirjoitustunnuksellasi (token). Palvelimen ylläpitäjä tekee sen "
        "komennolla `partnergraph token create`; sillä voi muuttaa siinä nimettyjä graafeja. "
        "Tunnusta käytetään vain tämän istunnon avaamiseen eikä sitä tallenneta (palvelin "
        "pitää vain sen tiivisteen). Istunto päättyy, kun kirjaudut ulos, suljet selaimen, "
        "tunnus perutaan tai {minutes} minuutin käyttämättömyyden jälkeen.",
    },
    "curate_token": {"en": "Write token", "sv": "Skrivtoken", "fi": "Kirjoitustunnus"},
    "curate_sign_in": {"en": "Sign in", "sv": "Logga in", "fi": "Kirjaudu"},
    "curate_sign_out": {"en": "Sign out", "sv": "Logga ut", "fi": "Kirjaudu ulos"},
    "curate_wrong_token": {
        "en": "This token is not known or has been revoked. Nothing was changed.",
        "sv": "Denna token är okänd eller har återkallats. Inget ändrades.",
        "fi": "Tunnusta ei tunneta tai se on peruttu. Mitään ei muutettu.",
    },
    "curate_no_tokens": {
        "en": "No write tokens are configured on this server, so nobody can sign in here "
        "(an administrator makes one with `partnergraph token create`).",
        "sv": "Inga skrivtoken finns på denna server, så ingen kan logga in här (en "
        "administratör skapar en med `partnergraph token create`).",
        "fi": "Tällä palvelimella ei ole kirjoitustunnuksia, joten kukaan ei voi kirjautua "
        "(ylläpitäjä tekee tunnuksen komennolla `partnergraph token create`).",
    },
    "curate_too_many": {
        "en": "Too many wrong tokens came from your address this minute; try again in {seconds} s.",
        "sv": "För många felaktiga token kom från din adress denna minut; försök igen om "
        "{seconds} s.",
        "fi": "Osoitteestasi tuli tällä minuutilla liian monta väärää tunnusta; yritä "
        "uudelleen {seconds} s kuluttua.",
    },
    "curate_ended": {
        "en": "You are not signed in: your session has ended (it expired, you signed out, "
        "or its token was revoked). Sign in again; nothing was changed.",
        "sv": "Du är inte inloggad: din session har upphört (den gick ut, du loggade ut "
        "eller dess token återkallades). Logga in igen; inget ändrades.",
        "fi": "Et ole kirjautunut: istuntosi on päättynyt (se vanheni, kirjauduit ulos tai "
        "sen tunnus peruttiin). Kirjaudu uudelleen; mitään ei muutettu.",
    },
    "curate_csrf": {
        "en": "This form has expired or did not come from this site (its security code is "
        "missing or wrong). Nothing was changed: reload the page and try again.",
        "sv": "Formuläret har gått ut eller kom inte från denna webbplats (dess "
        "säkerhetskod saknas eller är fel). Inget ändrades: ladda om sidan och försök igen.",
        "fi": "Lomake on vanhentunut tai se ei tullut tältä sivustolta (sen turvakoodi "
        "puuttuu tai on väärä). Mitään ei muutettu: lataa sivu uudelleen ja yritä uudestaan.",
    },
    "curate_signed_in_as": {
        "en": "Signed in with the token",
        "sv": "Inloggad med token",
        "fi": "Kirjautunut tunnuksella",
    },
    "curate_may_write": {"en": "may write", "sv": "får skriva", "fi": "saa kirjoittaa"},
    "curate_every_graph": {"en": "every graph", "sv": "alla grafer", "fi": "kaikki graafit"},
    "curate_downloads": {
        "en": "Spreadsheets to fill in",
        "sv": "Kalkylblad att fylla i",
        "fi": "Täytettävät taulukot",
    },
    "curate_template": {
        "en": "The template: empty sheets, every column explained",
        "sv": "Mallen: tomma blad, varje kolumn förklarad",
        "fi": "Pohja: tyhjät taulukot, jokainen sarake selitetty",
    },
    "curate_export": {
        "en": "The current data in the template's shape, to correct and upload again",
        "sv": "Nuvarande data i mallens form, att rätta och ladda upp igen",
        "fi": "Nykyiset tiedot pohjan muodossa, korjattavaksi ja lähetettäväksi uudelleen",
    },
    "curate_upload": {
        "en": "Upload a spreadsheet",
        "sv": "Ladda upp ett kalkylblad",
        "fi": "Lähetä taulukko",
    },
    "curate_upload_help": {
        "en": "An .xlsx workbook or a .csv file of at most {size}, with headings in English, "
        "Swedish or Finnish. Nothing is written until you confirm the preview.",
        "sv": "En .xlsx-arbetsbok eller en .csv-fil på högst {size}, med rubriker på "
        "engelska, svenska eller finska. Inget skrivs förrän du bekräftar förhandsvisningen.",
        "fi": ".xlsx-työkirja tai .csv-tiedosto, enintään {size}, otsikot englanniksi, "
        "ruotsiksi tai suomeksi. Mitään ei kirjoiteta ennen kuin vahvistat esikatselun.",
    },
    "curate_file": {"en": "File", "sv": "Fil", "fi": "Tiedosto"},
    "curate_send": {
        "en": "Upload and preview",
        "sv": "Ladda upp och förhandsgranska",
        "fi": "Lähetä ja esikatsele",
    },
    "curate_no_file": {
        "en": "Choose a file to upload.",
        "sv": "Välj en fil att ladda upp.",
        "fi": "Valitse lähetettävä tiedosto.",
    },
    "curate_too_large": {
        "en": "The file is larger than {size}, the most this server accepts (setting "
        "max_upload_bytes). Nothing was read or changed: split it into smaller files.",
        "sv": "Filen är större än {size}, det mesta denna server tar emot (inställningen "
        "max_upload_bytes). Inget lästes eller ändrades: dela upp den i mindre filer.",
        "fi": "Tiedosto on suurempi kuin {size}, jonka tämä palvelin enintään ottaa vastaan "
        "(asetus max_upload_bytes). Mitään ei luettu eikä muutettu: jaa se pienempiin "
        "tiedostoihin.",
    },
    "curate_pending": {
        "en": "Uploads waiting for your confirmation",
        "sv": "Uppladdningar som väntar på din bekräftelse",
        "fi": "Vahvistustasi odottavat lähetykset",
    },
    "curate_preview": {"en": "Preview", "sv": "Förhandsvisning", "fi": "Esikatselu"},
    "curate_compared_with": {
        "en": "Compared with the data of version",
        "sv": "Jämförd med data i version",
        "fi": "Verrattu tietojen versioon",
    },
    "curate_words": {
        "en": "What would change",
        "sv": "Vad som skulle ändras",
        "fi": "Mitä muuttuisi",
    },
    "curate_patch": {
        "en": "The change as RDF Patch",
        "sv": "Ändringen som RDF Patch",
        "fi": "Muutos RDF Patch -muodossa",
    },
    "curate_problems": {
        "en": "Problems to correct",
        "sv": "Problem att rätta",
        "fi": "Korjattavat ongelmat",
    },
    "curate_problems_help": {
        "en": "Nothing can be written while the file has problems. Correct them in your file "
        "and upload it again.",
        "sv": "Inget kan skrivas medan filen har problem. Rätta dem i filen och ladda upp "
        "den igen.",
        "fi": "Mitään ei voi kirjoittaa, kun tiedostossa on ongelmia. Korjaa ne tiedostoosi "
        "ja lähetä se uudelleen.",
    },
    "curate_sheet": {"en": "Sheet", "sv": "Blad", "fi": "Taulukko"},
    "curate_row": {"en": "Row", "sv": "Rad", "fi": "Rivi"},
    "curate_column": {"en": "Column", "sv": "Kolumn", "fi": "Sarake"},
    "curate_problem": {"en": "Problem", "sv": "Problem", "fi": "Ongelma"},
    "curate_nothing": {
        "en": "Nothing to change: the data already says this.",
        "sv": "Inget att ändra: data säger redan detta.",
        "fi": "Ei muutettavaa: tiedoissa lukee jo näin.",
    },
    "curate_confirm": {
        "en": "Confirm and publish",
        "sv": "Bekräfta och publicera",
        "fi": "Vahvista ja julkaise",
    },
    "curate_cancel": {"en": "Cancel", "sv": "Avbryt", "fi": "Peruuta"},
    "curate_corrected": {
        "en": "Upload a corrected file",
        "sv": "Ladda upp en rättad fil",
        "fi": "Lähetä korjattu tiedosto",
    },
    "curate_changed_since": {
        "en": "The data changed since the preview you confirmed, so nothing was written. "
        "Look at the new preview, and confirm it if it is still right.",
        "sv": "Data har ändrats sedan förhandsvisningen du bekräftade, så inget skrevs. Se "
        "den nya förhandsvisningen och bekräfta den om den fortfarande stämmer.",
        "fi": "Tiedot ovat muuttuneet vahvistamasi esikatselun jälkeen, joten mitään ei "
        "kirjoitettu. Katso uusi esikatselu ja vahvista se, jos se on yhä oikein.",
    },
    "curate_new_preview": {
        "en": "The new preview",
        "sv": "Den nya förhandsvisningen",
        "fi": "Uusi esikatselu",
    },
    "curate_written": {
        "en": "Published as change {number}",
        "sv": "Publicerad som ändring {number}",
        "fi": "Julkaistu muutoksena {number}",
    },
    "curate_written_help": {
        "en": "The change is served from now on and recorded in the change log.",
        "sv": "Ändringen visas från och med nu och är införd i ändringsloggen.",
        "fi": "Muutos on nyt käytössä ja kirjattu muutoslokiin.",
    },
    "curate_see_change": {
        "en": "Change {number} in the change log",
        "sv": "Ändring {number} i ändringsloggen",
        "fi": "Muutos {number} muutoslokissa",
    },
    "curate_changed_pages": {
        "en": "Pages of the municipalities it changed",
        "sv": "Sidor om kommunerna den ändrade",
        "fi": "Muutettujen kuntien sivut",
    },
    "curate_refused": {
        "en": "The shapes refuse this change; nothing was written.",
        "sv": "Formerna godtar inte denna ändring; inget skrevs.",
        "fi": "Muodot hylkäävät tämän muutoksen; mitään ei kirjoitettu.",
    },
    "curate_gone": {
        "en": "This upload is no longer kept: it was published or cancelled, or your "
        "session ended. Upload the file again.",
        "sv": "Denna uppladdning finns inte längre: den publicerades eller avbröts, eller "
        "din session upphörde. Ladda upp filen igen.",
        "fi": "Tätä lähetystä ei enää säilytetä: se julkaistiin tai peruttiin, tai "
        "istuntosi päättyi. Lähetä tiedosto uudelleen.",
    },
    "curate_back": {
        "en": "Back to the curation page",
        "sv": "Tillbaka till redigeringssidan",
        "fi": "Takaisin ylläpitosivulle",
    },
    "curate_not_done": {
        "en": "Nothing was written",
        "sv": "Inget skrevs",
        "fi": "Mitään ei kirjoitettu",
    },
    "curate_hidden_error": {
        "en": "An unexpected error occurred on the server. It has been logged.",
        "sv": "Ett oväntat fel inträffade på servern. Det har loggats.",
        "fi": "Palvelimella tapahtui odottamaton virhe. Se on kirjattu lokiin.",
    },
    "curate_node": {"en": "Resource", "sv": "Resurs", "fi": "Resurssi"},
    "curate_property": {"en": "Property", "sv": "Egenskap", "fi": "Ominaisuus"},
    "curate_value": {"en": "Value", "sv": "Värde", "fi": "Arvo"},
    # ---- the layout and the home page (partnergraph/web/layout.py, pages.py) ----
    "look_site": {"en": "Site", "sv": "Webbplatsen", "fi": "Sivusto"},
    "look_api": {"en": "API", "sv": "API", "fi": "API"},
    "look_english_only": {
        "en": "This page is in English only.",
        "sv": "Den här sidan finns bara på engelska.",
        "fi": "Tämä sivu on vain englanniksi.",
    },
    "look_holds": {
        "en": "What the data holds",
        "sv": "Vad datan innehåller",
        "fi": "Mitä aineisto sisältää",
    },
    "look_described": {
        "en": "Municipalities whose relations are described",
        "sv": "Kommuner vars relationer beskrivs",
        "fi": "Kunnat, joiden suhteet kuvataan",
    },
    "look_partner_places": {
        "en": "Partner places",
        "sv": "Partnerorter",
        "fi": "Kumppanipaikkakunnat",
    },
    "look_counts_note": {
        "en": "A municipality's relations count as described when the data gives its "
        "memberships of networks or its partnerships with two or more places; the other "
        "parties of those partnerships are the partner places.",
        "sv": "En kommuns relationer räknas som beskrivna när datan anger dess medlemskap i "
        "nätverk eller dess partnerskap med två eller fler orter; de andra parterna i dessa "
        "partnerskap är partnerorterna.",
        "fi": "Kunnan suhteet lasketaan kuvatuiksi, kun aineisto kertoo sen jäsenyydet "
        "verkostoissa tai sen kumppanuudet vähintään kahden paikkakunnan kanssa; näiden "
        "kumppanuuksien muut osapuolet ovat kumppanipaikkakunnat.",
    },
    "look_memberships": {
        "en": "Network memberships",
        "sv": "Medlemskap i nätverk",
        "fi": "Verkostojäsenyydet",
    },
    "look_release": {
        "en": "Release {id}, built on {date}",
        "sv": "Version {id}, byggd den {date}",
        "fi": "Julkaisu {id}, koottu {date}",
    },
    "look_no_release": {
        "en": "No release of dumps has been written for this data.",
        "sv": "Ingen version med nedladdningar har skrivits för denna data.",
        "fi": "Tälle aineistolle ei ole kirjoitettu latausjulkaisua.",
    },
    "look_last_change": {"en": "Last change", "sv": "Senaste ändring", "fi": "Viimeisin muutos"},
    "look_change": {
        "en": "Change {number} by {who} on {date}",
        "sv": "Ändring {number} av {who} den {date}",
        "fi": "Muutos {number}, tekijä {who}, {date}",
    },
    "look_no_change": {
        "en": "No change has been made through a write yet: the data is as graph/ was "
        "built on {date}.",
        "sv": "Ingen ändring har gjorts genom en skrivning ännu: datan är som graph/ "
        "byggdes den {date}.",
        "fi": "Kirjoituksella ei ole vielä tehty muutoksia: tiedot ovat sellaiset kuin "
        "graph/ koottiin {date}.",
    },
    "look_all_changes": {"en": "All changes", "sv": "Alla ändringar", "fi": "Kaikki muutokset"},
    "look_more": {"en": "More", "sv": "Mer", "fi": "Lisää"},
    "search_found": {"en": "{count} found", "sv": "{count} träffar", "fi": "{count} tulosta"},
    "search_full": {
        "en": "The best {count} are shown; add a word to narrow the search.",
        "sv": "De {count} bästa visas; lägg till ett ord för att begränsa sökningen.",
        "fi": "Parhaat {count} näytetään; tarkenna hakua lisäämällä sana.",
    },
    "search_none": {
        "en": "Nothing has a name like this.",
        "sv": "Inget har ett sådant namn.",
        "fi": "Millään ei ole tällaista nimeä.",
    },
    "search_too_short": {
        "en": "Type at least two letters.",
        "sv": "Skriv minst två bokstäver.",
        "fi": "Kirjoita vähintään kaksi kirjainta.",
    },
    "search_hint": {
        "en": "Names in English, Swedish and Finnish are searched; accents and capitals "
        "do not matter (“vasteras” finds Västerås).",
        "sv": "Namn på engelska, svenska och finska genomsöks; accenter och versaler spelar "
        "ingen roll (”vasteras” hittar Västerås).",
        "fi": "Haku kattaa englannin-, ruotsin- ja suomenkieliset nimet; aksentit ja isot "
        "kirjaimet eivät vaikuta (”vasteras” löytää Västeråsin).",
    },
    "search_other_names": {"en": "Also", "sv": "Även", "fi": "Myös"},
    "search_did_you_mean": {"en": "Did you mean?", "sv": "Menade du?", "fi": "Tarkoititko?"},
    "search_kind_municipality": {"en": "Municipality", "sv": "Kommun", "fi": "Kunta"},
    "search_kind_network": {"en": "Network", "sv": "Nätverk", "fi": "Verkosto"},
    "search_kind_place": {"en": "Place", "sv": "Plats", "fi": "Paikka"},
    "search_kind_partnership": {"en": "Partnership", "sv": "Partnerskap", "fi": "Kumppanuus"},
    "search_kind_programme": {
        "en": "Programme or project",
        "sv": "Program eller projekt",
        "fi": "Ohjelma tai hanke",
    },
    "search_kind_event": {"en": "Event", "sv": "Evenemang", "fi": "Tapahtuma"},
    "search_kind_organisation": {"en": "Organisation", "sv": "Organisation", "fi": "Organisaatio"},
    "search_kind_source": {"en": "Source document", "sv": "Källdokument", "fi": "Lähdeasiakirja"},
    "search_kind_contact": {"en": "Contact", "sv": "Kontakt", "fi": "Yhteystieto"},
    "search_kind_concept": {"en": "Concept", "sv": "Begrepp", "fi": "Käsite"},
    "search_kind_term": {
        "en": "Vocabulary term",
        "sv": "Term i vokabulären",
        "fi": "Sanaston termi",
    },
    "search_kind_other": {"en": "Other", "sv": "Övrigt", "fi": "Muu"},
    # ---- resource views (partnergraph/web/views/) ----
    "view_in_en": {"en": "in English", "sv": "på engelska", "fi": "englanniksi"},
    "view_in_sv": {"en": "in Swedish", "sv": "på svenska", "fi": "ruotsiksi"},
    "view_in_fi": {"en": "in Finnish", "sv": "på finska", "fi": "suomeksi"},
    "view_in_other": {"en": "language:", "sv": "språk:", "fi": "kieli:"},
    "view_kind_year": {"en": "year", "sv": "år", "fi": "vuosi"},
    "view_kind_month": {"en": "month", "sv": "månad", "fi": "kuukausi"},
    "view_kind_date": {"en": "date", "sv": "datum", "fi": "päivämäärä"},
    "view_kind_datetime": {"en": "date and time", "sv": "datum och tid", "fi": "aika"},
    "view_kind_number": {"en": "number", "sv": "tal", "fi": "luku"},
    "view_kind_duration": {"en": "duration", "sv": "varaktighet", "fi": "kesto"},
    "view_kind_boolean": {"en": "yes or no", "sv": "ja eller nej", "fi": "kyllä tai ei"},
    "view_kind_link": {"en": "web address", "sv": "webbadress", "fi": "verkko-osoite"},
    "view_data": {
        "en": "All statements (data)",
        "sv": "Alla uppgifter (data)",
        "fi": "Kaikki tiedot (data)",
    },
    "view_show_data": {
        "en": "Every statement, property by property, and the links here",
        "sv": "Varje uppgift, egenskap för egenskap, och länkarna hit",
        "fi": "Jokainen tieto ominaisuuksittain sekä linkit tänne",
    },
    "view_facts": {"en": "Facts", "sv": "Uppgifter", "fi": "Tiedot"},
    "view_at_a_glance": {"en": "At a glance", "sv": "I korthet", "fi": "Lyhyesti"},
    "view_the_partnership": {
        "en": "The partnership",
        "sv": "Partnerskapet",
        "fi": "Kumppanuus",
    },
    "view_parties": {"en": "Parties", "sv": "Parter", "fi": "Osapuolet"},
    "view_dates": {"en": "Dates", "sv": "Datum", "fi": "Ajankohta"},
    "view_legend": {"en": "Legend", "sv": "Teckenförklaring", "fi": "Selite"},
    "view_none_listed": {
        "en": "None listed in the data.",
        "sv": "Inga listade i datan.",
        "fi": "Aineistossa ei ole yhtään.",
    },
    "view_figures": {"en": "Figures", "sv": "Siffror", "fi": "Lukuja"},
    "view_more_than": {"en": "more than", "sv": "mer än", "fi": "yli"},
    "view_nearly": {"en": "nearly", "sv": "nästan", "fi": "lähes"},
    "view_active_in": {"en": "active in", "sv": "aktiv inom", "fi": "aktiivinen"},
    "view_runs_it": {"en": "its own", "sv": "egen verksamhet", "fi": "oma toiminta"},
    "view_seat": {"en": "Secretariat in", "sv": "Sekretariat i", "fi": "Sihteeristö"},
    "view_members": {"en": "Members", "sv": "Medlemmar", "fi": "Jäsenet"},
    "view_member": {"en": "Member", "sv": "Medlem", "fi": "Jäsen"},
    "view_members_known": {
        "en": "The members whose membership a source in this dataset states.",
        "sv": "De medlemmar vars medlemskap en källa i denna datamängd anger.",
        "fi": "Jäsenet, joiden jäsenyyden jokin tämän aineiston lähde mainitsee.",
    },
    "view_period": {"en": "Period", "sv": "Period", "fi": "Ajanjakso"},
    "view_map_members": {
        "en": "Map of members",
        "sv": "Karta över medlemmar",
        "fi": "Jäsenten kartta",
    },
    "view_participants": {"en": "Who takes part", "sv": "Deltagare", "fi": "Osallistujat"},
    "view_parts": {"en": "Parts", "sv": "Delar", "fi": "Osat"},
    "view_where_to_read": {
        "en": "Where to read it",
        "sv": "Var den finns",
        "fi": "Mistä sen löytää",
    },
    "view_no_link": {"en": "no link known", "sv": "ingen länk känd", "fi": "linkkiä ei tiedetä"},
    "view_what_it_states": {
        "en": "What it states about",
        "sv": "Vad den uppger något om",
        "fi": "Mistä se kertoo",
    },
    "view_other": {"en": "Other", "sv": "Övrigt", "fi": "Muut"},
    "view_contact_of": {"en": "Contact for", "sv": "Kontakt för", "fi": "Yhteystieto"},
    "view_email": {"en": "E-mail", "sv": "E-post", "fi": "Sähköposti"},
    "view_telephone": {"en": "Telephone", "sv": "Telefon", "fi": "Puhelin"},
    "view_meaning": {"en": "Meaning", "sv": "Betydelse", "fi": "Merkitys"},
    "view_in_scheme": {"en": "In the scheme", "sv": "I begreppsschemat", "fi": "Järjestelmässä"},
    "view_broader": {"en": "Broader", "sv": "Överordnat", "fi": "Laajempi"},
    "view_narrower": {"en": "Narrower", "sv": "Underordnat", "fi": "Suppeampi"},
    "view_names": {
        "en": "Names in each language",
        "sv": "Namn på varje språk",
        "fi": "Nimet kullakin kielellä",
    },
    "view_preferred_name": {"en": "Name", "sv": "Namn", "fi": "Nimi"},
    "view_concepts": {"en": "Concepts", "sv": "Begrepp", "fi": "Käsitteet"},
    "view_used_by": {"en": "Used by", "sv": "Används av", "fi": "Käyttäjät"},
    "view_publisher": {"en": "Published by", "sv": "Utgiven av", "fi": "Julkaisija"},
    "view_written_in": {"en": "Written in", "sv": "Språk", "fi": "Kieli"},
    "view_published": {"en": "Published", "sv": "Publicerad", "fi": "Julkaistu"},
    "view_retrieved": {"en": "Retrieved", "sv": "Hämtad", "fi": "Haettu"},
    "view_not_recorded": {
        "en": "date not recorded",
        "sv": "datum inte antecknat",
        "fi": "päivää ei ole kirjattu",
    },
    "view_about_source": {
        "en": "about this source",
        "sv": "om denna källa",
        "fi": "tietoa lähteestä",
    },
    "view_states_here": {
        "en": "What it states on this page",
        "sv": "Vad den uppger på denna sida",
        "fi": "Mitä se kertoo tällä sivulla",
    },
    "view_unsourced": {
        "en": "Statements without a source document",
        "sv": "Uppgifter utan källdokument",
        "fi": "Tiedot ilman lähdeasiakirjaa",
    },
    "view_derived": {
        "en": "derived by the build from the other statements",
        "sv": "härlett av bygget ur de andra uppgifterna",
        "fi": "johdettu muista tiedoista koottaessa",
    },
}


def word(key: str, language: str) -> str:
    """The word ``key`` in ``language`` (English when missing)."""
    entry = WORDS[key]
    return entry.get(language, entry["en"])
